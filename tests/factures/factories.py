"""Invoices in the business situations tests need.

`FactureFactory()` is a draft of a private supplier to a public entity. Traits put it where a
test wants it: `deposee`, `mise_a_disposition`, `a_valider` (A9 with its validator)… They set
the status directly, as a fixture would: tests of transitions go through the engine.
"""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from factures.enums import Cadre, StatutFacture
from factures.models import Facture, LigneFacture, LigneTva
from tests.structures.factories import StructureFactory


class FactureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facture
        skip_postgeneration_save = True

    fournisseur = factory.SubFactory(StructureFactory)
    destinataire = factory.SubFactory(StructureFactory, publique=True)
    numero = factory.Sequence(lambda n: f"F2026-{n:05d}")
    date_facture = factory.LazyFunction(lambda: date(2026, 11, 2))
    montant_ht = Decimal("1000.00")
    montant_tva = Decimal("200.00")
    montant_ttc = Decimal("1200.00")
    montant_a_payer = Decimal("1200.00")

    class Params:
        deposee = factory.Trait(
            statut=StatutFacture.DEPOSEE,
            deposee_le=factory.LazyFunction(timezone.now),
        )
        mise_a_disposition = factory.Trait(
            statut=StatutFacture.MISE_A_DISPOSITION,
            deposee_le=factory.LazyFunction(timezone.now),
            mise_a_disposition_le=factory.LazyFunction(timezone.now),
        )
        a_valider = factory.Trait(
            cadre=Cadre.A9_FACTURE_SOUSTRAITANT,
            statut=StatutFacture.A_VALIDER_1,
            valideur_1=factory.SubFactory(StructureFactory),
            deposee_le=factory.LazyFunction(timezone.now),
            soumise_a_validation_le=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def avec_lignes(self, create, extracted, **kwargs):
        """`FactureFactory(avec_lignes=True)`: one line and its VAT breakdown, matching the
        totals (1,000.00 HT at 20 %)."""
        if not (create and extracted):
            return
        LigneFacture.objects.create(
            facture=self,
            ordre=1,
            designation="Prestation",
            quantite=Decimal("10"),
            unite="C62",
            prix_unitaire_ht=Decimal("100"),
            taux_tva=Decimal("20"),
            montant_ht=Decimal("1000.00"),
        )
        LigneTva.objects.create(
            facture=self,
            taux=Decimal("20"),
            base_ht=Decimal("1000.00"),
            montant_tva=Decimal("200.00"),
        )
