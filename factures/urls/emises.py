"""Factures émises: deposit, saisie, follow-up (under /factures-emises/)."""

from django.urls import path

from factures.views.emises import facture, suivi

FACTURE = "factures-emises/<int:pk>/"

urlpatterns = [
    path("factures-emises/", suivi.synthese, name="emises_synthese"),
    path("factures-emises/rechercher/", suivi.rechercher, name="emises_rechercher"),
    path("factures-emises/rechercher/export/", suivi.exporter, name="emises_export"),
    path("factures-emises/tableau-de-bord/", suivi.tableau_de_bord, name="emises_tableau_de_bord"),
    path("factures-emises/archives/", suivi.archives, name="emises_archives"),
    path(FACTURE, facture.detail, name="emises_detail"),
    path(f"{FACTURE}controles/", facture.controles, name="emises_controles"),
    path(f"{FACTURE}fichier/", facture.telecharger_original, name="emises_original"),
    path(f"{FACTURE}signature/", facture.telecharger_signature, name="emises_signature"),
    path(f"{FACTURE}rendu/", facture.telecharger_rendu, name="emises_rendu"),
    path(f"{FACTURE}certificat/", facture.telecharger_certificat, name="emises_certificat"),
    path(
        f"{FACTURE}pieces-jointes/<int:piece_pk>/",
        facture.telecharger_piece_jointe,
        name="emises_piece_jointe",
    ),
]
