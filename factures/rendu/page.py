"""The readable invoice page: its context, from the model, and its HTML.

One template (`templates/factures/rendu/facture.html`) for the Factur-X of a typed invoice and
for the readable PDF of a deposited XML invoice; the latter is marked as such. Values are
written the French way here, once, so the template only places them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factures.enums import CategorieTva, FormatFacture, ModePaiement, TypeFacture, TypeTva
from factures.rendu import cii
from factures.rendu.nombres import (
    date_fr,
    iban_lisible,
    montant_fr,
    nombre_fr,
    siret_lisible,
    taux_fr,
)
from factures.rendu.totaux import MOTIFS_PAR_DEFAUT, SANS_TAUX, Totaux
from structures.enums import TypeIdentifiant

GABARIT = "factures/rendu/facture.html"
# Percent of the lines table (impression.css gives the other columns theirs: 53 % in all).
LARGEUR_DESIGNATION = 26
LARGEUR_REFERENCE = 11
LARGEUR_REMISE = 10

# Common UN/ECE rec. 20 unit codes, as a French invoice writes them; others show their code.
UNITES = {
    "C62": gettext_lazy("unité"),
    "H87": gettext_lazy("pièce"),
    "EA": gettext_lazy("unité"),
    "XPP": gettext_lazy("pièce"),
    "LS": gettext_lazy("forfait"),
    "HUR": gettext_lazy("heure"),
    "DAY": gettext_lazy("jour"),
    "WEE": gettext_lazy("semaine"),
    "MON": gettext_lazy("mois"),
    "ANN": gettext_lazy("an"),
    "KGM": "kg",
    "TNE": "t",
    "MTR": "m",
    "KMT": "km",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "KWH": "kWh",
}


@dataclass(frozen=True)
class LignePage:
    numero: str
    reference: str
    designation: str
    quantite: str
    unite: str
    prix: str
    remise: str
    taux: str
    montant: str


def _identite(structure) -> dict:
    """A party's block: name, address lines, identifiers."""
    identifiants = []
    if structure.type_identifiant == TypeIdentifiant.SIRET:
        identifiants.append(
            _("SIRET : %(siret)s") % {"siret": siret_lisible(structure.identifiant)}
        )
    elif structure.type_identifiant != TypeIdentifiant.PARTICULIER:
        identifiants.append(
            _("%(type)s : %(identifiant)s")
            % {
                "type": TypeIdentifiant(structure.type_identifiant).label,
                "identifiant": structure.identifiant,
            }
        )
    if structure.tva_intracommunautaire:
        identifiants.append(_("TVA : %(tva)s") % {"tva": structure.tva_intracommunautaire})
    if structure.rcs:
        identifiants.append(_("RCS : %(rcs)s") % {"rcs": structure.rcs})
    ville = " ".join(v for v in (structure.code_postal, structure.ville) if v)
    adresse = [
        ligne
        for ligne in (
            structure.adresse,
            structure.adresse_complement_1,
            structure.adresse_complement_2,
            ville,
            "" if (structure.pays or "FR") == "FR" else structure.pays,
        )
        if ligne
    ]
    return {
        "nom": cii.nom_de(structure),
        "libelle": structure.libelle if structure.libelle != structure.raison_sociale else "",
        "adresse": adresse,
        "identifiants": identifiants,
    }


def _lignes(lignes: Sequence, devise: str) -> list[LignePage]:
    numeros = cii.numeros_de_ligne(lignes)
    return [
        LignePage(
            numero=numero,
            reference=ligne.reference,
            designation=ligne.designation,
            quantite=nombre_fr(ligne.quantite),
            unite=str(UNITES.get(ligne.unite, ligne.unite)),
            prix=nombre_fr(ligne.prix_unitaire_ht, decimales_min=2, decimales_max=6),
            remise=nombre_fr(ligne.remise_ht, decimales_min=2) if ligne.remise_ht else "",
            taux="" if ligne.categorie_tva in SANS_TAUX else taux_fr(ligne.taux_tva),
            montant=nombre_fr(ligne.montant_ht, decimales_min=2, decimales_max=2),
        )
        for ligne, numero in zip(lignes, numeros, strict=True)
    ]


def _libelle_tva(categorie: str, taux) -> str:
    if categorie == CategorieTva.S:
        return _("TVA %(taux)s") % {"taux": taux_fr(taux)}
    if categorie in SANS_TAUX:
        return str(CategorieTva(categorie).label)
    return f"{CategorieTva(categorie).label} ({taux_fr(taux)})"


def _ventilation(lignes_tva, devise: str) -> list[dict]:
    """Rows of the VAT breakdown from (category, rate, base, VAT, exemption reason)."""
    return [
        {
            "libelle": _libelle_tva(categorie, taux),
            "base": montant_fr(base, devise),
            "tva": montant_fr(tva, devise),
            "motif": motif,
        }
        for categorie, taux, base, tva, motif in lignes_tva
    ]


def _totaux_saisis(totaux: Totaux, devise: str) -> tuple[list[tuple], str]:
    """The totals of a typed invoice, as its XML states them (BG-22); a note tells how the
    global discount TTC was shared."""
    lignes = [(_("Total HT des lignes"), totaux.total_lignes_ht, False)]
    if totaux.remises_ht:
        lignes += [
            (_("Remise globale HT"), -totaux.remises_ht, False),
            (_("Total HT après remise"), totaux.base_ht, False),
        ]
    lignes += [(_("Total TVA"), totaux.tva, False), (_("Total TTC"), totaux.ttc, False)]
    if totaux.arrondi:
        lignes.append((_("Arrondi"), totaux.arrondi, False))
    if totaux.deja_paye:
        lignes.append((_("Déjà payé"), -totaux.deja_paye, False))
    lignes.append((_("Net à payer"), totaux.a_payer, True))
    note = ""
    if totaux.remise_globale_ttc:
        note = _(
            "Remise globale de %(remise)s TTC (%(motif)s) sur %(ttc)s TTC, "
            "répartie entre les taux de TVA au prorata de leur montant TTC."
        ) % {
            "remise": montant_fr(totaux.remise_globale_ttc, devise),
            "motif": totaux.motif_remise_globale or _("sans motif"),
            "ttc": montant_fr(totaux.ttc_avant_remise, devise),
        }
    return [(libelle, montant_fr(valeur, devise), fort) for libelle, valeur, fort in lignes], note


def _totaux_deposes(facture, devise: str) -> tuple[list[tuple], str]:
    """The totals of a deposited invoice, as read from its file."""
    lignes = [
        (_("Total HT"), facture.montant_ht, False),
        (_("Total TVA"), facture.montant_tva, False),
        (_("Total TTC"), facture.montant_ttc, False),
    ]
    if facture.montant_remise_globale_ttc:
        lignes.append((_("Remise globale TTC"), -facture.montant_remise_globale_ttc, False))
    lignes.append((_("Net à payer"), facture.montant_a_payer, True))
    note = ""
    if facture.motif_remise_globale:
        note = _("Motif de la remise globale : %(motif)s") % {"motif": facture.motif_remise_globale}
    return [(libelle, montant_fr(valeur, devise), fort) for libelle, valeur, fort in lignes], note


def _references(facture) -> list[tuple[str, str]]:
    references = [(_("Cadre de facturation"), facture.get_cadre_display())]
    if facture.service_destinataire_id:
        service = facture.service_destinataire
        references.append((_("Service destinataire"), f"{service.code} – {service.libelle}"))
    for libelle, valeur in (
        (_("Numéro d'engagement"), facture.numero_engagement),
        (_("Numéro de marché"), facture.numero_marche),
        (_("Facture d'origine"), facture.numero_facture_origine),
    ):
        if valeur:
            references.append((libelle, valeur))
    references.append((_("Devise"), facture.devise))
    return references


def _paiement(facture) -> list[tuple[str, str]]:
    paiement = []
    if facture.mode_paiement:
        paiement.append((_("Mode de paiement"), ModePaiement(facture.mode_paiement).label))
    coordonnee = facture.coordonnee_bancaire
    if coordonnee is not None and facture.mode_paiement != ModePaiement.PRELEVEMENT:
        paiement.append((_("IBAN"), iban_lisible(cii.iban_de(coordonnee))))
        if coordonnee.bic:
            paiement.append((_("BIC"), coordonnee.bic))
        if coordonnee.affactureur_raison_sociale:
            paiement.append((_("Paiement à l'affactureur"), coordonnee.affactureur_raison_sociale))
    if facture.date_echeance:
        paiement.append((_("Date d'échéance"), date_fr(facture.date_echeance)))
    return paiement


def _mentions_tva(facture) -> list[str]:
    mentions = []
    if facture.type_tva == TypeTva.TVA_SUR_ENCAISSEMENT:
        mentions.append(_("TVA acquittée sur les encaissements."))
    elif facture.type_tva == TypeTva.EXONERATION:
        mentions.append(facture.motif_exoneration or MOTIFS_PAR_DEFAUT[CategorieTva.E])
    return mentions


def contexte(facture, lignes: Sequence, lignes_tva: Sequence, *, totaux: Totaux | None) -> dict:
    """The template's context. `totaux`: the EN 16931 figures of a typed invoice (its page
    then says what its XML says); None for a deposited invoice (shown as read from its file)."""
    devise = facture.devise
    titre = TypeFacture(facture.type_facture).label
    if totaux is not None:
        ventilation = _ventilation(
            [
                (t.categorie, t.taux, t.base_ht, t.montant_tva, t.motif_exoneration)
                for t in totaux.ventilation
            ],
            devise,
        )
        lignes_totaux, note = _totaux_saisis(totaux, devise)
        mention_depot = ""
    else:
        ventilation = _ventilation(
            [
                (t.categorie_tva, t.taux, t.base_ht, t.montant_tva, t.motif_exoneration)
                for t in lignes_tva
            ],
            devise,
        )
        lignes_totaux, note = _totaux_deposes(facture, devise)
        format_depot = (
            FormatFacture(facture.format_depot).label if facture.format_depot else _("XML")
        )
        mention_depot = _(
            "Représentation lisible de la facture déposée au format %(format)s. "
            "Seul le fichier déposé fait foi."
        ) % {"format": format_depot}
    lignes_page = _lignes(lignes, devise)
    avec_reference = any(ligne.reference for ligne in lignes_page)
    avec_remise = any(ligne.remise for ligne in lignes_page)
    return {
        "portail": settings.PORTAIL_NOM,
        "titre": titre,
        "numero": facture.numero,
        "reference_pied": _("%(titre)s n° %(numero)s – %(fournisseur)s")
        % {
            "titre": titre,
            "numero": facture.numero,
            "fournisseur": cii.nom_de(facture.fournisseur),
        },
        "date_facture": date_fr(facture.date_facture),
        "fournisseur": _identite(facture.fournisseur),
        "destinataire": _identite(facture.destinataire) if facture.destinataire else None,
        "references": _references(facture),
        "lignes": lignes_page,
        "avec_reference": avec_reference,
        "avec_remise": avec_remise,
        # The columns' widths (impression.css) add up to 100 % with the designation's.
        "largeur_designation": LARGEUR_DESIGNATION
        + (0 if avec_reference else LARGEUR_REFERENCE)
        + (0 if avec_remise else LARGEUR_REMISE),
        "ventilation": ventilation,
        "avec_motif": any(tva["motif"] for tva in ventilation),
        "totaux": lignes_totaux,
        "note_totaux": note,
        "paiement": _paiement(facture),
        "mentions_tva": _mentions_tva(facture),
        "commentaire": facture.commentaire,
        "mention_depot": mention_depot,
        # What the XML states in its notes (typed invoices only: a deposited file says its own).
        "mentions_legales": [texte for _code, texte in cii.MENTIONS_LEGALES]
        if totaux is not None
        else [],
    }


def html(facture, lignes: Sequence, lignes_tva: Sequence, *, totaux: Totaux | None) -> str:
    return render_to_string(GABARIT, contexte(facture, lignes, lignes_tva, totaux=totaux))
