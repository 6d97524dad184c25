"""Business situations of the users-and-approvals pages (a structure's users, requests)."""

from datetime import timedelta

from django.utils import timezone

from habilitations.enums import Application, Niveau
from habilitations.models import DemandeHabilitation, Habilitation, Rattachement
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory


def structure_et_gp(**traits):
    """A structure with one service and its GP."""
    structure = StructureFactory(**traits)
    service = ServiceFactory(structure=structure)
    gp = UtilisateurFactory(gestionnaire_de=structure)
    return structure, service, gp


def rattache(structure, service=None, **champs) -> object:
    """A user with an active attachment (to the structure, or to `service`)."""
    utilisateur = UtilisateurFactory(**champs)
    Rattachement.objects.create(
        utilisateur=utilisateur, structure=structure, service=service, statut="ACTIF"
    )
    return utilisateur


def habiliter(utilisateur, structure, application, niveau, service=None):
    return Habilitation.objects.create(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        application=application,
        niveau=niveau,
    )


def gestionnaire(structure):
    """An attached user holding *Organisation – modification* (not the GP)."""
    utilisateur = rattache(structure)
    habiliter(utilisateur, structure, Application.ORGANISATION, Niveau.MODIFICATION)
    return utilisateur


def consultant(structure):
    """An attached user holding *Organisation – consultation* only."""
    utilisateur = rattache(structure)
    habiliter(utilisateur, structure, Application.ORGANISATION, Niveau.CONSULTATION)
    return utilisateur


def demande_rattachement(structure, service=None, *, il_y_a=None, statut="EN_ATTENTE", **champs):
    """An attachment request of a new user (`champs` describe him)."""
    utilisateur = UtilisateurFactory(**champs)
    return Rattachement.objects.create(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        statut=statut,
        commentaire="Je travaille à la comptabilité.",
        demande_le=timezone.now() - (il_y_a or timedelta()),
    )


def demande_habilitation(
    structure,
    utilisateur=None,
    *,
    application=Application.FACTURES_EMISES,
    niveau=Niveau.MODIFICATION,
    service=None,
    il_y_a=None,
):
    utilisateur = utilisateur or rattache(structure)
    return DemandeHabilitation.objects.create(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        application=application,
        niveau=niveau,
        commentaire="Pour suivre nos factures.",
        demandee_le=timezone.now() - (il_y_a or timedelta()),
    )
