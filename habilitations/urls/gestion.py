"""Users, habilitations and approvals of a structure (under /organisation/)."""

from django.urls import path

from habilitations.views import gestion as views

STRUCTURE = "organisation/structures/<int:pk>/"
UTILISATEUR = STRUCTURE + "utilisateurs/<int:utilisateur_pk>/"

urlpatterns = [
    path(STRUCTURE + "approbations/", views.approbations, name="approbations"),
    path(
        STRUCTURE + "approbations/traiter/",
        views.approbation_traiter,
        name="approbation_traiter",
    ),
    path(STRUCTURE + "utilisateurs/", views.utilisateurs, name="utilisateurs"),
    path(STRUCTURE + "utilisateurs/export.csv", views.utilisateurs_csv, name="utilisateurs_csv"),
    path(
        STRUCTURE + "utilisateurs/rattacher/",
        views.utilisateur_rattacher,
        name="utilisateur_rattacher",
    ),
    path(UTILISATEUR, views.utilisateur, name="utilisateur"),
    path(
        UTILISATEUR + "habilitations/",
        views.utilisateur_habilitations,
        name="utilisateur_habilitations",
    ),
    path(
        UTILISATEUR + "copier-droits/",
        views.utilisateur_copier_droits,
        name="utilisateur_copier_droits",
    ),
    path(UTILISATEUR + "detacher/", views.utilisateur_detacher, name="utilisateur_detacher"),
    path(
        STRUCTURE + "transferer-gestionnaire-principal/", views.transferer_gp, name="transferer_gp"
    ),
]
