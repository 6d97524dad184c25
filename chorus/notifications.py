"""Core 4: events become e-mails and rows of the in-app feed.

`emettre()` is called inside a service's transaction. It writes the event and one
`Notification` row per recipient (the feed row, atomic with the change it reports), then,
on commit, enqueues `envoyer_emails` with the event id. The task sends each pending e-mail
once: the row is locked, the e-mail rendered in the recipient's language and sent, the row
marked. Running the task twice, or in two workers, sends one e-mail per recipient. If the
broker was down at commit time, the beat task `relancer_emails_en_attente` catches up.

Templates, by event type `app.nom` (e.g. `compte.mot_de_passe_modifie`):
  notifications/<app>/<nom>_subject.txt   one line
  notifications/<app>/<nom>_body.txt      plain text
  notifications/<app>/<nom>_feed.txt      one line for the feed on the home page
They are written in French with {% translate %}; the English comes from the catalogue.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connections, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from chorus import copie
from chorus.models import Evenement, Notification

logger = logging.getLogger(__name__)


def emettre(
    *,
    type: str,
    destinataires: Iterable,
    contexte: dict | None = None,
    lien: str = "",
    ignorer_preferences: bool = False,
) -> Evenement:
    """Records an event for its recipients and sends their e-mails after commit.

    `contexte` must be JSON-serialisable (ids, numbers, labels): the task re-reads the rest.
    """
    with transaction.atomic():
        evenement = Evenement.objects.create(
            type=type, contexte=contexte or {}, lien=lien, ignorer_preferences=ignorer_preferences
        )
        vus = set()
        lignes = []
        for user in destinataires:
            if user.pk in vus or not user.is_active:
                continue
            vus.add(user.pk)
            lignes.append(
                Notification(
                    evenement=evenement,
                    destinataire=user,
                    email_a_envoyer=ignorer_preferences or user.notifications_actives,
                )
            )
        Notification.objects.bulk_create(lignes)
        if any(n.email_a_envoyer for n in lignes):
            transaction.on_commit(lambda: _mettre_en_file(evenement.pk))
    return evenement


def emettre_en_lot(evenements: Iterable[dict]) -> list[uuid.UUID]:
    """Several events at once (a deadline sweep, a routing of many objects): each dict holds
    the keyword arguments of `emettre`. The same rows as `emettre` would write, in two bulk
    inserts, and one task on commit for all their e-mails. Returns the events' ids."""
    maintenant = timezone.now()
    # Rows as tuples, not instances: a sweep emits 1,000 events at a time.
    lignes_evenements: list[tuple] = []
    lignes_notifications: list[tuple] = []
    for donnees in evenements:
        ignorer = donnees.get("ignorer_preferences", False)
        pk = uuid.uuid4()
        lignes_evenements.append(
            (
                pk,
                donnees["type"],
                donnees.get("contexte") or {},
                donnees.get("lien", ""),
                ignorer,
                maintenant,
            )
        )
        vus = set()
        for user in donnees["destinataires"]:
            if user.pk in vus or not user.is_active:
                continue
            vus.add(user.pk)
            lignes_notifications.append((pk, user.pk, ignorer or user.notifications_actives))
    if not lignes_evenements:
        return []
    # Within a caller's transaction (the sweep of changes), its rows are all or nothing with
    # it: no savepoint of its own.
    with transaction.atomic(savepoint=False):
        _inserer(lignes_evenements, lignes_notifications)
        a_envoyer = sorted({str(pk) for pk, _user, email in lignes_notifications if email})
        if a_envoyer:
            transaction.on_commit(lambda: _mettre_en_file_lot(a_envoyer))
    return [ligne[0] for ligne in lignes_evenements]


# The columns `emettre_en_lot` fills, in its tuples' order; the others are left NULL (the
# dates an e-mail is sent and a feed row read) or to the database (the notification's id).
_COLONNES_EVENEMENT = ("id", "type", "contexte", "lien", "ignorer_preferences", "cree_le")
_COLONNES_NOTIFICATION = ("evenement_id", "destinataire_id", "email_a_envoyer")


def _inserer(evenements: list[tuple], notifications_: list[tuple]) -> None:
    """Writes the rows of `emettre_en_lot` with COPY (`chorus.copie`), which takes 1,000
    events and their feed rows for a fraction of what building as many instances and one
    INSERT costs."""
    if copie.copie_possible(connections[router.db_for_write(Evenement)]):
        encodeur = Evenement._meta.get_field("contexte").encoder
        evenements = [
            (pk, t, json.dumps(c, cls=encodeur), lien, i, d) for pk, t, c, lien, i, d in evenements
        ]
    copie.copier(Evenement, _COLONNES_EVENEMENT, evenements)
    copie.copier(Notification, _COLONNES_NOTIFICATION, notifications_)


def _mettre_en_file_lot(evenement_ids: list[str]) -> None:
    from kombu.exceptions import OperationalError

    from chorus.tasks import envoyer_emails_lot

    try:
        envoyer_emails_lot.delay(evenement_ids)
    except OperationalError:
        # As in `_mettre_en_file`: `relancer_emails_en_attente` catches up later.
        logger.warning("Could not enqueue the e-mails of %s events", len(evenement_ids))


def _mettre_en_file(evenement_id) -> None:
    from kombu.exceptions import OperationalError

    from chorus.tasks import envoyer_emails

    try:
        envoyer_emails.delay(str(evenement_id))
    except OperationalError:
        # The broker is unreachable. The change that emitted the event is committed and its
        # rows stay pending: `relancer_emails_en_attente` enqueues them again later. Raising
        # here would turn a successful action into an error page.
        logger.warning("Could not enqueue the e-mails of event %s", evenement_id, exc_info=True)


def _gabarit(evenement: Evenement, partie: str) -> str:
    app, _, nom = evenement.type.partition(".")
    return f"notifications/{app}/{nom}_{partie}.txt"


def _contexte(evenement: Evenement, destinataire) -> dict:
    return {
        **evenement.contexte,
        "destinataire": destinataire,
        "lien": f"{settings.SITE_URL}{evenement.lien}" if evenement.lien else settings.SITE_URL,
        "portail": settings.PORTAIL_NOM,
    }


def rendre_email(evenement: Evenement, destinataire) -> EmailMessage:
    with translation.override(destinataire.langue):
        contexte = _contexte(evenement, destinataire)
        sujet = " ".join(render_to_string(_gabarit(evenement, "subject"), contexte).split())
        corps = render_to_string(_gabarit(evenement, "body"), contexte)
    return EmailMessage(
        subject=sujet,
        body=corps,
        to=[destinataire.email_contact or destinataire.email],
        headers={"X-Chorus-Evenement": str(evenement.pk)},
    )


def rendre_fil(notification: Notification) -> str:
    """The one-line text of a feed row, in the active language."""
    evenement = notification.evenement
    texte = render_to_string(_gabarit(evenement, "feed"), _contexte(evenement, None))
    return " ".join(texte.split())


def envoyer_emails_evenement(evenement_id) -> int:
    """Sends the pending e-mails of one event; returns how many were sent now."""
    envoyes = 0
    ids = list(
        Notification.objects.emails_en_attente()
        .filter(evenement_id=evenement_id)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            # Lock the notification row only (`of`): not the event, not the user's account,
            # which other work may hold meanwhile (a sign-in, a profile change).
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("evenement", "destinataire")
                .filter(pk=pk, email_envoye_le__isnull=True)
                .first()
            )
            if notification is None:  # sent meanwhile, or being sent by another worker
                continue
            rendre_email(notification.evenement, notification.destinataire).send()
            notification.email_envoye_le = timezone.now()
            notification.save(update_fields=["email_envoye_le"])
            envoyes += 1
    return envoyes
