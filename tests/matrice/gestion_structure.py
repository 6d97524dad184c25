"""Rows of the access matrix for a structure's management pages (under /organisation/).

Reading needs *Organisation* on the structure; changing needs a gestionnaire (GP or
*Organisation – modification*): the user in consultation gets 403, strangers 404.
"""

from django.urls import reverse

from tests.matrice.monde import PERSONAS
from tests.structures.factories_gestion import (
    CoordonneeBancaireFactory,
    PieceJointeStructureFactory,
)

LECTURE = {
    "anonyme": 302,
    "consultation": 200,
    "modification": 200,
    "gp": 200,
    "autre": 404,
    "support": 404,
}
ECRITURE = {**LECTURE, "consultation": 403}
assert set(LECTURE) == set(PERSONAS)


def lignes(monde):
    entite, service = monde.entite, monde.service
    coordonnee = CoordonneeBancaireFactory(structure=entite)
    piece = PieceJointeStructureFactory(structure=entite)

    def url(nom, *args):
        return reverse(f"structures:{nom}", args=[entite.pk, *args])

    return {
        "structures:organisation": (
            reverse("structures:organisation"),
            {**LECTURE, "autre": 200},
        ),
        "structures:structure": (url("structure"), LECTURE),
        "structures:structure_modifier": (url("structure_modifier"), ECRITURE),
        "structures:espaces": (url("espaces"), LECTURE),
        "structures:services": (url("services"), LECTURE),
        "structures:service_creer": (url("service_creer"), ECRITURE),
        "structures:service_modifier": (url("service_modifier", service.pk), ECRITURE),
        "structures:service_statut": (url("service_statut", service.pk), ECRITURE),
        "structures:coordonnees": (url("coordonnees"), LECTURE),
        "structures:coordonnee_creer": (url("coordonnee_creer"), ECRITURE),
        "structures:coordonnee_modifier": (url("coordonnee_modifier", coordonnee.pk), ECRITURE),
        "structures:coordonnee_desactiver": (
            url("coordonnee_desactiver", coordonnee.pk),
            ECRITURE,
        ),
        "structures:coordonnee_rib": (url("coordonnee_rib", coordonnee.pk), LECTURE),
        "structures:pieces_jointes": (url("pieces_jointes"), LECTURE),
        "structures:piece_jointe_telecharger": (
            url("piece_jointe_telecharger", piece.pk),
            LECTURE,
        ),
        "structures:piece_jointe_supprimer": (url("piece_jointe_supprimer", piece.pk), ECRITURE),
    }
