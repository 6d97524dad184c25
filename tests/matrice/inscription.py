"""Rows of the access matrix for sign-up and activation (see tests/matrice/__init__.py).

All public: a signed-in user is sent home from the sign-up form; a bogus activation link
gives everyone the same page explaining the link is not valid.
"""

from django.urls import reverse

from tests.matrice.monde import PERSONAS, partout


def lignes(monde):
    return {
        "habilitations:inscription": (
            reverse("habilitations:inscription"),
            {p: 200 if p == "anonyme" else 302 for p in PERSONAS},
        ),
        "habilitations:inscription_envoyee": (
            reverse("habilitations:inscription_envoyee"),
            partout(200),
        ),
        "habilitations:activation": (
            reverse("habilitations:activation", args=["MQ", "jeton-invalide"]),
            partout(200),
        ),
        "habilitations:activation_renvoyer": (
            reverse("habilitations:activation_renvoyer"),
            partout(200),
        ),
    }
