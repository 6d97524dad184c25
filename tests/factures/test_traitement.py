"""The recipient processes invoices (domain §6.1): services, one at a time and in batches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chorus import notifications
from chorus.workflow import ActeurNonAutorise, ActionImpossible, MotifObligatoire
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Retour
from factures.services.traitement import (
    NumeroMandatObligatoire,
    facture_traiter,
    factures_traiter,
)
from habilitations import acces
from tests.factures.factories_recues import scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scene()


def test_les_statuts_de_traitement_avancent_dans_l_ordre_et_peuvent_etre_sautes(s):
    facture = s.facture()
    facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    facture_traiter(
        facture=facture, action=A.MANDATER, acting_user=s.agent, numero_mandat=" M-2026-17 "
    )
    # Skips MISE_A_DISPOSITION_COMPTABLE and COMPTABILISEE.
    facture_traiter(facture=facture, action=A.METTRE_EN_PAIEMENT, acting_user=s.agent)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_EN_PAIEMENT
    assert facture.numero_mandat == "M-2026-17"
    assert [h.statut_apres for h in facture.historique.all()] == [
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_EN_PAIEMENT,
    ]
    assert all(h.acteur == s.agent for h in facture.historique.all())


def test_jamais_en_arriere(s):
    facture = s.facture(statut=S.COMPTABILISEE)
    with pytest.raises(ActionImpossible):
        facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    facture.refresh_from_db()
    assert facture.statut == S.COMPTABILISEE
    assert not facture.historique.exists()


@pytest.mark.parametrize("action", [A.SUSPENDRE, A.REJETER, A.METTRE_A_RECYCLER])
def test_un_retour_exige_un_motif(s, action):
    facture = s.facture()
    with pytest.raises(MotifObligatoire):
        facture_traiter(facture=facture, action=action, acting_user=s.agent, motif="   ")
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert not Retour.objects.exists()


def test_suspendre_ou_rejeter_ecrit_un_retour_a_acquitter_mais_pas_recycler(s):
    suspendue, rejetee, a_recycler = s.facture(), s.facture(), s.facture()
    facture_traiter(facture=suspendue, action=A.SUSPENDRE, acting_user=s.agent, motif="RIB")
    facture_traiter(facture=rejetee, action=A.REJETER, acting_user=s.agent, motif="Doublon")
    facture_traiter(
        facture=a_recycler, action=A.METTRE_A_RECYCLER, acting_user=s.agent, motif="Service"
    )
    retours = {r.facture_id: r for r in Retour.objects.all()}
    assert set(retours) == {suspendue.pk, rejetee.pk}
    assert retours[suspendue.pk].statut == S.SUSPENDUE
    assert retours[suspendue.pk].historique.motif == "RIB"
    assert retours[rejetee.pk].acquitte_le is None
    a_recycler.refresh_from_db()
    assert a_recycler.statut == S.A_RECYCLER


def test_les_retours_sont_possibles_jusqu_a_mandatee(s):
    service_fait = s.facture(statut=S.SERVICE_FAIT)
    facture_traiter(facture=service_fait, action=A.SUSPENDRE, acting_user=s.agent, motif="x")
    mandatee = s.facture(statut=S.MANDATEE)
    with pytest.raises(ActionImpossible):
        facture_traiter(facture=mandatee, action=A.REJETER, acting_user=s.agent, motif="x")


def test_une_facture_suspendue_peut_etre_rejetee_mais_pas_mise_en_paiement(s):
    facture = s.facture(statut=S.SUSPENDUE)
    with pytest.raises(ActionImpossible):
        facture_traiter(facture=facture, action=A.METTRE_EN_PAIEMENT, acting_user=s.agent)
    facture_traiter(facture=facture, action=A.REJETER, acting_user=s.agent, motif="Sans suite")
    facture.refresh_from_db()
    assert facture.statut == S.REJETEE


def test_mandater_exige_le_numero_de_mandat(s):
    facture = s.facture()
    with pytest.raises(NumeroMandatObligatoire):
        facture_traiter(facture=facture, action=A.MANDATER, acting_user=s.agent)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION


def test_seul_le_destinataire_habilite_en_modification_traite(s):
    facture = s.facture()
    autre_service = s.facture(service_destinataire=s.autre_service)
    for intrus in (s.lecteur, s.gp_fournisseur, s.inconnu):
        with pytest.raises(ActeurNonAutorise):
            facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=intrus)
    # The agent of FINANCES does not process the invoices of ECOLES; the GP does.
    with pytest.raises(ActeurNonAutorise):
        facture_traiter(facture=autre_service, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    facture_traiter(facture=autre_service, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.gp_entite)


def test_une_action_qui_n_est_pas_du_destinataire_est_refusee(s):
    facture = s.facture_a_valider()
    with pytest.raises(ActionImpossible):
        facture_traiter(facture=facture, action=A.VALIDER, acting_user=s.gp_entite)


def test_un_lot_rend_compte_facture_par_facture(s):
    a_traiter = [s.facture() for _ in range(3)]
    deja_payee = s.facture(statut=S.MISE_EN_PAIEMENT)
    ailleurs = s.facture(service_destinataire=s.autre_service)
    resultats = factures_traiter(
        factures=[*a_traiter, deja_payee, ailleurs],
        action=A.CONSTATER_SERVICE_FAIT,
        acting_user=s.agent,
    )
    assert [r.reussi for r in resultats] == [True, True, True, False, False]
    assert "Mise en paiement" in resultats[3].message
    assert "habilité" in resultats[4].message
    for facture in a_traiter:
        facture.refresh_from_db()
        assert facture.statut == S.SERVICE_FAIT
    deja_payee.refresh_from_db()
    assert deja_payee.statut == S.MISE_EN_PAIEMENT


@pytest.mark.django_db(transaction=True)
def test_un_lot_coute_quatre_requetes_par_facture_et_ses_notifications_une_fois(monkeypatch):
    """Per invoice, in its own transaction (BEGIN … COMMIT, no savepoint): the row locked and
    re-read, its status written, its history row, the change to announce. The rights are
    read once for the batch, the notifications written once for all by one sweep, their
    e-mails queued in one task."""
    s = scene()
    files = []
    monkeypatch.setattr(notifications, "_mettre_en_file_lot", files.append)

    def requetes(nombre):
        factures = [s.facture() for _ in range(nombre)]
        files.clear()
        acces.oublier_droits(s.agent)  # each batch reads them, once
        with CaptureQueriesContext(connection) as capture:
            resultats = factures_traiter(
                factures=factures, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent
            )
        assert all(r.reussi for r in resultats)
        [evenements] = files  # one task, one event per invoice for the supplier
        assert len(evenements) == nombre
        return [q["sql"] for q in capture.captured_queries]

    dix, vingt = requetes(10), requetes(20)
    par_facture = ["BEGIN", "SELECT", "UPDATE", "INSERT historique", "INSERT annonce", "COMMIT"]
    assert len(vingt) - len(dix) == 10 * len(par_facture)
    assert not any("SAVEPOINT" in sql for sql in vingt)
