"""Factures émises: deposit, saisie, follow-up (under /factures-emises/)."""

from django.urls import path

from factures.views.emises import depot, envoi, facture, pieces_jointes, retours, saisie, suivi

FACTURE = "factures-emises/<int:pk>/"

urlpatterns = [
    path("factures-emises/", suivi.synthese, name="emises_synthese"),
    path("factures-emises/rechercher/", suivi.rechercher, name="emises_rechercher"),
    path("factures-emises/rechercher/export/", suivi.exporter, name="emises_export"),
    path("factures-emises/tableau-de-bord/", suivi.tableau_de_bord, name="emises_tableau_de_bord"),
    path("factures-emises/archives/", suivi.archives, name="emises_archives"),
    path("factures-emises/saisir/", saisie.saisir, name="emises_saisir"),
    path("factures-emises/deposer/", depot.deposer, name="emises_deposer"),
    path(FACTURE, facture.detail, name="emises_detail"),
    path(f"{FACTURE}modifier/", saisie.modifier, name="emises_modifier"),
    path(f"{FACTURE}totaux/", saisie.totaux, name="emises_totaux"),
    path(f"{FACTURE}destinataire/", saisie.destinataire, name="emises_destinataire"),
    path(f"{FACTURE}supprimer/", saisie.supprimer, name="emises_supprimer"),
    path(f"{FACTURE}envoyer/", envoi.envoyer, name="emises_envoyer"),
    path(f"{FACTURE}completer/", retours.completer, name="emises_completer"),
    path(f"{FACTURE}recycler/", retours.recycler, name="emises_recycler"),
    path(
        f"{FACTURE}corriger-valideur/",
        retours.corriger_valideur,
        name="emises_corriger_valideur",
    ),
    path(
        f"{FACTURE}pieces-jointes/ajouter/",
        pieces_jointes.ajouter,
        name="emises_piece_jointe_ajouter",
    ),
    path(
        f"{FACTURE}pieces-jointes/reutiliser/",
        pieces_jointes.reutiliser,
        name="emises_piece_jointe_reutiliser",
    ),
    path(
        f"{FACTURE}pieces-jointes/<int:piece_pk>/retirer/",
        pieces_jointes.retirer,
        name="emises_piece_jointe_retirer",
    ),
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
