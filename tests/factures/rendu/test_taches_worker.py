"""The rendering runs in a real Celery worker fed through Redis, on the test database and the
test's storage folder; enqueued twice, it still attaches one Factur-X and one certificate."""

import pytest
from facturx import get_facturx_xml_from_pdf

from chorus.models import Document
from factures import tasks
from factures.models import Facture
from tests import celery_reel
from tests.celery_reel import ATTENTE_MAX
from tests.factures.factories_rendu import FactureSaisieFactory
from tests.factures.rendu.outils import relu

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


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
