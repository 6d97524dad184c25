"""Factures reçues: the recipient processes invoices (under /factures-recues/)."""

from django.urls import path

from factures.views.recues import facture, lot, suivi

FACTURE = "factures-recues/<int:pk>/"

urlpatterns = [
    path("factures-recues/", suivi.synthese, name="recues_synthese"),
    path("factures-recues/rechercher/", suivi.rechercher, name="recues_rechercher"),
    path("factures-recues/rechercher/export/", suivi.exporter, name="recues_export"),
    path("factures-recues/tableau-de-bord/", suivi.tableau_de_bord, name="recues_tableau_de_bord"),
    path("factures-recues/archives/", suivi.archives, name="recues_archives"),
    path("factures-recues/traitement-par-lot/", lot.lot, name="recues_lot"),
    path("factures-recues/traitement-par-lot/rapport/", lot.lot_rapport, name="recues_lot_rapport"),
    path(FACTURE, facture.detail, name="recues_detail"),
    path(f"{FACTURE}traiter/", facture.traiter, name="recues_traiter"),
    path(f"{FACTURE}fichier/", facture.telecharger_original, name="recues_original"),
    path(f"{FACTURE}rendu/", facture.telecharger_rendu, name="recues_rendu"),
    path(
        f"{FACTURE}pieces-jointes/<int:piece_pk>/",
        facture.telecharger_piece_jointe,
        name="recues_piece_jointe",
    ),
]
