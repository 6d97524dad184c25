"""Template helpers of the invoice pages: status labels and badges, amounts."""

from decimal import Decimal
from html import escape

from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from factures.enums import StatutFacture
from factures.suivi import statuts

register = template.Library()


@register.filter
def libelle_statut(code: str) -> str:
    """The French label of a status code (the code itself if unknown)."""
    try:
        return StatutFacture(code).label
    except ValueError:
        return code


@register.filter
def badge_statut(code: str) -> str:
    return statuts.badge(code)


@register.filter
def montant(valeur, devise: str = "") -> str:
    """An amount the French way, two decimals and grouped thousands: 1 234,50 EUR."""
    if valeur is None or valeur == "":
        return "—"
    texte = number_format(valeur, 2, force_grouping=True)
    return f"{texte} {devise}".strip()


@register.filter
def libelle_action(code: str) -> str:
    from factures.enums import ActionFacture

    try:
        return ActionFacture(code).label
    except ValueError:
        return code


@register.filter
def split_mots(texte: str) -> list[str]:
    """ "a b c" → ["a", "b", "c"]: lists field names in a template."""
    return texte.split()


@register.filter
def champ(form, nom: str):
    """The DSFR field group of `form[nom]`, or nothing if the form has no such field."""
    if nom not in form.fields:
        return ""
    return form[nom].as_field_group()


@register.filter
def anomalies_de(anomalies, champ_: str) -> list:
    return [a for a in anomalies if a.champ == champ_]


@register.filter
def champ_lie(form, nom: str):
    """`form[nom]` (a bound field), for its label or errors."""
    return form[nom]


# Columns of the lines table: (field, input attributes, label for assistive technologies).
_COLONNES_LIGNES = [
    ("designation", {"maxlength": "500"}, _("Désignation, ligne")),
    ("reference", {"maxlength": "100"}, _("Référence, ligne")),
    ("quantite", {"inputmode": "decimal", "autocomplete": "off"}, _("Quantité, ligne")),
    ("unite", {"maxlength": "3", "list": "unites"}, _("Unité, ligne")),
    (
        "prix_unitaire_ht",
        {"inputmode": "decimal", "autocomplete": "off"},
        _("Prix unitaire HT, ligne"),
    ),
    ("remise_ht", {"inputmode": "decimal", "autocomplete": "off"}, _("Remise HT, ligne")),
    (
        "taux_tva",
        {"inputmode": "decimal", "autocomplete": "off", "list": "taux-tva"},
        _("Taux de TVA en pourcentage, ligne"),
    ),
]


def _texte(valeur) -> str:
    """A value as the form shows it: decimals with a comma, no exponent."""
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return format(valeur, "f").replace(".", ",")
    return str(valeur)


def _rangs(formset):
    """(prefix, {field: shown value}, errors, deletion ticked) of every line, without building
    10,000 forms when the formset is not bound (a GET shows the saved lines)."""
    noms = [nom for nom, _attrs, _libelle in _COLONNES_LIGNES]
    if formset.is_bound:
        for form in formset.forms:
            valeurs = {nom: form.data.get(form.add_prefix(nom), "") for nom in noms}
            coche = bool(form.data.get(form.add_prefix("DELETE")))
            yield form.prefix, valeurs, form.errors, coche
        return
    initiales = list(formset.initial or [])
    defauts = {"unite": "C62", "taux_tva": "20"}
    for rang in range(len(initiales) + formset.extra):
        initiale = initiales[rang] if rang < len(initiales) else defauts
        valeurs = {nom: _texte(initiale.get(nom)) for nom in noms}
        yield formset.add_prefix(rang), valeurs, {}, False


@register.simple_tag
def lignes_du_tableau(formset):
    """The rows of the lines table, built in Python with `html.escape` on every value: a
    draft may have 10,000 lines, which the template engine (or `format_html`) would take tens
    of seconds to render input by input."""
    colonnes = [
        (
            nom,
            " ".join(f'{cle}="{escape(valeur)}"' for cle, valeur in attrs.items()),
            escape(str(libelle)),
        )
        for nom, attrs, libelle in _COLONNES_LIGNES
    ]
    etiquettes = {nom: str(champ.label) for nom, champ in formset.form.base_fields.items()}
    supprimer, ligne_n = escape(str(_("Supprimer la ligne"))), escape(str(_("Ligne")))
    morceaux = []
    for n, (prefixe, valeurs, erreurs, coche) in enumerate(_rangs(formset), start=1):
        prefixe = escape(prefixe)
        cellules = "".join(
            f'<td><input class="fr-input{" fr-input--error" if nom in erreurs else ""}" '
            f'type="text" name="{prefixe}-{nom}" id="id_{prefixe}-{nom}" '
            f'value="{escape(str(valeurs[nom]))}" aria-label="{libelle} {n}" {attrs}></td>'
            for nom, attrs, libelle in colonnes
        )
        cellules += (
            f'<td><input type="checkbox" name="{prefixe}-DELETE" id="id_{prefixe}-DELETE" '
            f'aria-label="{supprimer} {n}"{" checked" if coche else ""}></td>'
        )
        classe = ' class="ligne-en-erreur"' if erreurs else ""
        morceaux.append(f'<tr{classe}><th scope="row">{n}</th>{cellules}</tr>')
        if erreurs:
            details = " ; ".join(
                escape((f"{etiquettes[c]} — " if c in etiquettes else "") + " ".join(messages))
                for c, messages in erreurs.items()
            )
            morceaux.append(
                f'<tr class="ligne-en-erreur"><td colspan="9"><p class="fr-error-text fr-mt-0">'
                f"{ligne_n} {n} : {details}</p></td></tr>"
            )
    return mark_safe("\n".join(morceaux))
