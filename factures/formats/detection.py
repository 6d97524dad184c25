"""First step of the pipeline: which format is this file? Decided from its content only.

`detecter_format(data, nom, signature=...)` returns a `FormatFacture`:
- an XML whose root is UBL 2.1 `Invoice` / `CreditNote` -> UBL; CII D16B
  `CrossIndustryInvoice` -> CII;
- a PDF carrying a Factur-X / ZUGFeRD invoice XML -> FACTURX (checked first: structured data
  wins); else a PDF with a signature dictionary (`/ByteRange`) -> PDF_SIGNE_PADES; else a PDF
  deposited with its detached XAdES signature file -> PDF_SIGNE_XADES; else -> PDF.

Everything else raises `chorus.documents.DocumentRefuse` with a French message: empty or
oversized file, name too long or of another type, content that is neither PDF nor XML (or that
contradicts the name's extension), encrypted or damaged PDF, XML with a DOCTYPE (entity bombs,
XXE) or malformed, unknown XML root, signature file that is not XAdES or does not sign the PDF.

`detecter()` does the same and keeps what it parsed (XML tree, Factur-X XML) for the next
steps, so that `controles.analyser()` parses a file only once.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from lxml import etree

from chorus import documents
from chorus.documents import DocumentRefuse, parser_xml
from factures.enums import FormatFacture
from factures.formats import facturx as formats_facturx
from factures.formats.cii import RACINE_CII, RACINE_ZUGFERD1
from factures.formats.pdf import limites_pypdf
from factures.formats.ubl import RACINE_CREDIT_NOTE, RACINE_INVOICE

TYPES_ACCEPTES = frozenset({"pdf", "xml"})
NS_XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*\d+\s+\d+\s+\d+\s+\d+\s*\]")
_CONDENSATS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}


@dataclass
class Detection:
    """The detected format, and what detection already parsed (for the next steps)."""

    format: str
    arbre: etree._ElementTree | None = None  # the invoice XML (UBL, CII, or Factur-X's)
    xml: bytes | None = None  # its bytes
    nom_xml: str = ""  # the Factur-X attachment's name
    # The documents core's checks of the file, passed to its storage so it does not run
    # them (parse the XML, open the PDF) again.
    verifie: documents.ContenuVerifie | None = None


def verifier_taille(data: bytes) -> None:
    """Refuses an empty file or one above the deposit limit (settings.DOCUMENT_TAILLE_MAX)."""
    if not data:
        raise DocumentRefuse(_("Le fichier est vide."), code="vide")
    limite = documents.taille_max()
    if len(data) > limite:
        mo = limite / (1024 * 1024)
        raise DocumentRefuse(
            _("Le fichier dépasse la taille maximale autorisée (%(max)s Mo)."),
            code="trop_gros",
            params={"max": f"{mo:.0f}" if mo.is_integer() else f"{mo:.1f}".replace(".", ",")},
        )


def format_xml(arbre: etree._ElementTree) -> str:
    """UBL or CII from the root element; DocumentRefuse for any other XML."""
    racine = arbre.getroot()
    if racine.tag in (RACINE_INVOICE, RACINE_CREDIT_NOTE):
        return FormatFacture.UBL
    if racine.tag == RACINE_CII:
        return FormatFacture.CII
    if racine.tag == RACINE_ZUGFERD1:
        raise DocumentRefuse(
            _(
                "Ce XML est une facture ZUGFeRD 1.0, format antérieur à la norme EN 16931 : "
                "déposez le PDF qui le contient, ou un XML UBL 2.1 ou CII D16B."
            ),
            code="zugferd1_seul",
        )
    if etree.QName(racine).namespace == NS_XMLDSIG:
        raise DocumentRefuse(
            _(
                "Ce fichier est une signature électronique : déposez le PDF de la facture et "
                "joignez-lui cette signature."
            ),
            code="signature_seule",
        )
    raise DocumentRefuse(
        _(
            "Ce XML n’est pas une facture reconnue : la racine « %(racine)s » n’est ni une "
            "facture UBL 2.1 (Invoice, CreditNote) ni une facture CII D16B "
            "(CrossIndustryInvoice)."
        ),
        code="xml_inconnu",
        params={"racine": etree.QName(racine).localname[:60]},
    )


def est_signe_pades(data: bytes) -> bool:
    """A PDF signature (PAdES) is a dictionary whose /ByteRange covers the signed bytes; it is
    never inside a compressed object stream, so the raw bytes show it."""
    return _BYTE_RANGE.search(data) is not None


def verifier_signature_xades(signature: bytes, pdf: bytes) -> None:
    """Refuses a signature file that is not an XML signature, or whose references do not
    include this PDF (when it names a digest of the raw file, that digest must match)."""
    verifier_taille(signature)
    arbre = parser_xml(signature)
    racine = arbre.getroot()
    signatures = [racine] if racine.tag == f"{{{NS_XMLDSIG}}}Signature" else []
    signatures += racine.findall(f".//{{{NS_XMLDSIG}}}Signature")
    if not signatures:
        raise DocumentRefuse(
            _("Le fichier de signature n’est pas une signature XAdES (XML Signature)."),
            code="signature_pas_xades",
        )
    comparables, concordantes = 0, 0
    for reference in racine.iter(f"{{{NS_XMLDSIG}}}Reference"):
        if (reference.get("URI") or "").startswith("#"):
            continue  # signed properties, inside the signature itself
        if reference.find(f"{{{NS_XMLDSIG}}}Transforms") is not None:
            continue  # a transformed content: its digest cannot be compared to the raw bytes
        methode = reference.find(f"{{{NS_XMLDSIG}}}DigestMethod")
        valeur = reference.findtext(f"{{{NS_XMLDSIG}}}DigestValue") or ""
        algorithme = _CONDENSATS.get(methode.get("Algorithm") if methode is not None else "")
        if algorithme is None:
            continue
        comparables += 1
        attendu = base64.b64encode(hashlib.new(algorithme, pdf).digest()).decode()
        if "".join(valeur.split()) == attendu:
            concordantes += 1
    if comparables and not concordantes:
        raise DocumentRefuse(
            _("La signature XAdES ne porte pas sur ce PDF : l’empreinte signée est différente."),
            code="signature_autre_document",
        )


def detecter(data: bytes, nom: str, *, signature: bytes | None = None) -> Detection:
    """The format of a deposited file, and what was parsed to tell it."""
    verifier_taille(data)
    # The documents core's checks (name, type from the content and its agreement with the
    # name, PDF readable or XML safely parsed): the parsed XML and the checks are kept.
    with limites_pypdf():
        verifie = documents.verifier_octets(data, nom or "", TYPES_ACCEPTES)
    if verifie.type_.extension == "xml":
        if signature is not None:
            raise DocumentRefuse(
                _("Une signature XAdES accompagne un PDF, pas un fichier XML."),
                code="signature_sur_xml",
            )
        arbre = verifie.arbre
        return Detection(format_xml(arbre), arbre=arbre, xml=data, verifie=verifie)

    extrait = formats_facturx.extraire_xml(data)
    if extrait is not None:
        nom_xml, xml = extrait
        arbre = formats_facturx.parser_xml_facturx(xml)
        return Detection(
            FormatFacture.FACTURX, arbre=arbre, xml=xml, nom_xml=nom_xml, verifie=verifie
        )
    if est_signe_pades(data):
        return Detection(FormatFacture.PDF_SIGNE_PADES, verifie=verifie)
    if signature is not None:
        verifier_signature_xades(signature, data)
        return Detection(FormatFacture.PDF_SIGNE_XADES, verifie=verifie)
    return Detection(FormatFacture.PDF, verifie=verifie)


def detecter_format(data: bytes, nom: str, *, signature: bytes | None = None) -> str:
    """The FormatFacture of a deposited file, from its content (see the module docstring)."""
    return detecter(data, nom, signature=signature).format
