"""Rows of the access matrix for Mon compte (see tests/matrice/__init__.py).

Every page is about the signed-in user himself: another user's object is a 404.
"""

from django.urls import reverse

from habilitations.enums import Application, Niveau
from habilitations.models import DemandeHabilitation, Rattachement
from tests.matrice.monde import PERSONAS, connectes, partout


def _seulement(personas, statut, autres):
    """`statut` for `personas`, `autres` for the other signed-in ones, 302 when anonymous."""
    return {p: 302 if p == "anonyme" else (statut if p in personas else autres) for p in PERSONAS}


def lignes(monde):
    consultation = monde.utilisateurs["consultation"]
    rattachement = Rattachement.objects.get(utilisateur=consultation, structure=monde.entite)
    demande = DemandeHabilitation.objects.create(
        utilisateur=consultation,
        structure=monde.entite,
        application=Application.FACTURES_RECUES,
        niveau=Niveau.MODIFICATION,
    )
    return {
        "habilitations:compte_modifier": (reverse("habilitations:compte_modifier"), connectes(200)),
        "habilitations:double_authentification": (
            reverse("habilitations:double_authentification"),
            connectes(200),
        ),
        # Nothing to switch off without an active device: back to the set-up page.
        "habilitations:double_authentification_desactiver": (
            reverse("habilitations:double_authentification_desactiver"),
            connectes(302),
        ),
        # Without a pending sign-in, everyone is sent away (to sign in, or home).
        "habilitations:connexion_verification": (
            reverse("habilitations:connexion_verification"),
            partout(302),
        ),
        "habilitations:mes_rattachements": (
            reverse("habilitations:mes_rattachements"),
            connectes(200),
        ),
        "habilitations:compte_rattachement_demander": (
            reverse("habilitations:compte_rattachement_demander", args=[monde.autre_structure.pk])
            + f"?identifiant={monde.autre_structure.identifiant}",
            connectes(200),
        ),
        "habilitations:compte_rattachement_annuler": (
            reverse("habilitations:compte_rattachement_annuler", args=[rattachement.pk]),
            connectes(405),
        ),
        "habilitations:compte_rattachement_detacher": (
            reverse("habilitations:compte_rattachement_detacher", args=[rattachement.pk]),
            _seulement({"consultation"}, 200, 404),
        ),
        "habilitations:mes_habilitations": (
            reverse("habilitations:mes_habilitations"),
            connectes(200),
        ),
        "habilitations:mes_habilitations_csv": (
            reverse("habilitations:mes_habilitations_csv"),
            connectes(200),
        ),
        "habilitations:mes_abonnements": (reverse("habilitations:mes_abonnements"), connectes(200)),
        "habilitations:compte_abonnement_demander": (
            reverse("habilitations:compte_abonnement_demander", args=[monde.entite.pk]),
            _seulement({"consultation", "modification", "gp"}, 200, 404),
        ),
        "habilitations:compte_abonnement_annuler": (
            reverse("habilitations:compte_abonnement_annuler", args=[demande.pk]),
            connectes(405),
        ),
        "habilitations:compte_desactiver": (
            reverse("habilitations:compte_desactiver"),
            connectes(200),
        ),
    }
