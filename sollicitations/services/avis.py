"""Telling the other side: every message of a sollicitation notifies someone.

- Users (the requester with an account, desk members) through the notifications core: an
  e-mail (if they opted in) and a line of their recent-events feed.
- A requester without an account has neither: a `CourrielPublic` row is written in the same
  transaction, and a task sends it once after commit (`courriel_public_envoyer`), with the
  signed link of his follow-up page.

Internal notes notify nobody outside the desk.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from chorus import notifications
from sollicitations import acces, liens
from sollicitations.models import CourrielPublic, Sollicitation

logger = logging.getLogger(__name__)


def _contexte(sollicitation: Sollicitation, **autres) -> dict:
    structure = sollicitation.structure_emettrice
    return {
        "sollicitation": sollicitation.pk,
        "numero": sollicitation.numero,
        "objet": sollicitation.objet,
        "structure_emettrice": structure.raison_sociale if structure else "",
        **autres,
    }


def _lien_desk(sollicitation) -> str:
    return reverse("sollicitations:desk_detail", args=[sollicitation.pk])


def desk_prevenir_nouvelle(sollicitation: Sollicitation, *, transfert: bool = False) -> None:
    """A new request reached a desk (filed, or transferred to support): every member."""
    notifications.emettre(
        type="sollicitations.nouvelle",
        destinataires=acces.traitants(sollicitation),
        contexte=_contexte(sollicitation, transfert=transfert),
        lien=_lien_desk(sollicitation),
    )


def desk_prevenir_message(sollicitation: Sollicitation, *, nature: str, texte: str) -> None:
    """The requester wrote (`nature`: complement, renvoi, message): the assignee, or the whole
    desk when nobody holds the request."""
    assigne = sollicitation.assigne_a
    if assigne is not None and assigne.is_active and acces.est_traitant(assigne, sollicitation):
        destinataires = [assigne]
    else:
        destinataires = acces.traitants(sollicitation)
    notifications.emettre(
        type="sollicitations.message_demandeur",
        destinataires=destinataires,
        contexte=_contexte(
            sollicitation,
            complement=nature == "complement",
            renvoi=nature == "renvoi",
            texte=texte,
        ),
        lien=_lien_desk(sollicitation),
    )


def assigne_prevenir(sollicitation: Sollicitation, *, par) -> None:
    """A lead assigned the request to someone else: that person is told."""
    notifications.emettre(
        type="sollicitations.assignee",
        destinataires=[sollicitation.assigne_a],
        contexte=_contexte(sollicitation, par=par.get_full_name()),
        lien=_lien_desk(sollicitation),
    )


# What the requester is told, by nature of the change.
NATURES_DEMANDEUR = ("reponse", "complement_demande", "cloturee", "transferee")


def demandeur_prevenir(sollicitation: Sollicitation, *, nature: str, texte: str = "") -> None:
    """The desk answered, asked for more, closed or transferred the request."""
    assert nature in NATURES_DEMANDEUR, nature
    drapeaux = {n: n == nature for n in NATURES_DEMANDEUR}
    if sollicitation.demandeur_id is None:
        _courriel_public(sollicitation, nature=nature, texte=texte, **drapeaux)
        return
    notifications.emettre(
        type="sollicitations.mise_a_jour",
        destinataires=[sollicitation.demandeur],
        contexte=_contexte(sollicitation, texte=texte, **drapeaux),
        lien=reverse("sollicitations:detail", args=[sollicitation.pk]),
    )


def accuse_de_reception(sollicitation: Sollicitation) -> None:
    """A request filed without an account: its number and link, by e-mail."""
    _courriel_public(sollicitation, nature="accuse", accuse=True)


# --- E-mails to requesters without an account --------------------------------------------


def _courriel_public(sollicitation: Sollicitation, *, nature: str, **contexte) -> CourrielPublic:
    courriel = CourrielPublic.objects.create(
        sollicitation=sollicitation, nature=nature, contexte=contexte
    )
    pk = courriel.pk
    transaction.on_commit(lambda: _mettre_en_file(pk))
    return courriel


def _mettre_en_file(pk) -> None:
    from kombu.exceptions import OperationalError

    from sollicitations.tasks import envoyer_courriel_public

    try:
        envoyer_courriel_public.delay(str(pk))
    except OperationalError:
        # Broker down: the row stays pending and the beat task sends it later.
        logger.warning("Could not enqueue the public e-mail %s", pk, exc_info=True)


def rendre_courriel_public(courriel: CourrielPublic) -> EmailMessage:
    sollicitation = courriel.sollicitation
    with translation.override(sollicitation.langue or "fr"):
        contexte = {
            **courriel.contexte,
            "numero": sollicitation.numero,
            "objet": sollicitation.objet,
            "lien": liens.lien_suivi(sollicitation),
            "portail": settings.PORTAIL_NOM,
        }
        sujet = render_to_string("sollicitations/emails/sans_compte_subject.txt", contexte)
        corps = render_to_string("sollicitations/emails/sans_compte_body.txt", contexte)
    return EmailMessage(
        subject=" ".join(sujet.split()),
        body=corps,
        to=[sollicitation.email_contact],
        headers={"X-Chorus-Sollicitation": sollicitation.numero or ""},
    )


def courriel_public_envoyer(pk) -> bool:
    """Sends one pending public e-mail once (locked, then marked); True if sent now."""
    with transaction.atomic():
        courriel = (
            CourrielPublic.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sollicitation")
            .filter(pk=pk, envoye_le__isnull=True)
            .first()
        )
        if courriel is None:  # sent already, or being sent by another worker
            return False
        rendre_courriel_public(courriel).send()
        courriel.envoye_le = timezone.now()
        courriel.save(update_fields=["envoye_le"])
    return True
