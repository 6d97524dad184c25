"""The rendering runs in a real Celery worker fed through Redis, on the test database and the
test's storage folder; enqueued twice, it still attaches one Factur-X and one certificate."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from facturx import get_facturx_xml_from_pdf

from chorus.models import Document
from factures import tasks
from factures.models import Facture
from tests.chorus import test_celery_worker as celery_reel
from tests.conftest import REDIS_DE_TEST
from tests.factures.factories_rendu import FactureSaisieFactory
from tests.factures.rendu.outils import relu

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ATTENTE_MAX = 90  # seconds; a deadline for waiting, not a timing assertion
file_unique = celery_reel.file_unique
celery_vers_redis = celery_reel.celery_vers_redis


@pytest.fixture
def worker(file_unique, tmp_path):
    """A worker consuming only `file_unique`, storing files where the test reads them."""
    journal = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chorus.settings",
        "DATABASE_URL": celery_reel.url_de_la_base_de_test(),
        "REDIS_URL": REDIS_DE_TEST,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
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
                "--pool=prefork",
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
        celery_reel.attendre(
            lambda: " ready." in lire() or processus.poll() is not None,
            celery_reel.DEMARRAGE_MAX,
            "the worker did not start",
        )
        assert processus.poll() is None, f"the worker stopped:\n{lire()}"
        yield lire
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=20)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait(timeout=10)


def test_le_worker_rend_la_facture_et_son_certificat_une_seule_fois(
    worker, celery_vers_redis, file_unique
):
    facture = FactureSaisieFactory()
    documents_avant = Document.objects.count()

    for _ in range(2):
        for tache in (tasks.etablir_certificat, tasks.rendre_facture):
            tache.apply_async(args=[facture.pk], queue=file_unique, connection=celery_vers_redis)

    def termine():
        journal = worker()
        return journal.count("succeeded in") >= 4 or "Traceback" in journal

    celery_reel.attendre(termine, ATTENTE_MAX, f"the worker did not finish:\n{worker()}")
    journal = worker()
    assert "Traceback" not in journal, journal
    assert journal.count("succeeded in") == 4

    facture = Facture.objects.select_related("document_rendu", "document_certificat").get(
        pk=facture.pk
    )
    assert facture.document_rendu is not None
    assert facture.document_certificat is not None
    assert Document.objects.count() == documents_avant + 2
    with facture.document_rendu.fichier.open("rb") as fichier:
        _nom, xml = get_facturx_xml_from_pdf(fichier.read(), check_xsd=True)
    assert relu(xml)["BT-1"] == facture.numero


def test_une_facture_disparue_ne_fait_pas_echouer_le_worker(worker, celery_vers_redis, file_unique):
    facture = FactureSaisieFactory()
    facture_id = facture.pk
    Facture.objects.filter(pk=facture_id).delete()

    tache = tasks.rendre_facture.apply_async(
        args=[facture_id], queue=file_unique, connection=celery_vers_redis
    )

    celery_reel.attendre(
        lambda: f"[{tache.id}] succeeded" in worker(),
        ATTENTE_MAX,
        f"the worker did not run the task:\n{worker()}",
    )
    assert f"invoice {facture_id} is gone" in worker()
