"""Who acts in which role, and who sees which dossier and piece (travaux.acces)."""

import pytest

from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture
from habilitations.enums import Application
from structures.enums import PresenceMoa
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory
from tests.travaux.factories import Chantier, DossierFactory, PieceFactory, habiliter
from travaux import acces
from travaux.enums import RoleTravaux as R
from travaux.models import DossierFacturation

pytestmark = pytest.mark.django_db


def test_les_roles_suivent_la_presence_moa_des_structures():
    prive = UtilisateurFactory(gestionnaire_de=StructureFactory())
    sans = UtilisateurFactory(gestionnaire_de=StructureFactory(publique=True))
    avec = UtilisateurFactory(
        gestionnaire_de=StructureFactory(publique=True, presence_moa=PresenceMoa.AVEC_MOA)
    )
    exclusif = UtilisateurFactory(
        gestionnaire_de=StructureFactory(publique=True, presence_moa=PresenceMoa.EXCLUSIVEMENT_MOA)
    )
    assert acces.roles_de(prive) == [R.FOURNISSEUR, R.MOE]
    assert acces.roles_de(sans) == [R.FOURNISSEUR, R.MOE]
    assert acces.roles_de(avec) == [R.FOURNISSEUR, R.MOE, R.MOA]
    assert acces.roles_de(exclusif) == [R.MOA]
    assert acces.roles_de(UtilisateurFactory()) == []


def test_un_espace_ferme_ne_donne_aucun_role():
    structure = StructureFactory(applications_ouvertes=[Application.FACTURES_EMISES])
    assert acces.roles_de(UtilisateurFactory(gestionnaire_de=structure)) == []


def test_chaque_partie_voit_le_dossier_et_personne_d_autre():
    ch = Chantier()
    dossier = DossierFactory(titulaire=ch.titulaire, moe=ch.moe_structure, moa=ch.moa_structure)
    DossierFactory()  # another contract
    for user, role in ((ch.fournisseur, R.FOURNISSEUR), (ch.moe, R.MOE), (ch.moa, R.MOA)):
        assert list(DossierFacturation.objects.visible_to(user, role)) == [dossier]
    # In another role, or as a stranger: nothing.
    assert not DossierFacturation.objects.visible_to(ch.fournisseur, R.MOE).exists()
    assert not DossierFacturation.objects.visible_to(ch.financier, R.MOA).exists()
    intrus = UtilisateurFactory(gestionnaire_de=StructureFactory())
    for role in R:
        assert not DossierFacturation.objects.visible_to(intrus, role).exists()


def test_un_droit_de_service_de_la_moa_couvre_les_dossiers_de_ce_service():
    ch = Chantier()
    travaux, ecoles = (
        ServiceFactory(structure=ch.moa_structure),
        ServiceFactory(structure=ch.moa_structure),
    )
    du_service = DossierFactory(moa=ch.moa_structure, service_moa=travaux)
    DossierFactory(moa=ch.moa_structure, service_moa=ecoles)
    DossierFactory(moa=ch.moa_structure)  # no service: a structure-wide right only
    agent = UtilisateurFactory()
    habiliter(agent, ch.moa_structure, Application.FACTURES_TRAVAUX, service=travaux)
    assert list(DossierFacturation.objects.visible_to(agent, R.MOA)) == [du_service]


def test_les_brouillons_ne_sont_vus_que_de_leur_deposant():
    ch = Chantier()
    dossier = DossierFactory(titulaire=ch.titulaire, moe=ch.moe_structure, moa=ch.moa_structure)
    a4 = PieceFactory(dossier=dossier, statut=S.BROUILLON, deposee_le=None)
    a15 = PieceFactory(
        dossier=dossier, cadre=C.A15_ETAT_ACOMPTE_MOE, statut=S.BROUILLON, deposee_le=None
    )

    def visibles(user, role):
        return set(Facture.objects.filter(acces.filtre_pieces(user, role)))

    assert visibles(ch.fournisseur, R.FOURNISSEUR) == {a4}
    assert visibles(ch.moe, R.MOE) == {a15}
    assert visibles(ch.moa, R.MOA) == set()


def test_visible_to_factures_de_travaux_reunit_les_roles_et_factures_emises_les_exclut():
    ch = Chantier()
    dossier = DossierFactory(titulaire=ch.titulaire, moe=ch.moe_structure, moa=ch.moa_structure)
    a4 = PieceFactory(dossier=dossier)
    a15 = PieceFactory(
        dossier=dossier,
        cadre=C.A15_ETAT_ACOMPTE_MOE,
        statut=S.MISE_A_DISPOSITION_MOA,
        destinataire=ch.moa_structure,
    )
    assert set(Facture.objects.visible_to(ch.moa, Application.FACTURES_TRAVAUX)) == {a4, a15}
    # The titulaire is the supplier of both, yet Factures émises lists ordinary invoices only.
    assert not Facture.objects.visible_to(ch.fournisseur, Application.FACTURES_EMISES).exists()
