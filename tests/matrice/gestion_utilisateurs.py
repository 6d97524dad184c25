"""Rows of the access matrix for this area (see tests/matrice/__init__.py): a structure's
users, their habilitations, the Approbations queue and the GP transfer.

Order of the checks, the same on every URL of the area: sign-in (302 for a visitor) → a
structure where the persona holds no *Organisation* right is a 404 → a page that changes
something needs a gestionnaire (GP or *Organisation – modification*), else 403 → only then the
HTTP method: a POST-only URL fetched with GET answers 405 to those who may use it, and
404/403 to the others (existence and rights are never revealed by the method check).
Transferring the GP role is for the GP alone: 403 for *Organisation – modification* too.
"""

from django.urls import reverse

from habilitations.models import DemandeHabilitation, Rattachement
from tests.habilitations.factories import UtilisateurFactory


def _ligne(url, consultation, modification, gp):
    return (
        url,
        {
            "anonyme": 302,
            "consultation": consultation,
            "modification": modification,
            "gp": gp,
            "autre": 404,
            "support": 404,
        },
    )


def lignes(monde):
    entite = monde.entite
    # Pending requests, so that the queue shows rows of both kinds.
    demandeur = UtilisateurFactory()
    Rattachement.objects.create(
        utilisateur=demandeur, structure=entite, service=monde.service, commentaire="Bonjour"
    )
    DemandeHabilitation.objects.create(
        utilisateur=monde.utilisateurs["consultation"],
        structure=entite,
        application="FACTURES_RECUES",
        niveau="MODIFICATION",
    )
    cible = monde.utilisateurs["consultation"].pk

    def url(nom, *args):
        return reverse(f"habilitations:{nom}", args=[entite.pk, *args])

    return {
        "habilitations:approbations": _ligne(url("approbations"), 200, 200, 200),
        "habilitations:approbation_traiter": _ligne(url("approbation_traiter"), 403, 405, 405),
        "habilitations:utilisateurs": _ligne(url("utilisateurs"), 200, 200, 200),
        "habilitations:utilisateurs_csv": _ligne(url("utilisateurs_csv"), 200, 200, 200),
        "habilitations:utilisateur_rattacher": _ligne(url("utilisateur_rattacher"), 403, 200, 200),
        "habilitations:utilisateur": _ligne(url("utilisateur", cible), 200, 200, 200),
        "habilitations:utilisateur_habilitations": _ligne(
            url("utilisateur_habilitations", cible), 403, 200, 200
        ),
        "habilitations:utilisateur_copier_droits": _ligne(
            url("utilisateur_copier_droits", cible), 403, 200, 200
        ),
        "habilitations:utilisateur_detacher": _ligne(
            url("utilisateur_detacher", cible), 403, 200, 200
        ),
        "habilitations:transferer_gp": _ligne(url("transferer_gp"), 403, 403, 200),
    }
