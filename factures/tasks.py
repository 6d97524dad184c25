"""Celery entry points of the invoices: thin, idempotent, enqueued on commit.

Each takes an id, re-reads the row, calls a service and returns quietly if the row is gone.
"""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(acks_late=True, **RETRY)
def acheminer_facture(facture_id: int) -> list[str]:
    """Routes a sent invoice (DEPOSEE → A_VALIDER_1 or MISE_A_DISPOSITION)."""
    from factures.models import Facture
    from factures.services.acheminement import facture_acheminer

    facture = Facture.objects.filter(pk=facture_id).first()
    if facture is None:
        return []
    return [str(a) for a in facture_acheminer(facture=facture)]


def apres_envoi(facture_id: int) -> None:
    """What follows a sending, each in its own task: routing, certificate, rendering."""
    acheminer_facture.delay(facture_id)
    for nom in ("etablir_certificat", "rendre_facture"):
        tache = globals().get(nom)
        if tache is not None:
            tache.delay(facture_id)
