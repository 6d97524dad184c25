"""The worker's tasks about accounts.

- E-mails sent to one address (the activation link, the password-reset link) are written and
  sent here, so that a mail server down delays them, retried with a growing delay, instead of
  failing or slowing the request that asked for them.
- Sign-ups never activated are erased once a day (beat), freeing their address and identifier.
"""

from celery import shared_task

from chorus.tasks import RETRY


@shared_task(acks_late=True, **RETRY)
def envoyer_lien_activation(utilisateur_id: int) -> bool:
    from habilitations.services.inscription import lien_activation_envoyer

    return lien_activation_envoyer(utilisateur_id=utilisateur_id)


@shared_task(acks_late=True, **RETRY)
def envoyer_lien_reinitialisation(utilisateur_id: int) -> bool:
    from habilitations.services.reinitialisation import lien_reinitialisation_envoyer

    return lien_reinitialisation_envoyer(utilisateur_id=utilisateur_id)


@shared_task(acks_late=True)
def effacer_inscriptions_abandonnees() -> int:
    from habilitations.services.inscription import inscriptions_abandonnees_effacer

    return inscriptions_abandonnees_effacer()
