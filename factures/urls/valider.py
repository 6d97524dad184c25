"""Factures à valider: titulaires and mandataires validate (under /factures-a-valider/)."""

from django.urls import path

from factures.views.valider import facture, suivi

FACTURE = "factures-a-valider/<int:pk>/"

urlpatterns = [
    path("factures-a-valider/", suivi.synthese, name="valider_synthese"),
    path("factures-a-valider/rechercher/", suivi.rechercher, name="valider_rechercher"),
    path("factures-a-valider/rechercher/export/", suivi.exporter, name="valider_export"),
    path(
        "factures-a-valider/tableau-de-bord/", suivi.tableau_de_bord, name="valider_tableau_de_bord"
    ),
    path("factures-a-valider/archives/", suivi.archives, name="valider_archives"),
    path(FACTURE, facture.detail, name="valider_detail"),
    path(f"{FACTURE}repondre/", facture.decider, name="valider_decider"),
    path(f"{FACTURE}fichier/", facture.telecharger_original, name="valider_original"),
    path(f"{FACTURE}rendu/", facture.telecharger_rendu, name="valider_rendu"),
    path(
        f"{FACTURE}pieces-jointes/<int:piece_pk>/",
        facture.telecharger_piece_jointe,
        name="valider_piece_jointe",
    ),
]
