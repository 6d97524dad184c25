"""The deadline sweep, run by a real Celery worker as beat runs it, makes the cotraitant's
silence a tacit validation: his sub-contractor's piece goes on to the mandataire."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.celery import app
from factures.enums import StatutFacture as S
from factures.models import Facture
from tests.celery_reel import attendre_la_tache
from tests.travaux.factories import Groupement

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_le_balayage_du_worker_passe_la_piece_du_cotraitant_au_mandataire(
    worker, celery_vers_redis, file_unique
):
    gr = Groupement()
    a10 = gr.deposer_a10()
    Facture.objects.filter(pk=a10.pk).update(echeance_action=timezone.now() - timedelta(minutes=1))
    tache = app.send_task(
        "factures.tasks.appliquer_delais_echus", queue=file_unique, connection=celery_vers_redis
    )
    attendre_la_tache(tache, worker, "run")
    a10.refresh_from_db()
    assert (a10.statut, a10.valideur_2) == (S.A_VALIDER_2, gr.ch.titulaire)
    assert a10.echeance_action > timezone.now() + timedelta(days=14)
    assert S.ABSENCE_VALIDATION_1_HORS_DELAI in a10.historique.values_list(
        "statut_apres", flat=True
    )
