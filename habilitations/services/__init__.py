"""Every write of the habilitations app: plain functions, one transaction each."""

from django.db import transaction

from habilitations import acces
from habilitations.circuits import RATTACHEMENT
from habilitations.enums import APPLICATIONS_PAR_DEFAUT, ActionRattachement, Niveau
from habilitations.models import Habilitation, Rattachement, Utilisateur


@transaction.atomic
def habilitations_par_defaut_accorder(*, utilisateur: Utilisateur, structure, service=None):
    """Gives an attached user the default spaces of domain §1, in modification."""
    for application in APPLICATIONS_PAR_DEFAUT:
        Habilitation.objects.get_or_create(
            utilisateur=utilisateur,
            structure=structure,
            service=service,
            application=application,
            defaults={"niveau": Niveau.MODIFICATION},
        )
    acces.oublier_droits(utilisateur)


@transaction.atomic
def rattachement_demander(
    *, utilisateur: Utilisateur, structure, service=None, commentaire: str = ""
) -> Rattachement:
    return Rattachement.objects.create(
        utilisateur=utilisateur, structure=structure, service=service, commentaire=commentaire
    )


@transaction.atomic
def rattachement_approuver(
    *, rattachement: Rattachement, acting_user: Utilisateur, motif: str = ""
):
    ligne = RATTACHEMENT.appliquer(
        rattachement, action=ActionRattachement.APPROUVER, acteur=acting_user, motif=motif
    )
    habilitations_par_defaut_accorder(
        utilisateur=rattachement.utilisateur,
        structure=rattachement.structure,
        service=rattachement.service,
    )
    return ligne


@transaction.atomic
def rattachement_refuser(*, rattachement: Rattachement, acting_user: Utilisateur, motif: str):
    return RATTACHEMENT.appliquer(
        rattachement, action=ActionRattachement.REFUSER, acteur=acting_user, motif=motif
    )


def langue_choisir(*, utilisateur: Utilisateur, langue: str) -> None:
    """Remembers the interface language on the account (applied again at each sign-in)."""
    if utilisateur.langue != langue:
        utilisateur.langue = langue
        utilisateur.save(update_fields=["langue"])


def mot_de_passe_modifie_notifier(*, utilisateur: Utilisateur) -> None:
    """Tells the user his password changed: a security message, sent whatever his opt-in."""
    from django.urls import reverse

    from chorus import notifications

    notifications.emettre(
        type="compte.mot_de_passe_modifie",
        destinataires=[utilisateur],
        lien=reverse("habilitations:mot_de_passe_oublie"),
        ignorer_preferences=True,
    )
