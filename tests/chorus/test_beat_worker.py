"""Every periodic task of the beat schedule runs in a real Celery worker fed through Redis.

The eager tests of each app prove what the tasks do; here, each is published by name, as
beat publishes it, and must be known to the worker and succeed there. The deadline sweep
also proves its effect from the worker: an overdue validation becomes tacit and the invoice
reaches its recipient, with the supplier told.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.celery import app
from chorus.models import Notification
from factures.enums import StatutFacture
from factures.models import Facture
from tests.celery_reel import ATTENTE_MAX, attendre, attendre_la_tache
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import UtilisateurFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

TACHES_PERIODIQUES = sorted({e["task"] for e in app.conf.beat_schedule.values()})


def test_chaque_tache_periodique_reussit_dans_un_vrai_worker(
    worker, celery_vers_redis, file_unique
):
    assert len(TACHES_PERIODIQUES) >= 5
    envoyees = {
        nom: app.send_task(nom, queue=file_unique, connection=celery_vers_redis).id
        for nom in TACHES_PERIODIQUES
    }
    attendre(
        lambda: (
            all(f"[{tache}] succeeded" in worker() for tache in envoyees.values())
            or "Traceback" in worker()
        ),
        ATTENTE_MAX,
        f"the periodic tasks did not all succeed:\n{worker()}",
    )
    assert "Traceback" not in worker(), worker()


def test_le_balayage_des_delais_rend_tacite_une_validation_echue_depuis_le_worker(
    worker, celery_vers_redis, file_unique
):
    facture = FactureFactory(a_valider=True, echeance_action=timezone.now() - timedelta(minutes=1))
    fournisseur = UtilisateurFactory(gestionnaire_de=facture.fournisseur)
    a_l_heure = FactureFactory(a_valider=True, echeance_action=timezone.now() + timedelta(days=3))
    tache = app.send_task(
        "factures.tasks.appliquer_delais_echus", queue=file_unique, connection=celery_vers_redis
    )
    attendre_la_tache(tache, worker, "run")
    facture.refresh_from_db()
    assert facture.statut == StatutFacture.MISE_A_DISPOSITION
    assert StatutFacture.ABSENCE_VALIDATION_1_HORS_DELAI in facture.historique.values_list(
        "statut_apres", flat=True
    )
    # Told by the sweep of changes the worker runs a second after the commit.
    attendre(
        lambda: Notification.objects.filter(destinataire=fournisseur).exists(),
        ATTENTE_MAX,
        f"the worker did not tell the supplier:\n{worker()}",
    )
    assert Facture.objects.get(pk=a_l_heure.pk).statut == StatutFacture.A_VALIDER_1
