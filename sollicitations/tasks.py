"""Celery entry points of the sollicitations: thin, by id, idempotent."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from chorus.tasks import RETRY
from sollicitations.models import CourrielPublic
from sollicitations.services import avis, conversation


@shared_task(acks_late=True, **RETRY)
def envoyer_courriel_public(courriel_id: str) -> bool:
    """Sends one e-mail to a requester without an account (once, whatever the retries)."""
    return avis.courriel_public_envoyer(courriel_id)


@shared_task(acks_late=True)
def relancer_courriels_publics() -> int:
    """Enqueues public e-mails still pending a few minutes after they were written."""
    limite = timezone.now() - timedelta(minutes=5)
    ids = list(
        CourrielPublic.objects.filter(envoye_le__isnull=True, cree_le__lt=limite).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in ids:
        envoyer_courriel_public.delay(str(pk))
    return len(ids)


@shared_task(acks_late=True)
def cloturer_sollicitations_sans_suite() -> int:
    """Closes answered requests left without a reaction for 15 days."""
    return conversation.cloturer_repondues_sans_suite()
