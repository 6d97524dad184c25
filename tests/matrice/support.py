"""Rows of the access matrix for this area: requests to support, the support desk and the
change of SIRET (see tests/matrice/__init__.py)."""

from django.urls import reverse

from structures.enums import TypeDemandeStructure
from structures.models import DemandeStructure
from tests.matrice.monde import PERSONAS, connectes


def _seulement(persona, statut=200, sinon=404):
    """`statut` for one persona, `sinon` for the other signed-in ones."""
    return {p: 302 if p == "anonyme" else statut if p == persona else sinon for p in PERSONAS}


def _gestion(monde_statuts):
    return {"anonyme": 302, **monde_statuts}


def lignes(monde):
    entite = monde.entite.pk
    demande = DemandeStructure.objects.create(
        type_demande=TypeDemandeStructure.CREATION_STRUCTURE_PUBLIQUE,
        demandeur=monde.utilisateurs["modification"],
        donnees={
            "type_identifiant": "SIRET",
            "identifiant": "73282932000074",
            "raison_sociale": "Commune de Test",
        },
    )
    # On the entity: its gestionnaires may act, a consultation user is told no (403), a
    # stranger or a support agent does not see it (404).
    sur_l_entite = _gestion(
        {"consultation": 403, "modification": 200, "gp": 200, "autre": 404, "support": 404}
    )
    return {
        "structures:support": (reverse("structures:support"), _seulement("support")),
        "structures:support_demande": (
            reverse("structures:support_demande", args=[demande.pk]),
            _seulement("support"),
        ),
        "structures:support_demande_traiter": (
            reverse("structures:support_demande_traiter", args=[demande.pk]),
            connectes(405),
        ),
        "structures:mes_demandes": (reverse("structures:mes_demandes"), connectes(200)),
        "structures:demande_creation_structure": (
            reverse("structures:demande_creation_structure"),
            connectes(200),
        ),
        "structures:demande_annuler": (
            reverse("structures:demande_annuler", args=[demande.pk]),
            _seulement("modification"),
        ),
        "structures:demande_desactivation": (
            reverse("structures:demande_desactivation", args=[entite]),
            sur_l_entite,
        ),
        # The entity's GP is active: nobody attached may ask for a reassignment.
        "structures:demande_reaffectation_gp": (
            reverse("structures:demande_reaffectation_gp", args=[entite]),
            _gestion(
                {"consultation": 403, "modification": 403, "gp": 403, "autre": 404, "support": 404}
            ),
        ),
        "structures:changement_siret": (
            reverse("structures:changement_siret", args=[entite]),
            sur_l_entite,
        ),
    }
