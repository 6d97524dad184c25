"""The ordinary invoice circuit (domain §6.1), through the workflow engine."""

import pytest

from chorus.workflow import ActeurNonAutorise, ActionImpossible, MotifObligatoire
from factures.circuits import FACTURE, circuit_de
from factures.enums import STATUTS_DE_TRAITEMENT, ActionFacture, StatutFacture
from habilitations.enums import Application, Niveau
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

A, S = ActionFacture, StatutFacture


def test_chaque_cadre_ordinaire_a_son_circuit():
    assert circuit_de(FactureFactory.build(cadre="A9_FACTURE_SOUSTRAITANT")) is FACTURE


def test_le_fournisseur_envoie_son_brouillon_et_l_historique_le_retient():
    facture = FactureFactory()
    gp = UtilisateurFactory(gestionnaire_de=facture.fournisseur)
    ligne = FACTURE.appliquer(facture, action=A.VALIDER_ET_ENVOYER, acteur=gp)
    facture.refresh_from_db()
    assert facture.statut == S.DEPOSEE
    assert (ligne.statut_avant, ligne.statut_apres, ligne.acteur) == (S.BROUILLON, S.DEPOSEE, gp)
    assert list(facture.historique.values_list("action", flat=True)) == [A.VALIDER_ET_ENVOYER]


def test_un_inconnu_ne_peut_pas_envoyer_la_facture_d_un_autre():
    facture = FactureFactory()
    with pytest.raises(ActeurNonAutorise):
        FACTURE.appliquer(facture, action=A.VALIDER_ET_ENVOYER, acteur=UtilisateurFactory())
    facture.refresh_from_db()
    assert facture.statut == S.BROUILLON
    assert not facture.historique.exists()


def test_le_destinataire_doit_motiver_une_suspension():
    facture = FactureFactory(mise_a_disposition=True)
    gp = UtilisateurFactory(gestionnaire_de=facture.destinataire)
    with pytest.raises(MotifObligatoire):
        FACTURE.appliquer(facture, action=A.SUSPENDRE, acteur=gp, motif="  ")
    FACTURE.appliquer(facture, action=A.SUSPENDRE, acteur=gp, motif="Pièce manquante")
    assert facture.statut == S.SUSPENDUE


def test_les_statuts_de_traitement_ne_reviennent_jamais_en_arriere():
    facture = FactureFactory(mise_a_disposition=True)
    gp = UtilisateurFactory(gestionnaire_de=facture.destinataire)
    FACTURE.appliquer(facture, action=A.MANDATER, acteur=gp)  # service fait skipped
    with pytest.raises(ActionImpossible):
        FACTURE.appliquer(facture, action=A.CONSTATER_SERVICE_FAIT, acteur=gp)
    # Returns are allowed until MANDATEE only.
    with pytest.raises(ActionImpossible):
        FACTURE.appliquer(facture, action=A.REJETER, acteur=gp, motif="Trop tard")
    FACTURE.appliquer(facture, action=A.METTRE_EN_PAIEMENT, acteur=gp)
    assert facture.statut == S.MISE_EN_PAIEMENT


def test_chaque_statut_de_traitement_est_atteignable_depuis_la_mise_a_disposition():
    for cible in STATUTS_DE_TRAITEMENT:
        actions = {t.action for t in FACTURE.transitions if t.cible == cible}
        assert any(FACTURE.trouver(S.MISE_A_DISPOSITION, a) for a in actions), cible


def test_un_agent_de_service_ne_traite_que_les_factures_de_son_service():
    facture = FactureFactory(mise_a_disposition=True)
    from tests.structures.factories import ServiceFactory

    finances = ServiceFactory(structure=facture.destinataire)
    ecoles = ServiceFactory(structure=facture.destinataire)
    facture.service_destinataire = ecoles
    facture.save()
    agent = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=agent,
        structure=facture.destinataire,
        service=finances,
        application=Application.FACTURES_RECUES,
        niveau=Niveau.MODIFICATION,
    )
    with pytest.raises(ActeurNonAutorise):
        FACTURE.appliquer(facture, action=A.CONSTATER_SERVICE_FAIT, acteur=agent)


def test_le_valideur_valide_puis_le_systeme_achemine():
    facture = FactureFactory(a_valider=True)
    titulaire = UtilisateurFactory(gestionnaire_de=facture.valideur_1)
    FACTURE.appliquer(facture, action=A.VALIDER, acteur=titulaire, motif="Conforme")
    FACTURE.appliquer(facture, action=A.ACHEMINER, acteur=None)
    FACTURE.appliquer(facture, action=A.METTRE_A_DISPOSITION, acteur=None)
    assert facture.statut == S.MISE_A_DISPOSITION
    roles = list(facture.historique.values_list("role", flat=True))
    assert roles == ["VALIDEUR_1", "SYSTEME", "SYSTEME"]


def test_l_absence_de_validation_appliquee_deux_fois_ne_change_la_facture_qu_une_fois():
    facture = FactureFactory(a_valider=True)
    FACTURE.appliquer(facture, action=A.CONSTATER_ABSENCE_VALIDATION, acteur=None)
    with pytest.raises(ActionImpossible):
        FACTURE.appliquer(facture, action=A.CONSTATER_ABSENCE_VALIDATION, acteur=None)
    assert facture.historique.count() == 1
