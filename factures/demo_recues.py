"""Demo data of Factures reçues and Factures à valider (called by `manage.py demo`).

- *Électricité Martin* (sous-traitant of Bâtiments Durand) and its GP
  `soustraitant@demo.chorus.test`;
- invoices of Bâtiments Durand waiting at the Commune de Démoville (service FINANCES);
- an A9 invoice of Électricité Martin waiting for Bâtiments Durand's validation.

Idempotent: an invoice is created once (by supplier and number), sent and routed through the
workflow engine like any other.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from factures.circuits import FACTURE
from factures.enums import ActionFacture, Cadre, StatutFacture
from factures.models import Facture
from factures.services.acheminement import facture_acheminer
from structures.enums import CategorieStructure, TypeIdentifiant
from structures.models import Structure

SOUS_TRAITANT = {
    "raison_sociale": "Électricité Martin SARL",
    "categorie": CategorieStructure.PRIVEE,
    "adresse": "8 rue Ampère",
    "code_postal": "69007",
    "ville": "Lyon",
}
FACTURES_A_LA_COMMUNE = [
    ("DUR-2026-101", Decimal("1850.00"), "FINANCES"),
    ("DUR-2026-102", Decimal("640.50"), "FINANCES"),
    ("DUR-2026-103", Decimal("12400.00"), "TECHNIQUE"),
]


def charger(*, structures: dict, utilisateurs: dict, creer_utilisateur, siret, rattacher) -> None:
    """`structures` / `utilisateurs`: the demo's, by key; the helpers are the command's."""
    titulaire = structures["fournisseur"]
    commune = structures["entite"]
    sous_traitant, _ = Structure.objects.update_or_create(
        type_identifiant=TypeIdentifiant.SIRET,
        identifiant=siret("81234599"),
        defaults=SOUS_TRAITANT,
    )
    gp = creer_utilisateur("soustraitant@demo.chorus.test", "Hugo", "Martin")
    if sous_traitant.gestionnaire_principal_id != gp.pk:
        sous_traitant.gestionnaire_principal = gp
        sous_traitant.save(update_fields=["gestionnaire_principal"])
    rattacher(gp, sous_traitant, None)

    for numero, ht, code_service in FACTURES_A_LA_COMMUNE:
        _envoyer(
            fournisseur=titulaire,
            acteur=utilisateurs["fournisseur@demo.chorus.test"],
            numero=numero,
            montant_ht=ht,
            destinataire=commune,
            service=commune.services.get(code=code_service),
        )
    _envoyer(
        fournisseur=sous_traitant,
        acteur=gp,
        numero="MAR-2026-007",
        montant_ht=Decimal("3200.00"),
        destinataire=commune,
        service=commune.services.get(code="TECHNIQUE"),
        cadre=Cadre.A9_FACTURE_SOUSTRAITANT,
        valideur_1=titulaire,
    )


def _envoyer(*, fournisseur, acteur, numero, montant_ht, destinataire, service, **autres):
    tva = (montant_ht * Decimal("0.20")).quantize(Decimal("0.01"))
    facture, creee = Facture.objects.get_or_create(
        fournisseur=fournisseur,
        numero=numero,
        defaults={
            "destinataire": destinataire,
            "service_destinataire": service,
            "date_facture": date(2026, 11, 2),
            "montant_ht": montant_ht,
            "montant_tva": tva,
            "montant_ttc": montant_ht + tva,
            "montant_a_payer": montant_ht + tva,
            "numero_marche": "MARCHE-2026-ECOLE",
            "cree_par": acteur,
            **autres,
        },
    )
    if creee or facture.statut == StatutFacture.BROUILLON:
        from django.utils import timezone

        FACTURE.appliquer(
            facture,
            action=ActionFacture.VALIDER_ET_ENVOYER,
            acteur=acteur,
            modifications={"deposee_le": timezone.now()},
        )
        facture_acheminer(facture=facture)
