"""Attachments of an invoice (domain §5): uploaded through the documents core (≤ 10 Mo each,
a name of ≤ 50 characters with an allowed extension, content matching the name), or reused
from the structure's attachments; the invoice and all its attachments ≤ 120 Mo.

Attachments are added to a draft, or to a suspended invoice when the supplier completes it
(`retours.facture_completer`). A removed attachment's file goes too, unless something else
still uses it (a structure attachment reused here).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils.translation import gettext as _

from chorus import documents
from chorus.models import Document
from factures.enums import StatutFacture
from factures.models import Facture, PieceJointeFacture
from factures.services.fichiers import nettoyer_si_echec
from factures.services.saisie import exiger_fournisseur
from structures.models import PieceJointeStructure

TYPES = documents.EXTENSIONS_AUTORISEES
STATUTS_PERMIS = (StatutFacture.BROUILLON,)


def taille_totale(facture: Facture) -> int:
    """Bytes of the invoice's files: deposited file, signature and attachments."""
    pieces = facture.pieces_jointes.aggregate(t=Sum("document__taille"))["t"] or 0
    fichiers = Document.objects.filter(
        pk__in=[d for d in (facture.document_original_id, facture.document_signature_id) if d]
    ).aggregate(t=Sum("taille"))["t"]
    return pieces + (fichiers or 0)


def _verifier_statut(facture: Facture, statuts) -> None:
    if facture.statut not in statuts:
        raise ValidationError(
            _("On ne peut plus ajouter de pièce jointe à cette facture (statut : %(statut)s).")
            % {"statut": facture.get_statut_display()},
            code="statut",
        )


def enregistrer_piece(
    *, facture: Facture, acting_user, fichier: UploadedFile, libelle: str = "", stockes
) -> PieceJointeFacture:
    """Stores one uploaded file and attaches it, inside the caller's transaction; the stored
    file is recorded in `stockes` (see factures.services.fichiers) so that a failure removes it.
    Raises DocumentRefuse."""
    documents.verifier_taille_totale([taille_totale(facture), fichier.size or 0])
    document = stockes.ajouter(
        documents.enregistrer(fichier, types_autorises=TYPES, depose_par=acting_user)
    )
    return PieceJointeFacture.objects.create(
        facture=facture,
        document=document,
        libelle=libelle or document.nom,
        ajoutee_par=acting_user,
    )


def piece_jointe_ajouter(
    *,
    facture: Facture,
    acting_user,
    fichier: UploadedFile,
    libelle: str = "",
    statuts=STATUTS_PERMIS,
) -> PieceJointeFacture:
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    with nettoyer_si_echec() as stockes, transaction.atomic():
        facture = Facture.objects.select_for_update().get(pk=facture.pk)
        _verifier_statut(facture, statuts)
        try:
            return enregistrer_piece(
                facture=facture,
                acting_user=acting_user,
                fichier=fichier,
                libelle=libelle,
                stockes=stockes,
            )
        except documents.DocumentRefuse as refus:
            raise ValidationError({"fichier": refus.messages}) from refus


@transaction.atomic
def piece_jointe_reutiliser(
    *,
    facture: Facture,
    acting_user,
    piece_structure: PieceJointeStructure,
    statuts=STATUTS_PERMIS,
) -> PieceJointeFacture:
    """Attaches one of the supplier structure's reusable documents (the same stored file)."""
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    facture = Facture.objects.select_for_update().get(pk=facture.pk)
    _verifier_statut(facture, statuts)
    if piece_structure.structure_id != facture.fournisseur_id:
        raise ValidationError(
            {"piece_structure": _("Cette pièce jointe n'est pas celle de votre structure.")}
        )
    if facture.pieces_jointes.filter(document_id=piece_structure.document_id).exists():
        raise ValidationError(
            {"piece_structure": _("Cette pièce jointe est déjà jointe à la facture.")}
        )
    try:
        documents.verifier_taille_totale([taille_totale(facture), piece_structure.document.taille])
    except documents.DocumentRefuse as refus:
        raise ValidationError({"piece_structure": refus.messages}) from refus
    return PieceJointeFacture.objects.create(
        facture=facture,
        document=piece_structure.document,
        libelle=piece_structure.libelle,
        ajoutee_par=acting_user,
    )


@transaction.atomic
def piece_jointe_retirer(*, piece: PieceJointeFacture, acting_user) -> None:
    facture = piece.facture
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    facture = Facture.objects.select_for_update().get(pk=facture.pk)
    _verifier_statut(facture, STATUTS_PERMIS)
    document = piece.document
    piece.delete()
    try:
        with transaction.atomic():
            document.delete()
    except ProtectedError:  # still used (a structure attachment, another invoice)
        return
    fichier = document.fichier
    transaction.on_commit(lambda: fichier.storage.delete(fichier.name))
