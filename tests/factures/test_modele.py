"""The invoice model: who sees what (core 1), the duplicate rule, the supplier's view."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from factures.enums import StatutFacture
from factures.models import Facture, FactureHistorique
from habilitations.enums import Application, Niveau
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


def _habiliter(user, structure, application, service=None, niveau=Niveau.CONSULTATION):
    HabilitationFactory(
        utilisateur=user,
        structure=structure,
        service=service,
        application=application,
        niveau=niveau,
    )


def test_le_fournisseur_voit_ses_factures_et_pas_celles_des_autres():
    mienne = FactureFactory()
    FactureFactory()
    user = UtilisateurFactory()
    _habiliter(user, mienne.fournisseur, Application.FACTURES_EMISES)
    assert list(Facture.objects.visible_to(user, Application.FACTURES_EMISES)) == [mienne]
    assert not Facture.objects.visible_to(user, Application.FACTURES_RECUES).exists()


def test_un_brouillon_supprime_disparait_des_factures_emises():
    facture = FactureFactory(statut=StatutFacture.SUPPRIMEE)
    gp = UtilisateurFactory(gestionnaire_de=facture.fournisseur)
    assert not Facture.objects.visible_to(gp, Application.FACTURES_EMISES).exists()


def test_le_destinataire_ne_voit_ni_brouillon_ni_facture_chez_le_valideur():
    entite = StructureFactory(publique=True)
    gp = UtilisateurFactory(gestionnaire_de=entite)
    arrivee = FactureFactory(destinataire=entite, mise_a_disposition=True)
    FactureFactory(destinataire=entite)  # draft
    FactureFactory(destinataire=entite, a_valider=True)
    assert list(Facture.objects.visible_to(gp, Application.FACTURES_RECUES)) == [arrivee]


def test_un_agent_de_service_ne_voit_que_les_factures_de_ses_services():
    entite = StructureFactory(publique=True)
    finances, ecoles = ServiceFactory(structure=entite), ServiceFactory(structure=entite)
    pour_finances = FactureFactory(
        destinataire=entite, service_destinataire=finances, mise_a_disposition=True
    )
    FactureFactory(destinataire=entite, service_destinataire=ecoles, mise_a_disposition=True)
    FactureFactory(destinataire=entite, mise_a_disposition=True)  # no service
    agent = UtilisateurFactory()
    _habiliter(agent, entite, Application.FACTURES_RECUES, service=finances)
    assert list(Facture.objects.visible_to(agent, Application.FACTURES_RECUES)) == [pour_finances]


def test_le_valideur_voit_les_factures_qui_lui_sont_soumises():
    facture = FactureFactory(a_valider=True)
    brouillon = FactureFactory(valideur_1=facture.valideur_1)
    titulaire = UtilisateurFactory(gestionnaire_de=facture.valideur_1)
    visibles = Facture.objects.visible_to(titulaire, Application.FACTURES_A_VALIDER)
    assert list(visibles) == [facture]
    assert brouillon not in visibles


def test_sans_habilitation_on_ne_voit_rien():
    FactureFactory(mise_a_disposition=True)
    user = UtilisateurFactory()
    for application in (
        Application.FACTURES_EMISES,
        Application.FACTURES_RECUES,
        Application.FACTURES_A_VALIDER,
    ):
        assert not Facture.objects.visible_to(user, application).exists()


def test_un_doublon_depose_est_refuse_par_la_base():
    premiere = FactureFactory(deposee=True, numero="F-1", date_facture=date(2026, 3, 1))
    FactureFactory(fournisseur=premiere.fournisseur, numero="F-1", date_facture=date(2025, 3, 1))
    FactureFactory(fournisseur=premiere.fournisseur, numero="F-1", date_facture=date(2026, 5, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        FactureFactory(
            fournisseur=premiere.fournisseur,
            numero="F-1",
            date_facture=date(2026, 12, 1),
            deposee=True,
        )


def test_mise_en_paiement_cachee_au_fournisseur_si_le_destinataire_le_demande():
    facture = FactureFactory(mise_a_disposition=True)
    gp = UtilisateurFactory(gestionnaire_de=facture.destinataire)
    from factures.circuits import FACTURE

    FACTURE.appliquer(facture, action="MANDATER", acteur=gp)
    FACTURE.appliquer(facture, action="METTRE_EN_PAIEMENT", acteur=gp)
    assert facture.statut_pour_fournisseur() == "Mise en paiement"
    facture.destinataire.mise_en_paiement_non_remontee = True
    facture.destinataire.save()
    assert facture.statut_pour_fournisseur() == "Mandatée / DP validée"
    assert FactureHistorique.objects.filter(objet=facture).count() == 2
