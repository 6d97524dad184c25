"""Attachments of a sollicitation: the invoices' rules (domain §5), through the documents core.

Each file ≤ DOCUMENT_TAILLE_MAX (10 Mo), a name ≤ 50 characters with an allowed extension,
content matching the name; all the request's files together ≤ DOCUMENTS_TAILLE_TOTALE_MAX
(120 Mo). Every file of a batch is checked before any is stored: one bad file refuses the
whole batch, with its name in the message, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Sum
from django.utils.translation import gettext as _

from chorus import documents
from sollicitations.models import Message, PieceJointeSollicitation, Sollicitation

TYPES_AUTORISES = documents.EXTENSIONS_AUTORISEES
NOMBRE_MAX_PAR_ENVOI = 10


def verifier(sollicitation: Sollicitation | None, fichiers: Sequence[UploadedFile]) -> None:
    """Checks a batch; raises `ValidationError` keyed on `fichiers`."""
    if not fichiers:
        return
    if len(fichiers) > NOMBRE_MAX_PAR_ENVOI:
        raise ValidationError(
            {
                "fichiers": _("Joignez au plus %(max)s fichiers à la fois.")
                % {"max": NOMBRE_MAX_PAR_ENVOI}
            }
        )
    tailles = []
    for fichier in fichiers:
        try:
            extension = documents.verifier_nom(fichier.name or "", TYPES_AUTORISES)
            data, _empreinte = documents.lire(fichier)
            documents.verifier_contenu(data, extension, TYPES_AUTORISES)
        except documents.DocumentRefuse as erreur:
            raise ValidationError(
                {
                    "fichiers": _("« %(nom)s » : %(raison)s")
                    % {"nom": fichier.name, "raison": " ".join(erreur.messages)}
                }
            ) from erreur
        tailles.append(len(data))
    deja = 0
    if sollicitation is not None and sollicitation.pk:
        deja = (
            PieceJointeSollicitation.objects.filter(sollicitation=sollicitation).aggregate(
                total=Sum("document__taille")
            )["total"]
            or 0
        )
    try:
        documents.verifier_taille_totale([deja, *tailles])
    except documents.DocumentRefuse as erreur:
        raise ValidationError({"fichiers": erreur.messages}) from erreur


def enregistrer(
    sollicitation: Sollicitation,
    fichiers: Sequence[UploadedFile],
    *,
    acteur,
    message: Message | None = None,
) -> list[PieceJointeSollicitation]:
    """Checks, then stores the batch (call inside the service's transaction)."""
    verifier(sollicitation, fichiers)
    utilisateur = acteur if getattr(acteur, "is_authenticated", False) else None
    pieces = []
    for fichier in fichiers:
        document = documents.enregistrer(
            fichier, types_autorises=TYPES_AUTORISES, depose_par=utilisateur
        )
        pieces.append(
            PieceJointeSollicitation.objects.create(
                sollicitation=sollicitation,
                message=message,
                document=document,
                ajoutee_par=utilisateur,
            )
        )
    return pieces
