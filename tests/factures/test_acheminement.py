"""Routing after sending, validation and recycling (domain §6.1)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factures import tasks
from factures.circuits import FACTURE
from factures.enums import Cadre, StatutFacture
from factures.services.acheminement import facture_acheminer
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

S = StatutFacture


def test_une_facture_a1_deposee_arrive_chez_le_destinataire():
    facture = FactureFactory(deposee=True)
    assert facture_acheminer(facture=facture) == ["ACHEMINER", "METTRE_A_DISPOSITION"]
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert facture.mise_a_disposition_le is not None
    assert [h.statut_apres for h in facture.historique.all()] == [
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]


def test_une_facture_de_sous_traitant_va_d_abord_au_titulaire_avec_un_delai_de_15_jours():
    facture = FactureFactory(
        deposee=True, cadre=Cadre.A9_FACTURE_SOUSTRAITANT, valideur_1=StructureFactory()
    )
    avant = timezone.now()
    facture_acheminer(facture=facture)
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_1
    assert avant + timedelta(days=15) <= facture.echeance_action
    assert facture.echeance_action <= timezone.now() + timedelta(days=15)


def test_apres_le_premier_valideur_vient_le_second_puis_le_destinataire():
    facture = FactureFactory(a_valider=True, valideur_2=StructureFactory())
    titulaire = UtilisateurFactory(gestionnaire_de=facture.valideur_1)
    FACTURE.appliquer(facture, action="VALIDER", acteur=titulaire)
    facture_acheminer(facture=facture)
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_2
    mandataire = UtilisateurFactory(gestionnaire_de=facture.valideur_2)
    FACTURE.appliquer(facture, action="VALIDER", acteur=mandataire)
    facture_acheminer(facture=facture)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert facture.echeance_action is None


def test_acheminer_deux_fois_ne_change_rien_la_seconde_fois():
    facture = FactureFactory(deposee=True)
    facture_acheminer(facture=facture)
    assert facture_acheminer(facture=facture) == []
    assert facture.historique.count() == 2


def test_un_brouillon_n_est_pas_achemine():
    facture = FactureFactory()
    assert facture_acheminer(facture=facture) == []
    facture.refresh_from_db()
    assert facture.statut == S.BROUILLON


def test_le_trajet_verrouille_et_lit_la_facture_une_fois_quel_que_soit_le_nombre_d_etapes():
    facture = FactureFactory(deposee=True)
    with CaptureQueriesContext(connection) as requetes:
        facture_acheminer(facture=facture)
    lectures = [
        q["sql"]
        for q in requetes.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "factures_facture"' in q["sql"]
    ]
    # Two steps (EN_COURS_ACHEMINEMENT, MISE_A_DISPOSITION): one locked read, one UPDATE.
    assert len(lectures) == 1 and "FOR UPDATE" in lectures[0]
    assert sum(q["sql"].startswith("UPDATE") for q in requetes.captured_queries) == 1


def lectures_de_factures(requetes):
    return [
        q["sql"]
        for q in requetes.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "factures_facture"' in q["sql"]
    ]


def test_la_tache_qui_connait_le_cadre_ne_relit_pas_la_facture_avant_son_verrou():
    facture = FactureFactory(deposee=True)
    with CaptureQueriesContext(connection) as requetes:
        actions = tasks.acheminer_facture(facture.pk, facture.cadre)
    assert actions == ["ACHEMINER", "METTRE_A_DISPOSITION"]
    [lecture] = lectures_de_factures(requetes)
    assert "FOR UPDATE" in lecture
    # Without the cadre (a task enqueued by an older sender), it is read first.
    autre = FactureFactory(deposee=True)
    with CaptureQueriesContext(connection) as requetes:
        assert tasks.acheminer_facture(autre.pk) == ["ACHEMINER", "METTRE_A_DISPOSITION"]
    assert len(lectures_de_factures(requetes)) == 2


def test_la_tache_d_une_facture_disparue_n_achemine_rien():
    assert tasks.acheminer_facture(987654321, Cadre.A1_FACTURE_FOURNISSEUR) == []
    assert tasks.acheminer_facture(987654321) == []
