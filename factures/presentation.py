"""An invoice's data as the user reads them, each field with its EN 16931 term and the
findings of the checks that concern it (shown next to it).

A finding (`Anomalie`) is placed by its `champ` (a field of Facture or LigneFacture), else by
its term (`BT-…`, `BG-…`); what matches no field is listed apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _


@dataclass
class Rubrique:
    champ: str
    libelle: Any
    terme: str
    valeur: str
    anomalies: list = field(default_factory=list)


def _date(valeur):
    return date_format(valeur, "SHORT_DATE_FORMAT") if valeur else ""


def _montant(facture, valeur):
    return f"{number_format(valeur, 2, force_grouping=True)} {facture.devise}"


def _structure(structure):
    return f"{structure.raison_sociale} ({structure.identifiant})" if structure else ""


FICHE = [
    ("numero", _("Numéro"), "BT-1", lambda f: f.numero),
    ("date_facture", _("Date de facture"), "BT-2", lambda f: _date(f.date_facture)),
    ("type_facture", _("Type"), "BT-3", lambda f: f.get_type_facture_display()),
    ("devise", _("Devise"), "BT-5", lambda f: f.devise),
    ("date_echeance", _("Date d'échéance"), "BT-9", lambda f: _date(f.date_echeance)),
    ("fournisseur", _("Fournisseur"), "BT-30", lambda f: _structure(f.fournisseur)),
    ("destinataire", _("Destinataire"), "BT-47", lambda f: _structure(f.destinataire)),
    (
        "service_destinataire",
        _("Code service"),
        "BT-10",
        lambda f: str(f.service_destinataire) if f.service_destinataire else "",
    ),
    ("numero_engagement", _("Numéro d'engagement"), "BT-13", lambda f: f.numero_engagement),
    ("numero_marche", _("Numéro de marché"), "BT-12", lambda f: f.numero_marche),
    (
        "numero_facture_origine",
        _("Facture d'origine"),
        "BT-25",
        lambda f: f.numero_facture_origine,
    ),
    ("mode_paiement", _("Mode de paiement"), "BT-81", lambda f: f.get_mode_paiement_display()),
    ("motif_exoneration", _("Motif d'exonération"), "BT-120", lambda f: f.motif_exoneration),
    ("montant_ht", _("Total HT"), "BT-109", lambda f: _montant(f, f.montant_ht)),
    ("montant_tva", _("Total TVA"), "BT-110", lambda f: _montant(f, f.montant_tva)),
    ("montant_ttc", _("Total TTC"), "BT-112", lambda f: _montant(f, f.montant_ttc)),
    ("montant_a_payer", _("Montant à payer"), "BT-115", lambda f: _montant(f, f.montant_a_payer)),
    ("lignes_tva", _("Récapitulatif de TVA"), "BG-23", lambda f: ""),
    ("lignes", _("Lignes"), "BG-25", lambda f: ""),
    ("commentaire", _("Note"), "BT-22", lambda f: f.commentaire),
]

# Terms of a group (BG-23 VAT breakdown, BG-25 lines and their sub-groups) → its row.
_TERMES_TVA = {f"BT-{n}" for n in range(116, 122)} | {"BG-23"}
_TERMES_LIGNES = {f"BT-{n}" for n in range(126, 162)} | {f"BG-{n}" for n in range(25, 32)}
_CHAMPS_LIGNE = {"quantite", "prix_unitaire_ht", "remise_ht", "designation", "unite", "reference"}


def _rang(anomalie, rangs_par_champ, rangs_par_terme) -> int | None:
    terme = (anomalie.terme or "").strip().upper()
    terme = re.sub(r"\s+", "", terme)
    champ = (anomalie.champ or "").split(".", 1)[0]  # "lignes.quantite" → "lignes"
    if champ in rangs_par_champ:
        return rangs_par_champ[champ]
    if champ in _CHAMPS_LIGNE:
        return rangs_par_champ["lignes"]
    if terme in rangs_par_terme:
        return rangs_par_terme[terme]
    if terme in _TERMES_TVA:
        return rangs_par_champ["lignes_tva"]
    if terme in _TERMES_LIGNES:
        return rangs_par_champ["lignes"]
    return None


def fiche(facture, anomalies) -> tuple[list[Rubrique], list]:
    """The rows of the invoice's data with their findings, and the findings placed nowhere."""
    rubriques = [
        Rubrique(champ, libelle, terme, valeur(facture)) for champ, libelle, terme, valeur in FICHE
    ]
    rangs_par_champ = {r.champ: i for i, r in enumerate(rubriques)}
    rangs_par_terme = {r.terme: i for i, r in enumerate(rubriques)}
    ailleurs = []
    for anomalie in anomalies:
        rang = _rang(anomalie, rangs_par_champ, rangs_par_terme)
        if rang is None:
            ailleurs.append(anomalie)
        else:
            rubriques[rang].anomalies.append(anomalie)
    return rubriques, ailleurs
