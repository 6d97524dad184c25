"""Works contracts in the business situations tests need.

`Chantier(...)` builds the parties of one works contract, each with a user who acts for it:
the titulaire (`fournisseur`), the maîtrise d'œuvre (`moe`), the maîtrise d'ouvrage (`moa`)
and the agent of the service financier (`financier`, *Factures reçues* on its service). The
MOA structure is *avec MOA* (it pays its pieces itself) unless told otherwise; *exclusivement
MOA* makes a separate paying structure.

`Groupement()` adds a cotraitant and a sub-contractor of that cotraitant to a `Chantier`.

`PieceFactory` puts a works piece where a test wants it, setting the status directly as a
fixture would: tests of transitions go through the services and the engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from factures.enums import Cadre, StatutFacture
from factures.models import Facture
from habilitations.enums import Application, Niveau
from structures.enums import PresenceMoa
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory
from travaux.models import DossierFacturation
from travaux.services.depot import piece_creer, piece_envoyer
from travaux.services.dossiers import Parties, dossier_ouvrir_ou_continuer


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierFacturation

    numero = factory.Sequence(lambda n: f"DF-2026-{n:06d}")
    numero_marche = factory.Sequence(lambda n: f"MARCHE-{n:04d}")
    titulaire = factory.SubFactory(StructureFactory)
    moe = factory.SubFactory(StructureFactory)
    moa = factory.SubFactory(StructureFactory, publique=True, presence_moa=PresenceMoa.AVEC_MOA)
    structure_financiere = factory.SelfAttribute("moa")


class PieceFactory(factory.django.DjangoModelFactory):
    """A works piece of `dossier`; by default a projet de décompte mensuel at the MOE."""

    class Meta:
        model = Facture

    dossier = factory.SubFactory(DossierFactory)
    cadre = Cadre.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR
    statut = StatutFacture.MISE_A_DISPOSITION_MOE
    fournisseur = factory.SelfAttribute("dossier.titulaire")
    destinataire = factory.SelfAttribute("dossier.moe")
    numero = factory.Sequence(lambda n: f"PDM-{n:05d}")
    date_facture = factory.LazyFunction(lambda: date(2026, 11, 2))
    numero_marche = factory.SelfAttribute("dossier.numero_marche")
    montant_ht = Decimal("10000.00")
    montant_tva = Decimal("2000.00")
    montant_ttc = Decimal("12000.00")
    montant_a_payer = Decimal("12000.00")
    deposee_le = factory.LazyFunction(timezone.now)
    mise_a_disposition_le = factory.LazyFunction(timezone.now)
    echeance_action = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


def habiliter(user, structure, application, niveau=Niveau.MODIFICATION, service=None):
    return HabilitationFactory(
        utilisateur=user,
        structure=structure,
        application=application,
        niveau=niveau,
        service=service,
    )


class Chantier:
    """The parties of one works contract and a user acting for each."""

    def __init__(self, *, presence_moa: str = PresenceMoa.AVEC_MOA, numero_marche="M-2026-001"):
        self.numero_marche = numero_marche
        self.titulaire = StructureFactory(raison_sociale="Bâtiments Test")
        self.moe_structure = StructureFactory(raison_sociale="Architectes Test")
        self.moa_structure = StructureFactory(
            publique=True, raison_sociale="Syndicat Test", presence_moa=presence_moa
        )
        if presence_moa == PresenceMoa.EXCLUSIVEMENT_MOA:
            self.financiere = StructureFactory(
                publique=True, raison_sociale="Commune Test", presence_moa=PresenceMoa.AVEC_MOA
            )
        else:
            self.financiere = self.moa_structure
        self.service_financier = ServiceFactory(structure=self.financiere, code="FINANCES")
        self.fournisseur = UtilisateurFactory(gestionnaire_de=self.titulaire)
        self.moe = UtilisateurFactory(gestionnaire_de=self.moe_structure)
        self.moa = UtilisateurFactory(gestionnaire_de=self.moa_structure)
        self.financier = UtilisateurFactory()
        habiliter(
            self.financier,
            self.financiere,
            Application.FACTURES_RECUES,
            service=self.service_financier,
        )

    def parties(self, **changements) -> Parties:
        valeurs = {
            "numero_marche": self.numero_marche,
            "titulaire": self.titulaire,
            "moa": self.moa_structure,
            "moe": self.moe_structure,
            "structure_financiere": (
                self.financiere if self.financiere != self.moa_structure else None
            ),
            "service_financier": self.service_financier,
        }
        return Parties(**{**valeurs, **changements})


class Groupement:
    """A works contract whose titulaire is the mandataire of a groupement: a cotraitant,
    and a sub-contractor of that cotraitant, each with a user."""

    def __init__(self):
        self.ch = Chantier()
        self.cotraitant = StructureFactory(raison_sociale="Électricité Cotraitante")
        self.sous_traitant = StructureFactory(raison_sociale="Câblage Sous-traitant")
        self.user_cotraitant = UtilisateurFactory(gestionnaire_de=self.cotraitant)
        self.user_sous_traitant = UtilisateurFactory(gestionnaire_de=self.sous_traitant)
        self.dossier = dossier_ouvrir_ou_continuer(
            parties=self.ch.parties(), acting_user=self.user_sous_traitant
        )

    def deposer_a10(self, numero="ST-1", **autres):
        piece = piece_creer(
            acting_user=self.user_sous_traitant,
            cadre=Cadre.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
            dossier=self.dossier,
            deposant=self.sous_traitant,
            donnees={
                "numero": numero,
                "date_facture": date(2026, 11, 2),
                "montant_ht": Decimal("2000.00"),
                "montant_tva": Decimal("0.00"),  # autoliquidation
            },
            cotraitant=self.cotraitant,
            **autres,
        )
        return piece_envoyer(piece=piece, acting_user=self.user_sous_traitant)
