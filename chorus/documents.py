"""Core 3: the one place that accepts files, and the helper that streams them back.

`enregistrer()` is a pipeline of small checks, each usable alone:
  name (length, extension) → size (read in chunks, SHA-256 on the way) → type from the
  content (magic bytes, never the name) → name/content agreement → PDF or XML checks → store.
Every refusal raises `DocumentRefuse` (a `ValidationError`, so forms can show it); nothing is
written before all checks pass, and a failed save removes the stored file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
import pypdf
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from lxml import etree

from chorus.models import Document

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

NOM_LONGUEUR_MAX = 50
TAILLE_MAX_PAR_DEFAUT = 10 * 1024 * 1024
# The domain's list of file extensions a deposit may carry.
_LISTE_DU_DOMAINE = (
    "bmp gif fax odt ppt tiff xls bz2 gz jpeg p7s rtf txt xml csv gzip jpg pdf svg xhtml xlsx "
    "doc htm odp png tgz xlc zip docx html ods pps tif xlm pptx"
)
EXTENSIONS_AUTORISEES = frozenset(_LISTE_DU_DOMAINE.split())

# Canonical type (as detected from the content) -> name extensions that may carry it.
EXTENSIONS_COMPATIBLES: dict[str, frozenset[str]] = {
    cle: frozenset(valeurs.split())
    for cle, valeurs in {
        "pdf": "pdf",
        "png": "png",
        "jpg": "jpg jpeg",
        "gif": "gif",
        "tif": "tif tiff fax",
        "bmp": "bmp",
        "zip": "zip docx xlsx pptx odt ods odp",
        "docx": "docx",
        "xlsx": "xlsx",
        "pptx": "pptx",
        "odt": "odt",
        "ods": "ods",
        "odp": "odp",
        "doc": "doc",
        "xls": "xls xlc xlm",
        "ppt": "ppt pps",
        "gz": "gz gzip tgz",
        "bz2": "bz2",
        "rtf": "rtf",
        "p7s": "p7s",
        "xml": "xml svg xhtml",
        "html": "html htm xhtml",
        "txt": "txt csv",
    }.items()
}

_TAILLE_SONDE = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_HTML = re.compile(rb"\s*(<!doctype\s+html|<html)", re.IGNORECASE)
# DER SEQUENCE, then the OID of PKCS#7 signedData (1.2.840.113549.1.7.2) near the start.
_OID_PKCS7_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")
_CONTROLES_INTERDITS = frozenset(chr(c) for c in range(32)) - set("\t\n\r\f")


class DocumentRefuse(ValidationError):
    """A file the portal will not store; the message is meant for the user."""


@dataclass(frozen=True)
class TypeDetecte:
    mime: str
    extension: str  # canonical, without the dot: "pdf", "jpg", "xml"…

    @property
    def extensions_compatibles(self) -> frozenset[str]:
        return EXTENSIONS_COMPATIBLES.get(self.extension, frozenset())


def detecter_type(data: bytes) -> TypeDetecte | None:
    """Returns the type of `data` read from its content only, or None if it is not recognised."""
    genre = filetype.guess(data) if data else None  # filetype reads the first 8 KiB
    if genre is not None:
        connu = genre.extension in EXTENSIONS_COMPATIBLES
        return TypeDetecte(genre.mime, genre.extension) if connu else None
    debut = data[:_TAILLE_SONDE]
    if debut[:1] == b"\x30" and _OID_PKCS7_SIGNED_DATA in debut[:64]:
        return TypeDetecte("application/pkcs7-signature", "p7s")
    texte = debut.removeprefix(_UTF8_BOM).lstrip()
    if _HTML.match(texte):
        return TypeDetecte("text/html", "html")
    if texte.startswith(b"<"):
        return TypeDetecte("application/xml", "xml")
    if _est_du_texte(debut):
        return TypeDetecte("text/plain", "txt")
    return None


def _est_du_texte(debut: bytes) -> bool:
    """Plain text or CSV: UTF-8 (or Windows-1252, as spreadsheets export it), no control bytes."""
    if not debut or b"\x00" in debut:
        return False
    try:
        texte = codecs.getincrementaldecoder("utf-8-sig")().decode(debut, final=False)
    except UnicodeDecodeError:
        try:
            texte = debut.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return not _CONTROLES_INTERDITS.intersection(texte)


def _libelles(types_autorises: Iterable[str]) -> str:
    return ", ".join(sorted(t.upper() for t in types_autorises))


def _en_mo(octets: int) -> str:
    mo = octets / (1024 * 1024)
    return number_format(mo, 0 if mo.is_integer() else 1)


def taille_max() -> int:
    return getattr(settings, "DOCUMENT_TAILLE_MAX", TAILLE_MAX_PAR_DEFAUT)


def verifier_nom(nom: str, types_autorises: Iterable[str]) -> str:
    """Checks the file name (≤ 50 characters, allowed extension); returns the extension."""
    if len(nom) > NOM_LONGUEUR_MAX:
        raise DocumentRefuse(
            _("Le nom du fichier ne doit pas dépasser %(max)s caractères."),
            code="nom_trop_long",
            params={"max": NOM_LONGUEUR_MAX},
        )
    autorises = EXTENSIONS_AUTORISEES.intersection(types_autorises)
    extension = os.path.splitext(nom)[1].removeprefix(".").lower()
    if extension not in autorises:
        raise DocumentRefuse(
            _("L’extension du fichier n’est pas acceptée. Types acceptés : %(types)s."),
            code="extension",
            params={"types": _libelles(autorises)},
        )
    return extension


def lire(fichier: UploadedFile, *, limite: int | None = None) -> tuple[bytes, str]:
    """Reads the upload in chunks, refusing empty or oversized files; returns (data, sha256).

    `limite` overrides the settings' size limit (e.g. 4 Mo for structure attachments)."""
    limite = taille_max() if limite is None else limite
    empreinte, morceaux, taille = hashlib.sha256(), [], 0
    for morceau in fichier.chunks():
        taille += len(morceau)
        if taille > limite:
            raise DocumentRefuse(
                _("Le fichier dépasse la taille maximale autorisée (%(max)s Mo)."),
                code="trop_gros",
                params={"max": _en_mo(limite)},
            )
        empreinte.update(morceau)
        morceaux.append(morceau)
    if taille == 0:
        raise DocumentRefuse(_("Le fichier est vide."), code="vide")
    return b"".join(morceaux), empreinte.hexdigest()


def verifier_taille_totale(tailles: Iterable[int]) -> None:
    """Refuses a set of files whose sizes add up to more than DOCUMENTS_TAILLE_TOTALE_MAX."""
    limite = settings.DOCUMENTS_TAILLE_TOTALE_MAX
    if sum(tailles) > limite:
        raise DocumentRefuse(
            _("La taille totale des fichiers dépasse la limite autorisée (%(max)s Mo)."),
            code="taille_totale",
            params={"max": _en_mo(limite)},
        )


def verifier_contenu(data: bytes, extension: str, types_autorises: Iterable[str]) -> TypeDetecte:
    """Checks that the content is of an accepted type and agrees with the name's extension."""
    return _verifier_contenu(data, extension, types_autorises)[0]


def _verifier_contenu(
    data: bytes, extension: str, types_autorises: Iterable[str]
) -> tuple[TypeDetecte, etree._ElementTree | None]:
    """`verifier_contenu`, and the XML it parsed (None for another type)."""
    autorises = EXTENSIONS_AUTORISEES.intersection(types_autorises)
    type_ = detecter_type(data)
    if type_ is None or not type_.extensions_compatibles & autorises:
        raise DocumentRefuse(
            _("Le contenu du fichier ne correspond pas à un type accepté (%(types)s)."),
            code="type",
            params={"types": _libelles(autorises)},
        )
    if extension not in type_.extensions_compatibles:
        raise DocumentRefuse(
            _("L’extension « .%(extension)s » ne correspond pas au contenu du fichier (%(type)s)."),
            code="extension_contenu",
            params={"extension": extension, "type": type_.extension.upper()},
        )
    arbre = None
    if type_.extension == "pdf":
        verifier_pdf(data)
    elif type_.extension == "xml":
        arbre = parser_xml(data)
    return type_, arbre


@dataclass(frozen=True)
class ContenuVerifie:
    """Bytes that passed `verifier_nom` and `verifier_contenu` under a name, with the XML tree
    parsed on the way: a caller that must read the file before storing it (invoice detection)
    parses it once, and `enregistrer(..., verifie=…)` does not check it again."""

    nom: str
    sha256: str
    types_autorises: frozenset[str]
    type_: TypeDetecte
    arbre: etree._ElementTree | None = None


def verifier_octets(data: bytes, nom: str, types_autorises: Iterable[str]) -> ContenuVerifie:
    """`verifier_nom` then `verifier_contenu` on bytes already read (size checked by the
    caller, e.g. with `lire`)."""
    autorises = frozenset(types_autorises)
    extension = verifier_nom(nom, autorises)
    type_, arbre = _verifier_contenu(data, extension, autorises)
    return ContenuVerifie(nom, hashlib.sha256(data).hexdigest(), autorises, type_, arbre)


def _parser_sur() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def _refus_doctype() -> DocumentRefuse:
    return DocumentRefuse(
        _("Le fichier XML est refusé : déclaration DOCTYPE refusée pour des raisons de sécurité."),
        code="xml_doctype",
    )


def parser_xml(data: bytes) -> etree._ElementTree:
    """Parses XML with entities, DTDs and network disabled; refuses any DOCTYPE."""
    # Refuse before parsing: libxml2 would still read the internal subset (entity bombs).
    if b"<!DOCTYPE" in data:
        raise _refus_doctype()
    try:
        arbre = etree.parse(io.BytesIO(data), _parser_sur())
    except etree.XMLSyntaxError as erreur:
        raise DocumentRefuse(
            _("Le fichier XML est mal formé (ligne %(ligne)s)."),
            code="xml_mal_forme",
            params={"ligne": erreur.lineno},
        ) from erreur
    # A DOCTYPE in an encoding the byte search cannot see (UTF-16…) is caught here.
    if arbre.docinfo.doctype or arbre.docinfo.internalDTD is not None:
        raise _refus_doctype()
    return arbre


def verifier_pdf(data: bytes) -> None:
    """Refuses encrypted PDFs and broken ones (no %%EOF at the end, unreadable or empty pages)."""
    illisible = DocumentRefuse(
        _("Le PDF est illisible ou endommagé : il ne peut pas être accepté."), code="pdf_illisible"
    )
    if b"%%EOF" not in data[-1024:]:
        raise illisible
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lecteur = pypdf.PdfReader(io.BytesIO(data), strict=False)
            chiffre = lecteur.is_encrypted
            pages = 0 if chiffre else len(lecteur.pages)
    except Exception as erreur:  # pypdf raises many kinds of errors on garbage
        raise illisible from erreur
    if chiffre:
        raise DocumentRefuse(
            _("Le PDF est protégé par un mot de passe : déposez-le sans protection."),
            code="pdf_chiffre",
        )
    if pages == 0:
        raise illisible


def enregistrer(
    fichier: UploadedFile,
    *,
    types_autorises: Iterable[str],
    depose_par: AbstractBaseUser | None,
    taille_max: int | None = None,
    verifie: ContenuVerifie | None = None,
) -> Document:
    """Runs every check, then stores the file and its `Document` row, all or nothing.

    `taille_max` (bytes) overrides the settings' size limit for this kind of document.
    `verifie`: what `verifier_octets` said of this very file (same name, same SHA-256, types
    within those allowed here): its content checks are not run again."""
    types_autorises = frozenset(types_autorises)
    extension = verifier_nom(fichier.name or "", types_autorises)
    data, sha256 = lire(fichier, limite=taille_max)
    if (
        verifie is not None
        and verifie.sha256 == sha256
        and verifie.nom == fichier.name
        and verifie.types_autorises <= types_autorises
    ):
        type_ = verifie.type_
    else:
        type_ = verifier_contenu(data, extension, types_autorises)
    document = Document(
        nom=fichier.name,
        extension=f".{type_.extension}",
        type_mime=type_.mime,
        taille=len(data),
        sha256=sha256,
        depose_par=depose_par,
    )
    # upload_to ignores this name: it builds one from the uuid and the extension.
    document.fichier.save(f"document.{type_.extension}", ContentFile(data), save=False)
    try:
        # No savepoint inside the caller's transaction (two round trips to the database per
        # file): a failed INSERT of a new row is no error to recover from in that transaction.
        with transaction.atomic(savepoint=False):
            document.save()
    except BaseException:
        document.fichier.delete(save=False)
        raise
    return document


def enregistrer_contenu(
    data: bytes,
    *,
    nom: str,
    type_mime: str,
    par: AbstractBaseUser | None = None,
) -> Document:
    """Stores bytes the portal made itself (a rendering, a certificate…) as a `Document`.

    No upload checks: the content is ours, not a user's. The name must carry an extension
    (the stored file keeps it); the SHA-256 is computed here. All or nothing, as `enregistrer`."""
    extension = os.path.splitext(nom)[1].lower()
    if not data:
        raise ValueError("enregistrer_contenu() needs content")
    if not extension or len(extension) > Document._meta.get_field("extension").max_length:
        raise ValueError(f"enregistrer_contenu() needs a name with an extension, not {nom!r}")
    document = Document(
        nom=nom,
        extension=extension,
        type_mime=type_mime,
        taille=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        depose_par=par,
    )
    document.fichier.save(f"document{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        document.fichier.delete(save=False)
        raise
    return document


def supprimer(document: Document) -> None:
    """Deletes a document that nothing references any more: its row, then its file."""
    fichier = document.fichier
    document.delete()
    transaction.on_commit(lambda: fichier.delete(save=False))


def telecharger(request: HttpRequest, document: Document, *, inline: bool = False) -> FileResponse:
    """Streams a stored document. The caller has already checked access to it (core 1)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    reponse = FileResponse(
        document.fichier.open("rb"),
        as_attachment=not inline,
        filename=document.nom,
        content_type=document.type_mime,
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "sandbox"
    reponse["Cache-Control"] = "private, no-store"
    return reponse
