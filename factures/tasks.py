"""Celery entry points of the invoices: thin, they take ids, re-fetch and call a service.

A row gone by the time the task runs is a quiet no-op; running a task twice changes nothing
(the services are idempotent); a worker lost mid-task hands it back to the broker (acks_late).
Database and storage hiccups are retried with backoff; an invoice that cannot be rendered
(`RenduImpossible`: a draft, contradictory figures) is logged, not retried.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from factures.models import Facture
from factures.rendu import RenduImpossible
from factures.services import rendu

logger = logging.getLogger(__name__)

TRANSITOIRES = (OperationalError, InterfaceError, OSError)
RENDU = {
    "acks_late": True,
    "autoretry_for": TRANSITOIRES,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
    # A 10,000-line invoice is a few hundred pages: minutes, not hours.
    "soft_time_limit": 600,
    "time_limit": 660,
}
# The sweep re-enqueues what is still missing a few minutes after the deposit, for two days.
RELANCE_APRES = timedelta(minutes=5)
RELANCE_PENDANT = timedelta(days=2)
RELANCE_PAR_PASSAGE = 500


def _facture(facture_id: int) -> Facture | None:
    facture = Facture.objects.filter(pk=facture_id).first()
    if facture is None:
        logger.info("invoice %s is gone: nothing to render", facture_id)
    return facture


def _rendre(facture_id: int) -> str | None:
    facture = _facture(facture_id)
    if facture is None:
        return None
    try:
        document = rendu.facture_rendre(facture=facture)
    except RenduImpossible as erreur:
        logger.warning("invoice %s not rendered: %s", facture_id, erreur)
        return None
    return str(document.pk) if document is not None else None


def _certifier(facture_id: int) -> str | None:
    facture = _facture(facture_id)
    if facture is None:
        return None
    try:
        document = rendu.facture_etablir_certificat(facture=facture)
    except RenduImpossible as erreur:
        logger.warning("invoice %s: no certificat de dépôt: %s", facture_id, erreur)
        return None
    return str(document.pk)


@shared_task(**RENDU)
def rendre_facture(facture_id: int) -> str | None:
    """Renders the Factur-X or readable PDF of an invoice; returns the document's id."""
    return _rendre(facture_id)


@shared_task(**RENDU)
def etablir_certificat(facture_id: int) -> str | None:
    """Renders the certificat de dépôt of an invoice; returns the document's id."""
    return _certifier(facture_id)


@shared_task(**RENDU)
def rendre_et_certifier(facture_id: int) -> list[str | None]:
    """What follows a sending, in one message: the rendering, then the certificat de dépôt
    (which attests the rendering of a typed invoice); returns both documents' ids. Both are
    idempotent: a retry redoes only what is missing."""
    return [_rendre(facture_id), _certifier(facture_id)]


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def relancer_rendus_en_attente() -> int:
    """Enqueues again the renderings and certificates still missing (beat, every 10 min)."""
    maintenant = timezone.now()
    ids = list(
        rendu.factures_en_attente_de_rendu(
            depuis=maintenant - RELANCE_PENDANT, jusqu_a=maintenant - RELANCE_APRES
        )
        .order_by("deposee_le")
        .values_list("pk", flat=True)[:RELANCE_PAR_PASSAGE]
    )
    for facture_id in ids:
        rendre_facture.delay(facture_id)
        etablir_certificat.delay(facture_id)
    return len(ids)


# --- Factures émises: routing after sending, and what follows a sending ----------------------

ACHEMINEMENT = {
    "acks_late": True,
    "autoretry_for": TRANSITOIRES,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**ACHEMINEMENT)
def acheminer_facture(facture_id: int, cadre: str | None = None) -> list[str]:
    """Routes a sent invoice (DEPOSEE → A_VALIDER_1 or MISE_A_DISPOSITION); returns the
    actions applied (none if it was already routed, or is gone). `cadre`, when the sender
    gives it, spares reading the row before the routing locks and reads it."""
    from factures.services.acheminement import facture_acheminer_par_id

    return [str(action) for action in facture_acheminer_par_id(facture_id, cadre)]


@shared_task(**ACHEMINEMENT, soft_time_limit=120, time_limit=150)
def controler_facture(facture_id: int) -> int | None:
    """Checks a deposited structured file (XSD, EN 16931, French and business rules) and
    stores the findings; returns their number."""
    from factures.services.controle import controler_par_id

    return controler_par_id(facture_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def relancer_controles_en_attente() -> int:
    """Enqueues again the checks of deposited files still waiting a few minutes after the
    deposit (a worker lost, a broker down at commit): beat, every 5 minutes."""
    from factures.services.controle import factures_en_attente_de_controle

    ids = list(
        factures_en_attente_de_controle(avant=timezone.now() - RELANCE_APRES)
        .order_by("cree_le")
        .values_list("pk", flat=True)[:RELANCE_PAR_PASSAGE]
    )
    for facture_id in ids:
        controler_facture.delay(facture_id)
    return len(ids)


# --- Notifications: the sweep of the changes to announce ------------------------------------


@shared_task(acks_late=True, autoretry_for=TRANSITOIRES, retry_backoff=5, max_retries=6)
def annoncer_changements() -> int:
    """Tells the status changes still pending (scheduled a second after a commit, and by
    beat every minute); returns how many history rows were told."""
    from factures.services.notifications import annoncer_en_attente

    return annoncer_en_attente()


# --- Deadlines: the sweep of overdue pieces ----------------------------------------------


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def appliquer_delais_echus() -> int:
    """Beat, every minute: the timeouts of overdue pieces (tacit validation…). Safe to run
    twice or in two workers at once (rows locked with SKIP LOCKED, statuses re-checked)."""
    from factures.services import delais

    return delais.balayer_echeances()
