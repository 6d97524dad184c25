"""The password-reset e-mail (« Mot de passe oublié »), sent by the worker.

The rules, in words:
- The page never tells whether an account has the address; an active account with a
  password gets a link valid PASSWORD_RESET_TIMEOUT (an hour), which stops working once used
  or once the password changes.
- The link is made when the e-mail is written, in the account's language, on the portal's
  public address (SITE_URL): nothing secret waits in the broker, only the account's id.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator

from habilitations.models import Utilisateur
from habilitations.services import liens


def lien_reinitialisation(utilisateur: Utilisateur) -> str:
    """The absolute address where `utilisateur` chooses a new password."""
    return liens.lien_a_jeton(
        "habilitations:mot_de_passe_nouveau", utilisateur, default_token_generator
    )


def lien_reinitialisation_envoyer(*, utilisateur_id: int) -> bool:
    """E-mails the reset link; False when the account can no longer use one (deactivated,
    or without a password since). A mail server failure raises: the task retries."""
    utilisateur = Utilisateur.objects.filter(pk=utilisateur_id, is_active=True).first()
    if utilisateur is None or not utilisateur.has_usable_password():
        return False
    liens.courriel_envoyer(
        utilisateur,
        "habilitations/emails/reinitialisation",
        lambda: {"lien": lien_reinitialisation(utilisateur)},
    )
    return True
