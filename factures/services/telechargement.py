"""Downloads of an invoice's files by its recipient, recorded: the supplier and the
recipient's colleagues see "téléchargée par le destinataire", and the recipient searches on
it ("déjà téléchargée")."""

from __future__ import annotations

from factures.models import Facture, PieceJointeFacture, Telechargement


def facture_telechargement_enregistrer(
    *,
    facture: Facture,
    utilisateur,
    type_document: str,
    piece_jointe: PieceJointeFacture | None = None,
) -> Telechargement:
    return Telechargement.objects.create(
        facture=facture,
        utilisateur=utilisateur,
        type_document=type_document,
        piece_jointe=piece_jointe,
    )
