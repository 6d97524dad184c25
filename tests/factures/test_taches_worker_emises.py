"""The checks of a deposited file run in a real Celery worker (prefork, fed through Redis):
Saxon's schematrons compile and run in the forked process, the findings reach the database,
and the routing of a sent invoice runs there too."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chorus.models import Notification
from factures import tasks
from factures.enums import EtatControle, Severite
from factures.enums import StatutFacture as S
from factures.models import AnnonceEnAttente, Facture
from factures.services import depot
from tests import celery_reel
from tests.factures.factories import FactureFactory
from tests.factures.formats.conftest import SIRET_COMMUNE, SIRET_FOURNISSEUR, generer
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ATTENTE_MAX = celery_reel.ATTENTE_MAX


def test_le_worker_controle_le_fichier_depose(worker, celery_vers_redis, file_unique, monkeypatch):
    fournisseur = StructureFactory(identifiant=SIRET_FOURNISSEUR)
    commune = StructureFactory(publique=True, identifiant=SIRET_COMMUNE)
    ServiceFactory(structure=commune, code="SERV-FIN")
    gp = UtilisateurFactory(gestionnaire_de=fournisseur)
    # The deposit's own enqueueing goes to the default queue: the test sends it to its own.
    monkeypatch.setattr(tasks.controler_facture, "delay", lambda *args: None)
    faux_total = generer("cii", **{"BT-112": "480.00", "BT-115": "480.00"})
    facture = depot.facture_deposer(
        acting_user=gp, fournisseur=fournisseur, fichier=SimpleUploadedFile("f.xml", faux_total)
    )
    assert facture.etat_controle == EtatControle.EN_COURS

    tache = tasks.controler_facture.apply_async(
        args=[facture.pk], queue=file_unique, connection=celery_vers_redis
    )
    celery_reel.attendre_la_tache(tache, worker, "check the file")
    facture.refresh_from_db()
    assert facture.etat_controle == EtatControle.TERMINE
    assert facture.anomalies.filter(severite=Severite.BLOQUANTE, terme="BT-112").exists()


def test_le_worker_achemine_une_facture_envoyee(worker, celery_vers_redis, file_unique):
    facture = FactureFactory(deposee=True)
    tache = tasks.acheminer_facture.apply_async(
        args=[facture.pk], queue=file_unique, connection=celery_vers_redis
    )
    celery_reel.attendre(
        lambda: f"[{tache.id}] succeeded" in worker(),
        ATTENTE_MAX,
        f"the worker did not route the invoice:\n{worker()}",
    )
    assert Facture.objects.get(pk=facture.pk).statut == S.MISE_A_DISPOSITION


def test_le_worker_annonce_l_acheminement_au_fournisseur(worker, celery_vers_redis, file_unique):
    """The routing's commit, in the worker, schedules the sweep of changes a second later,
    on the worker's queue: the worker tells the supplier's users."""
    facture = FactureFactory(deposee=True)
    gp = UtilisateurFactory(gestionnaire_de=facture.fournisseur)
    tasks.acheminer_facture.apply_async(
        args=[facture.pk], queue=file_unique, connection=celery_vers_redis
    )
    celery_reel.attendre(
        lambda: Notification.objects.filter(destinataire=gp).exists() or "Traceback" in worker(),
        ATTENTE_MAX,
        f"the worker did not tell the supplier:\n{worker()}",
    )
    assert "Traceback" not in worker(), worker()
    [notification] = Notification.objects.filter(destinataire=gp)
    assert notification.evenement.contexte["etapes"] == [
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]
    assert not AnnonceEnAttente.objects.exists()
    assert "factures.tasks.annoncer_changements" in worker()
