"""E-mails of an event are sent by a real Celery worker fed through Redis, once per recipient.

The worker runs as a subprocess on the test database and on a queue of its own; it prints
e-mails on its console, which is captured in a file. The test process never runs the task:
Celery is not eager here, and the test's own outbox stays empty.
"""

import re

import pytest

from chorus.models import Evenement, Notification
from chorus.tasks import envoyer_emails
from tests.celery_reel import ATTENTE_MAX, attendre, lancer_worker
from tests.habilitations.factories import UtilisateurFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(file_unique, tmp_path):
    """A real worker consuming only `file_unique`; yields a function reading its output."""
    with lancer_worker(file_unique, tmp_path / "worker.log") as lire:
        yield lire


def evenement_pour(*destinataires):
    evenement = Evenement.objects.create(type="compte.mot_de_passe_modifie", lien="/")
    for destinataire in destinataires:
        Notification.objects.create(evenement=evenement, destinataire=destinataire)
    return evenement


def taches_terminees(journal, ids):
    """The return values the worker logged for these task ids, once they all succeeded."""
    valeurs = {}
    for task_id in ids:
        trouve = re.search(rf"envoyer_emails\[{task_id}\] succeeded in [0-9.e-]+s: (\d+)", journal)
        if trouve:
            valeurs[task_id] = int(trouve.group(1))
    return valeurs


def test_le_worker_envoie_les_courriels_d_un_evenement(
    worker, celery_vers_redis, file_unique, mailoutbox
):
    alice = UtilisateurFactory(email_contact="alice@contact.fr")
    bruno = UtilisateurFactory(email_contact="bruno@contact.fr")
    evenement = evenement_pour(alice, bruno)

    tache = envoyer_emails.apply_async(
        args=[str(evenement.pk)], queue=file_unique, connection=celery_vers_redis
    )

    attendre(
        lambda: not Notification.objects.emails_en_attente().filter(evenement=evenement).exists(),
        ATTENTE_MAX,
        f"the worker did not send the e-mails:\n{worker()}",
    )
    journal = worker()
    assert taches_terminees(journal, [tache.id]) == {tache.id: 2}
    assert journal.count(f"X-Chorus-Evenement: {evenement.pk}") == 2
    assert "To: alice@contact.fr" in journal
    assert "To: bruno@contact.fr" in journal
    assert mailoutbox == []  # the test process sent nothing


def test_le_meme_evenement_mis_deux_fois_en_file_n_envoie_qu_un_courriel(
    worker, celery_vers_redis, file_unique, mailoutbox
):
    alice = UtilisateurFactory()
    evenement = evenement_pour(alice)

    taches = [
        envoyer_emails.apply_async(
            args=[str(evenement.pk)], queue=file_unique, connection=celery_vers_redis
        )
        for _ in range(2)
    ]
    ids = [t.id for t in taches]

    attendre(
        lambda: len(taches_terminees(worker(), ids)) == 2,
        ATTENTE_MAX,
        f"the worker did not run both tasks:\n{worker()}",
    )
    journal = worker()
    assert sorted(taches_terminees(journal, ids).values()) == [0, 1]
    assert journal.count(f"X-Chorus-Evenement: {evenement.pk}") == 1
    assert Notification.objects.get(evenement=evenement).email_envoye_le is not None
    assert mailoutbox == []
