"""E-mails that carry a one-time link to one account (activation, password reset): the link,
signed with a token and on the portal's public address, and the e-mail, written in the
account's language. Sent by the worker (habilitations.tasks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from habilitations.models import Utilisateur


def lien_a_jeton(nom_url: str, utilisateur: Utilisateur, jetons: PasswordResetTokenGenerator):
    """The absolute address of `nom_url` for `utilisateur`, with his id and a fresh token."""
    return settings.SITE_URL + reverse(
        nom_url,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(utilisateur.pk)),
            "token": jetons.make_token(utilisateur),
        },
    )


def courriel_envoyer(utilisateur: Utilisateur, gabarit: str, contexte) -> None:
    """Sends `gabarit`_subject.txt and `gabarit`_body.txt to the account's login address,
    rendered in its language; `contexte` is called inside that language (its links and
    labels follow it). A mail server failure raises."""
    with translation.override(utilisateur.langue):
        valeurs = {"portail": settings.PORTAIL_NOM, **contexte()}
        sujet = render_to_string(f"{gabarit}_subject.txt", valeurs)
        corps = render_to_string(f"{gabarit}_body.txt", valeurs)
    EmailMessage(subject=" ".join(sujet.split()), body=corps, to=[utilisateur.email]).send()
