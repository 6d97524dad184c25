"""The password-reset e-mail (« Mot de passe oublié »), sent by the worker.

The rules, in words:
- The page never tells whether an account has the address; an active account with a
  password gets a link valid PASSWORD_RESET_TIMEOUT (an hour), which stops working once used
  or once the password changes.
- The link is made when the e-mail is written, in the account's language, on the portal's
  public address (SITE_URL): nothing secret waits in the broker, only the account's id.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from habilitations.models import Utilisateur


def lien_reinitialisation(utilisateur: Utilisateur) -> str:
    """The absolute address where `utilisateur` chooses a new password."""
    return settings.SITE_URL + reverse(
        "habilitations:mot_de_passe_nouveau",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(utilisateur.pk)),
            "token": default_token_generator.make_token(utilisateur),
        },
    )


def lien_reinitialisation_envoyer(*, utilisateur_id: int) -> bool:
    """E-mails the reset link; False when the account can no longer use one (deactivated,
    or without a password since). A mail server failure raises: the task retries."""
    utilisateur = Utilisateur.objects.filter(pk=utilisateur_id, is_active=True).first()
    if utilisateur is None or not utilisateur.has_usable_password():
        return False
    with translation.override(utilisateur.langue):
        contexte = {"lien": lien_reinitialisation(utilisateur), "portail": settings.PORTAIL_NOM}
        sujet = render_to_string("habilitations/emails/reinitialisation_subject.txt", contexte)
        corps = render_to_string("habilitations/emails/reinitialisation_body.txt", contexte)
    EmailMessage(subject=" ".join(sujet.split()), body=corps, to=[utilisateur.email]).send()
    return True
