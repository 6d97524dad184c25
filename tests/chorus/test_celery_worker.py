"""E-mails of an event are sent by a real Celery worker fed through Redis, once per recipient.

The worker runs as a subprocess on the test database and on a queue of its own; it prints
e-mails on its console, which is captured in a file. The test process never runs the task:
Celery is not eager here, and the test's own outbox stays empty.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from chorus.celery import app
from chorus.models import Evenement, Notification
from chorus.tasks import envoyer_emails
from tests.conftest import REDIS_DE_TEST
from tests.habilitations.factories import UtilisateurFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ATTENTE_MAX = 30  # seconds; a deadline for waiting, not a timing assertion
DEMARRAGE_MAX = 60


def url_de_la_base_de_test() -> str:
    reglages = connection.settings_dict
    identifiants = quote(reglages["USER"] or "", safe="")
    if reglages["PASSWORD"]:
        identifiants += ":" + quote(reglages["PASSWORD"], safe="")
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or 5432
    return f"postgres://{identifiants}@{hote}:{port}/{reglages['NAME']}"


def attendre(condition, delai, message):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(message)


@pytest.fixture
def file_unique():
    nom = f"test-chorus-{uuid.uuid4().hex[:12]}"
    yield nom
    # Remove what kombu left in Redis for this queue (the list, its bindings).
    client = redis.Redis.from_url(REDIS_DE_TEST)
    try:
        cles = list(client.scan_iter(match=f"*{nom}*"))
        if cles:
            client.delete(*cles)
        for membre in client.zrange("_kombu.binding_deadlines", 0, -1):
            if nom.encode() in membre:
                client.zrem("_kombu.binding_deadlines", membre)
    finally:
        client.close()


@pytest.fixture
def worker(file_unique, tmp_path):
    """A real worker consuming only `file_unique`; yields a function reading its output."""
    journal = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chorus.settings",
        "DATABASE_URL": url_de_la_base_de_test(),
        "REDIS_URL": REDIS_DE_TEST,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "consolemail://",
        "PYTHONUNBUFFERED": "1",
    }
    celery = Path(sys.executable).with_name("celery")
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(
            [
                str(celery),
                "-A",
                "chorus",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                file_unique,
                "-n",
                f"{file_unique}@%h",
                "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )

    def lire():
        return journal.read_text(errors="replace")

    try:
        attendre(
            lambda: " ready." in lire() or processus.poll() is not None,
            DEMARRAGE_MAX,
            "the worker did not start",
        )
        assert processus.poll() is None, f"the worker stopped:\n{lire()}"
        yield lire
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait(timeout=10)


@pytest.fixture
def celery_vers_redis():
    """The test process publishes to Redis for real, instead of running tasks eagerly."""
    ancien = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(REDIS_DE_TEST) as connexion:
            yield connexion
    finally:
        app.conf.task_always_eager = ancien


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
