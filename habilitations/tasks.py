"""E-mails sent to one address about an account (its activation link, its password-reset
link): written and sent by the worker, so that a mail server down delays them, retried with
a growing delay, instead of failing or slowing the request that asked for them."""

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
