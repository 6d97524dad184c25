"""Rows of the access matrix for the public directory: open to everyone, signed in or not.
(A private structure's page is a 404 for everyone: tests/structures/test_annuaire.py.)"""

from django.urls import reverse

from tests.matrice.monde import partout


def lignes(monde):
    return {
        "structures:annuaire": (reverse("structures:annuaire"), partout(200)),
        "structures:annuaire_detail": (
            reverse("structures:annuaire_detail", args=[monde.entite.pk]),
            partout(200),
        ),
    }
