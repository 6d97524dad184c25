"""Requests handled by support agents (the desk under /support/, the requester's pages under
/organisation/demandes-au-support/) and the change of SIRET of a structure."""

from django.urls import path

from structures.views import support as views

urlpatterns = [
    path("support/", views.desk, name="support"),
    path("support/demandes/<int:pk>/", views.support_demande, name="support_demande"),
    path(
        "support/demandes/<int:pk>/traiter/",
        views.support_demande_traiter,
        name="support_demande_traiter",
    ),
    path("organisation/demandes-au-support/", views.mes_demandes, name="mes_demandes"),
    path(
        "organisation/demandes-au-support/creation-structure/",
        views.demande_creation_structure,
        name="demande_creation_structure",
    ),
    path(
        "organisation/demandes-au-support/<int:pk>/annuler/",
        views.demande_annuler,
        name="demande_annuler",
    ),
    path(
        "organisation/structures/<int:pk>/demande-desactivation/",
        views.demande_desactivation,
        name="demande_desactivation",
    ),
    path(
        "organisation/structures/<int:pk>/demande-reaffectation-gp/",
        views.demande_reaffectation_gp,
        name="demande_reaffectation_gp",
    ),
    path(
        "organisation/structures/<int:pk>/changement-siret/",
        views.changement_siret,
        name="changement_siret",
    ),
]
