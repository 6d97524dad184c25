"""A structure managed by its gestionnaires (under /organisation/)."""

from django.urls import path

from structures.views import gestion as views

STRUCTURE = "organisation/structures/<int:pk>/"

urlpatterns = [
    path("organisation/", views.organisation, name="organisation"),
    path(STRUCTURE, views.structure, name="structure"),
    path(f"{STRUCTURE}modifier/", views.structure_modifier, name="structure_modifier"),
    path(f"{STRUCTURE}espaces/", views.espaces, name="espaces"),
    path(f"{STRUCTURE}services/", views.services_liste, name="services"),
    path(f"{STRUCTURE}services/creer/", views.service_creer, name="service_creer"),
    path(
        f"{STRUCTURE}services/<int:service_pk>/modifier/",
        views.service_modifier,
        name="service_modifier",
    ),
    path(
        f"{STRUCTURE}services/<int:service_pk>/statut/",
        views.service_statut,
        name="service_statut",
    ),
    path(f"{STRUCTURE}coordonnees-bancaires/", views.coordonnees, name="coordonnees"),
    path(
        f"{STRUCTURE}coordonnees-bancaires/creer/",
        views.coordonnee_creer,
        name="coordonnee_creer",
    ),
    path(
        f"{STRUCTURE}coordonnees-bancaires/<int:coordonnee_pk>/modifier/",
        views.coordonnee_modifier,
        name="coordonnee_modifier",
    ),
    path(
        f"{STRUCTURE}coordonnees-bancaires/<int:coordonnee_pk>/desactiver/",
        views.coordonnee_desactiver,
        name="coordonnee_desactiver",
    ),
    path(
        f"{STRUCTURE}coordonnees-bancaires/<int:coordonnee_pk>/rib/",
        views.coordonnee_rib,
        name="coordonnee_rib",
    ),
    path(f"{STRUCTURE}pieces-jointes/", views.pieces_jointes, name="pieces_jointes"),
    path(
        f"{STRUCTURE}pieces-jointes/<int:piece_pk>/",
        views.piece_jointe_telecharger,
        name="piece_jointe_telecharger",
    ),
    path(
        f"{STRUCTURE}pieces-jointes/<int:piece_pk>/supprimer/",
        views.piece_jointe_supprimer,
        name="piece_jointe_supprimer",
    ),
]
