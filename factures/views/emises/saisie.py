"""Typing an invoice (saisie) and editing any draft: header, cadre, validators, lines with
their totals recomputed server-side, the recipient chosen in the directory; deleting a draft.

The page works without JavaScript: "Recalculer" posts the form and shows the new totals,
"Ajouter une ligne" adds a blank line. With htmx, the totals fragment is recomputed as the
user types (`totaux`), from what the form holds, nothing saved.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.workflow import TransitionRefusee
from factures import presentation
from factures.enums import StatutFacture
from factures.forms.pieces_jointes import PieceJointeForm, ReutiliserPieceForm
from factures.forms.saisie import (
    DEVISES_USUELLES,
    TAUX_USUELS,
    UNITES,
    EnteteForm,
    LignesFormSet,
    NouvelleFactureForm,
    initial_lignes,
)
from factures.services import saisie as services
from factures.services import verifications
from factures.views.emises.commun import (
    contexte_espace,
    erreurs_dans,
    exiger_espace,
    facture_modifiable,
    peut_deposer,
    saisie,
)
from structures import annuaire
from structures.models import Structure

GET_POST = require_http_methods(["GET", "POST"])
PREFIXE_LIGNES = "lignes"
RELATIONS = ("valideur_1", "valideur_2", "coordonnee_bancaire", "document_original")


@GET_POST
def saisir(request):
    """First step: the supplier structure (and service) and the cadre; creates the draft."""
    exiger_espace(request)
    if not peut_deposer(request.user):
        raise PermissionDenied
    form = NouvelleFactureForm(data=saisie(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facture = services.facture_creer(acting_user=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        else:
            return redirect("factures:emises_modifier", pk=facture.pk)
    return render(
        request, "factures/emises/saisir.html", contexte_espace(request, form=form, onglet="saisir")
    )


def _brouillon(request, pk):
    facture = facture_modifiable(request, pk, select_related=RELATIONS)
    if facture.statut != StatutFacture.BROUILLON:
        messages.info(request, _("Cette facture a été envoyée : elle ne peut plus être modifiée."))
        return facture, redirect("factures:emises_detail", pk=facture.pk)
    return facture, None


def _formset(request, facture, *, data=None):
    if services.est_structuree(facture):
        return None
    if data is None and request.method == "GET":
        return LignesFormSet(prefix=PREFIXE_LIGNES, initial=initial_lignes(facture))
    return LignesFormSet(data=data if data is not None else request.POST, prefix=PREFIXE_LIGNES)


def _trop_de_lignes(post) -> bool:
    """More lines posted than an invoice may have: refused before building 10,001 forms."""
    try:
        return int(post.get(f"{PREFIXE_LIGNES}-TOTAL_FORMS", "0")) > verifications.LIGNES_MAX
    except ValueError:
        return False


def _refus_trop_de_lignes(request, facture):
    form = EnteteForm(data=request.POST, facture=facture)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Une facture compte au plus %(max)s lignes : pour une facture plus longue, "
            "déposez un fichier structuré (Factur-X, UBL ou CII)."
        )
        % {"max": number_format(verifications.LIGNES_MAX, force_grouping=True)},
    )
    lignes = LignesFormSet(prefix=PREFIXE_LIGNES, initial=initial_lignes(facture))
    return _rendre(request, facture, form, lignes)


def _avec_une_ligne_de_plus(post):
    data = post.copy()
    cle = f"{PREFIXE_LIGNES}-TOTAL_FORMS"
    try:
        data[cle] = str(int(data.get(cle, "0")) + 1)
    except ValueError:
        data[cle] = "1"
    return data


def _totaux_de(facture, form, lignes):
    """Totals of what the form holds (nothing saved); None if they cannot be computed."""
    if lignes is None:  # a structured file: its own totals
        return None
    apercu = copy.copy(facture)
    donnees = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    for champ in ("type_tva", "cadre"):
        if donnees.get(champ):
            setattr(apercu, champ, donnees[champ])
    valides = (
        [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in lignes.forms
            if f.is_valid() and f.has_changed() and not f.cleaned_data.get("DELETE")
        ]
        if lignes.is_bound
        else initial_lignes(facture)
    )
    try:
        return services.calculer_totaux(apercu, valides, donnees or _donnees_enregistrees(facture))
    except ValidationError:
        return None


def _donnees_enregistrees(facture):
    return {
        "montant_ht": facture.montant_ht,
        "montant_tva": facture.montant_tva,
        "montant_remise_globale_ttc": facture.montant_remise_globale_ttc,
    }


def _contexte(request, facture, form, lignes, **autres):
    anomalies = list(facture.anomalies.all()) if services.est_structuree(facture) else []
    rubriques, ailleurs = presentation.fiche(facture, anomalies)
    return contexte_espace(
        request,
        rubriques=rubriques,
        anomalies_ailleurs=ailleurs,
        facture=facture,
        form=form,
        lignes=lignes,
        totaux=_totaux_de(facture, form, lignes),
        structuree=services.est_structuree(facture),
        anomalies=anomalies,
        consigne=annuaire.consigne_de_facturation(facture.destinataire)
        if facture.destinataire
        else "",
        devises=DEVISES_USUELLES,
        unites=UNITES,
        pieces_jointes=list(facture.pieces_jointes.select_related("document")),
        form_piece=PieceJointeForm(),
        form_reutiliser=ReutiliserPieceForm(facture=facture),
        taux_usuels=TAUX_USUELS,
        onglet="",
        **autres,
    )


def _rendre(request, facture, form, lignes, status=200, **autres):
    return render(
        request,
        "factures/emises/modifier.html",
        _contexte(request, facture, form, lignes, **autres),
        status=status,
    )


@GET_POST
def modifier(request, pk):
    facture, sortie = _brouillon(request, pk)
    if sortie:
        return sortie
    action = request.POST.get("_action", "enregistrer")
    if request.method == "POST" and _trop_de_lignes(
        _avec_une_ligne_de_plus(request.POST) if action == "ajouter_ligne" else request.POST
    ):
        return _refus_trop_de_lignes(request, facture)
    if (
        request.method == "POST"
        and action == "ajouter_ligne"
        and not services.est_structuree(facture)
    ):
        data = _avec_une_ligne_de_plus(request.POST)
        form = EnteteForm(data=data, facture=facture)
        form.is_valid()
        return _rendre(request, facture, form, _formset(request, facture, data=data))
    form = EnteteForm(data=saisie(request), facture=facture)
    lignes = _formset(request, facture)
    if request.method == "GET":
        return _rendre(request, facture, form, lignes)
    valides = form.is_valid() & (lignes is None or lignes.is_valid())
    if action == "recalculer" or not valides:
        if not valides:
            messages.error(request, _("Corrigez les champs signalés."))
        return _rendre(request, facture, form, lignes)
    try:
        facture = services.facture_brouillon_enregistrer(
            facture=facture,
            acting_user=request.user,
            donnees=form.cleaned_data,
            lignes=lignes.lignes() if lignes is not None else None,
        )
    except ValidationError as erreur:
        erreurs_dans(form, erreur)
        return _rendre(request, facture, form, lignes)
    if action == "destinataire":
        return redirect("factures:emises_destinataire", pk=facture.pk)
    if action == "envoyer":
        manques = verifications.verifier_avant_envoi(facture)
        if manques:
            erreurs_dans(form, verifications.erreur(manques))
            messages.error(
                request,
                _(
                    "Le brouillon est enregistré, mais la facture ne peut pas encore être "
                    "envoyée : complétez les champs signalés."
                ),
            )
            return _rendre(request, facture, form, lignes)
        return redirect("factures:emises_envoyer", pk=facture.pk)
    messages.success(request, _("Le brouillon est enregistré."))
    return redirect("factures:emises_modifier", pk=facture.pk)


@require_POST
def totaux(request, pk):
    """The totals fragment, recomputed from the posted form (htmx); nothing is saved."""
    facture = facture_modifiable(request, pk, select_related=RELATIONS)
    if _trop_de_lignes(request.POST):
        return render(request, "factures/emises/_totaux.html", {"facture": facture, "totaux": None})
    form = EnteteForm(data=request.POST, facture=facture)
    form.is_valid()
    lignes = _formset(request, facture)
    if lignes is not None:
        lignes.is_valid()
    return render(
        request,
        "factures/emises/_totaux.html",
        {"facture": facture, "totaux": _totaux_de(facture, form, lignes)},
    )


@GET_POST
def destinataire(request, pk):
    """Finds the recipient in the directory (identifier, name, city) and chooses it."""
    facture, sortie = _brouillon(request, pk)
    if sortie:
        return sortie
    if request.method == "POST":
        choisie = get_object_or_404(
            Structure.objects.publiques(), pk=request.POST.get("structure") or 0
        )
        try:
            services.facture_destinataire_choisir(
                facture=facture, acting_user=request.user, destinataire=choisie
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
            return redirect("factures:emises_destinataire", pk=facture.pk)
        messages.success(
            request,
            _("Destinataire choisi : %(nom)s. Choisissez maintenant son service si besoin.")
            % {"nom": choisie.raison_sociale},
        )
        return redirect(reverse("factures:emises_modifier", args=[facture.pk]) + "#acheminement")
    recherche = annuaire.RechercheAnnuaireForm(data=request.GET or None)
    resultats = None
    if recherche.is_bound and recherche.is_valid():
        criteres = {**recherche.cleaned_data, "statut": "ACTIVE"}
        if any(criteres.get(c) for c in ("identifiant", "raison_sociale", "code_postal", "ville")):
            resultats = list(annuaire.structures_de_l_annuaire(**criteres)[:21])
    return render(
        request,
        "factures/emises/destinataire.html",
        contexte_espace(
            request, facture=facture, recherche=recherche, resultats=resultats, onglet=""
        ),
    )


@GET_POST
def supprimer(request, pk):
    """Confirmation, then the draft is deleted (SUPPRIMEE, through the engine)."""
    facture, sortie = _brouillon(request, pk)
    if sortie:
        return sortie
    if request.method == "POST":
        try:
            services.facture_supprimer(facture=facture, acting_user=request.user)
        except TransitionRefusee as refus:
            messages.error(request, str(refus))
            return redirect("factures:emises_detail", pk=facture.pk)
        messages.success(
            request, _("Le brouillon %(facture)s est supprimé.") % {"facture": facture}
        )
        return redirect("factures:emises_synthese")
    return render(
        request,
        "factures/emises/supprimer.html",
        contexte_espace(request, facture=facture, onglet=""),
    )
