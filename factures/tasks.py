"""Celery entry points of the invoices app: thin, they call services."""

from celery import shared_task

from factures.services import delais


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def appliquer_delais_echus() -> int:
    """Beat, every minute: the timeouts of overdue pieces (tacit validation…). Safe to run
    twice or in two workers at once (rows locked with SKIP LOCKED, statuses re-checked)."""
    return delais.balayer_echeances()
