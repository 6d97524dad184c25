"""Status changes are told from an outbox: each is recorded in the transaction of the change,
and a sweep scheduled on commit tells it (factures.services.notifications). Nothing is told
of a change that did not commit; nothing is lost when telling fails; nothing is told twice."""

import pytest
from django.db import transaction

from chorus import notifications as coeur
from chorus.models import Evenement, Notification
from chorus.workflow import TransitionRefusee
from factures import tasks
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import AnnonceEnAttente
from factures.services import notifications
from factures.services.acheminement import facture_acheminer
from factures.services.traitement import facture_traiter
from tests.celery_reel import publier_vers
from tests.conftest import REDIS_DE_TEST
from tests.factures.factories_recues import scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scene()


def evenements_du_fournisseur(s):
    return Evenement.objects.filter(
        type="factures.statut_fournisseur", notifications__destinataire=s.gp_fournisseur
    )


def test_le_changement_est_consigne_avec_lui_et_annonce_apres_son_commit(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = s.facture(numero="F-ANN-1")
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    # Recorded with the change, told by nobody yet.
    [annonce] = AnnonceEnAttente.objects.all()
    assert annonce.historique.objet_id == facture.pk
    assert annonce.historique.statut_apres == S.SERVICE_FAIT
    assert not evenements_du_fournisseur(s).exists()

    # The commit: the sweep is scheduled and runs (eagerly here); its own commit sends the
    # e-mails.
    with django_capture_on_commit_callbacks(execute=True):
        for rappel in rappels:
            rappel()
    assert not AnnonceEnAttente.objects.exists()
    [evenement] = evenements_du_fournisseur(s)
    assert evenement.contexte["numero"] == "F-ANN-1"
    assert evenement.contexte["statut"] == S.SERVICE_FAIT
    [courriel] = mailoutbox
    assert courriel.subject == "Chorus Pro : facture F-ANN-1 – Service fait"


def test_une_action_refusee_ne_laisse_rien_a_annoncer(s, django_capture_on_commit_callbacks):
    facture = s.facture(statut=S.MISE_EN_PAIEMENT)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefusee):
        facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    assert not AnnonceEnAttente.objects.exists()
    assert not Evenement.objects.exists()


def test_un_balayage_qui_echoue_laisse_les_changements_pour_le_suivant(s, mailoutbox, monkeypatch):
    facture = s.facture(numero="F-ANN-PANNE")
    facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)

    def panne(_evenements):
        raise ConnectionError("database gone mid-sweep")

    with monkeypatch.context() as m:
        m.setattr(coeur, "emettre_en_lot", panne)
        with pytest.raises(ConnectionError):
            notifications.annoncer_en_attente()
    # Rolled back with the sweep: still pending, nothing half-told.
    assert AnnonceEnAttente.objects.count() == 1
    assert not Evenement.objects.exists()

    assert notifications.annoncer_en_attente() == 1
    assert notifications.annoncer_en_attente() == 0  # told once
    assert evenements_du_fournisseur(s).count() == 1


def test_un_balayage_raconte_chaque_facture_une_fois_avec_ses_etapes(s):
    """Changes of several invoices, made before the sweep runs (the second it waits): one
    event per invoice for the supplier, with all its steps; one for the recipient's agents
    for all the invoices that reached them."""
    deposees = [s.facture(statut=S.DEPOSEE, mise_a_disposition=False) for _ in range(3)]
    for facture in deposees:
        facture_acheminer(facture=facture)  # DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISP.
    assert AnnonceEnAttente.objects.count() == 6

    assert notifications.annoncer_en_attente(limite=4) == 6  # in two transactions
    au_fournisseur = evenements_du_fournisseur(s)
    assert sorted(e.contexte["facture_id"] for e in au_fournisseur) == [f.pk for f in deposees]
    for evenement in au_fournisseur:
        assert evenement.contexte["etapes"] == [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]
    a_traiter = Evenement.objects.filter(type="factures.a_traiter")
    assert Notification.objects.filter(evenement__in=a_traiter, destinataire=s.agent).exists()
    assert sum(e.contexte["nombre"] for e in a_traiter) == 3


def test_la_tache_de_balayage_annonce_ce_qui_attend(s):
    facture_traiter(facture=s.facture(), action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    assert tasks.annoncer_changements.apply().get() == 1
    assert tasks.annoncer_changements.apply().get() == 0
    assert evenements_du_fournisseur(s).count() == 1


@pytest.mark.redis
def test_par_redis_un_processus_planifie_un_balayage_pour_les_changements_d_une_seconde(
    file_unique, monkeypatch
):
    """Through a broker, the sweep runs a second after the commit that schedules it; the
    commits of the next half-second do not schedule another one (it will take them)."""
    import redis

    publier = tasks.annoncer_changements.apply_async  # to the test's own queue
    monkeypatch.setattr(
        tasks.annoncer_changements,
        "apply_async",
        lambda *args, **options: publier(*args, queue=file_unique, **options),
    )
    notifications.oublier_planification()
    with publier_vers(REDIS_DE_TEST):
        for _ in range(5):
            notifications.planifier_annonce()
        client = redis.Redis.from_url(REDIS_DE_TEST)
        assert client.llen(file_unique) == 1
        notifications.oublier_planification()  # as half a second later
        notifications.planifier_annonce()
        assert client.llen(file_unique) == 2
        client.close()


def test_un_broker_injoignable_laisse_le_changement_a_annoncer_sans_faire_echouer_l_action(
    s, django_capture_on_commit_callbacks
):
    notifications.oublier_planification()
    with (
        publier_vers("redis://127.0.0.1:9/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        facture_traiter(facture=s.facture(), action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    notifications.oublier_planification()
    assert AnnonceEnAttente.objects.count() == 1
    # The beat task's sweep, later, tells it.
    assert tasks.annoncer_changements.apply().get() == 1
    assert evenements_du_fournisseur(s).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_balayages_a_la_fois_racontent_chacun_son_tour(monkeypatch):
    """A sweep waits while another holds a batch, then tells what is left: batches are told
    one after the other, so the changes of one invoice reach users in their order."""
    import threading

    from django.db import connection, connections

    from tests.celery_reel import ATTENTE_MAX, attendre

    s = scene()
    monkeypatch.setattr(notifications, "planifier_annonce", lambda: None)  # swept by hand
    facture = s.facture()
    facture_traiter(facture=facture, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    tient, relache, resultats = threading.Event(), threading.Event(), []

    def premier_balayage():  # holds its turn, as a sweep in the middle of its batch
        try:
            with transaction.atomic():
                notifications._attendre_son_tour()
                tient.set()
                relache.wait(ATTENTE_MAX)
        finally:
            connections.close_all()

    def second_balayage():
        try:
            resultats.append(notifications.annoncer_en_attente())
        finally:
            connections.close_all()

    premier = threading.Thread(target=premier_balayage)
    premier.start()
    assert tient.wait(ATTENTE_MAX)
    second = threading.Thread(target=second_balayage)
    second.start()

    def en_attente_du_tour():
        with connection.cursor() as curseur:
            curseur.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            return curseur.fetchone()[0] == 1

    attendre(en_attente_du_tour, ATTENTE_MAX, "the second sweep did not wait for its turn")
    assert AnnonceEnAttente.objects.count() == 1  # nothing taken while it waits
    relache.set()
    premier.join(ATTENTE_MAX)
    second.join(ATTENTE_MAX)
    assert resultats == [1]
    assert not AnnonceEnAttente.objects.exists()
    assert evenements_du_fournisseur(s).count() == 1
