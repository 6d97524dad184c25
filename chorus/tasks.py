from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from chorus import notifications
from chorus.models import Notification

RETRY = {
    "autoretry_for": (OSError,),  # SMTP and connection errors
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 8,
}


@shared_task(acks_late=True, **RETRY)
def envoyer_emails(evenement_id: str) -> int:
    return notifications.envoyer_emails_evenement(evenement_id)


@shared_task(acks_late=True, **RETRY)
def envoyer_emails_lot(evenement_ids: list[str]) -> int:
    """The e-mails of several events (`notifications.emettre_en_lot`); each is sent once,
    even when the task is retried after some of them went out."""
    return sum(notifications.envoyer_emails_evenement(pk) for pk in evenement_ids)


@shared_task(acks_late=True)
def relancer_emails_en_attente() -> int:
    """Enqueues events whose e-mails are still pending a few minutes after they were made."""
    limite = timezone.now() - timedelta(minutes=5)
    ids = list(
        Notification.objects.emails_en_attente()
        .filter(evenement__cree_le__lt=limite)
        .values_list("evenement_id", flat=True)
        .distinct()[:1000]
    )
    for evenement_id in ids:
        envoyer_emails.delay(str(evenement_id))
    return len(ids)
