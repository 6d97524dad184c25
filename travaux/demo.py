"""Demo data of Factures de travaux (called by `manage.py demo`).

One works contract, « Réhabilitation du groupe scolaire des Tilleuls » (marché 2026-VAL-07):
Bâtiments Durand is the titulaire, Atelier Lemoine Architectes the maîtrise d'œuvre, the
Syndicat mixte d'aménagement du Val the maîtrise d'ouvrage (« exclusivement MOA », service
TRAVAUX), paid by the Commune de Démoville's service FINANCES. Its dossier holds:

- September: the projet de décompte mensuel (A4), answered by the MOE's état d'acompte (A15,
  amounts corrected), validated by the MOA (A19), now at the Commune's service financier;
- October: a projet de décompte mensuel waiting at the MOE, its 7 days running.

Every piece goes through the services and the workflow engine, as users would have done.
Idempotent: once the dossier holds pieces, nothing is added.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from factures.enums import Cadre
from travaux.models import DossierFacturation
from travaux.services.depot import piece_creer, piece_envoyer
from travaux.services.dossiers import Parties, dossier_ouvrir_ou_continuer

NUMERO_MARCHE = "2026-VAL-07"


def _deposer(*, acteur, cadre, dossier, deposant, numero, jour, ht, precedente=None):
    piece = piece_creer(
        acting_user=acteur,
        cadre=cadre,
        dossier=dossier,
        deposant=deposant,
        donnees={
            "numero": numero,
            "date_facture": jour,
            "montant_ht": Decimal(ht),
            "montant_tva": (Decimal(ht) * Decimal("0.20")).quantize(Decimal("0.01")),
            "numero_engagement": "EJ-2026-0457",
        },
        precedente=precedente,
    )
    return piece_envoyer(piece=piece, acting_user=acteur)


def charger(*, structures: dict, utilisateurs: dict) -> DossierFacturation:
    """`structures` / `utilisateurs`: the demo's, by key and by e-mail."""
    titulaire, moe, moa = structures["fournisseur"], structures["moe"], structures["moa"]
    commune = structures["entite"]
    fournisseur = utilisateurs["fournisseur@demo.chorus.test"]
    maitre_oeuvre = utilisateurs["moe@demo.chorus.test"]
    maitre_ouvrage = utilisateurs["moa@demo.chorus.test"]
    dossier = dossier_ouvrir_ou_continuer(
        parties=Parties(
            numero_marche=NUMERO_MARCHE,
            titulaire=titulaire,
            moa=moa,
            moe=moe,
            service_moa=moa.services.get(code="TRAVAUX"),
            structure_financiere=commune,
            service_financier=commune.services.get(code="FINANCES"),
        ),
        acting_user=fournisseur,
    )
    if dossier.pieces.exists():
        return dossier
    septembre = _deposer(
        acteur=fournisseur,
        cadre=Cadre.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        dossier=dossier,
        deposant=titulaire,
        numero="PDM-2026-09",
        jour=date(2026, 9, 30),
        ht="48500.00",
    )
    etat = _deposer(
        acteur=maitre_oeuvre,
        cadre=Cadre.A15_ETAT_ACOMPTE_MOE,
        dossier=dossier,
        deposant=moe,
        numero="EA-2026-09",
        jour=date(2026, 10, 5),
        ht="46200.00",  # the MOE retains less than the projet: the dossier shows the gap
        precedente=septembre,
    )
    _deposer(
        acteur=maitre_ouvrage,
        cadre=Cadre.A19_ETAT_ACOMPTE_VALIDE_MOA,
        dossier=dossier,
        deposant=moa,
        numero="EAV-2026-09",
        jour=date(2026, 10, 9),
        ht="46200.00",
        precedente=etat,
    )
    _deposer(
        acteur=fournisseur,
        cadre=Cadre.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        dossier=dossier,
        deposant=titulaire,
        numero="PDM-2026-10",
        jour=date(2026, 10, 31),
        ht="52300.00",
    )
    return dossier
