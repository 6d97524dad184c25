"""Factur-X / ZUGFeRD: the CII invoice embedded in a PDF/A-3, read with the factur-x library.

`extraire_xml(data)` returns the embedded XML (`factur-x.xml`, or `ZUGFeRD-invoice.xml` of
ZUGFeRD 1 and 2) without checking its level: the old "comfort" profile identifier, which the
library's level detection refuses, is valid CII and is read. The XML is then parsed again by
the portal's safe parser and read by the CII reader.
"""

from __future__ import annotations

import io
import logging
import re

import facturx
import pypdf
from django.utils.translation import gettext as _
from lxml import etree

from chorus.documents import DocumentRefuse, parser_xml
from factures.enums import FormatFacture
from factures.formats.cii import dialecte_de, lire_cii
from factures.formats.donnees import FactureLue
from factures.formats.pdf import limites_pypdf

# The attachment names the factur-x library looks for (Factur-X, ZUGFeRD 1 and 2, XRechnung).
NOMS_DE_PIECE = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
# Those names in the raw bytes (file specification, XMP metadata): the PDF says it carries one.
_NOM_ANNONCE = re.compile(rb"(?i)(?:factur-x|zugferd-invoice|xrechnung)\.xml")


def _sans_journal():
    """factur-x logs each step, and each skipped attachment as a warning: our refusals say it."""
    journal = logging.getLogger("factur-x")
    ancien = journal.level
    journal.setLevel(logging.CRITICAL)
    return journal, ancien


def extraire_xml(data: bytes) -> tuple[str, bytes] | None:
    """(attachment name, XML bytes) of the Factur-X/ZUGFeRD invoice of a PDF, or None.

    Raises DocumentRefuse when the PDF carries a Factur-X attachment that is not readable XML.
    """
    journal, ancien = _sans_journal()
    try:
        with limites_pypdf():
            nom, xml = facturx.get_facturx_xml_from_pdf(data, check_xsd=False)
    except Exception as erreur:  # pypdf errors on damaged files, limits reached on bombs
        raise DocumentRefuse(
            _("Le PDF est illisible ou endommagé : il ne peut pas être accepté."),
            code="pdf_illisible",
        ) from erreur
    finally:
        journal.setLevel(ancien)
    if nom and xml:
        return nom, xml
    if _a_une_piece_facturx(data):
        raise DocumentRefuse(
            _(
                "Le PDF contient un fichier de facture Factur-X (factur-x.xml) illisible : ce "
                "n’est pas un XML CII bien formé."
            ),
            code="facturx_xml_illisible",
        )
    if _NOM_ANNONCE.search(data):
        raise DocumentRefuse(
            _(
                "Le PDF annonce une facture Factur-X jointe, mais elle ne peut pas être lue : le "
                "fichier est endommagé. Déposez à nouveau le PDF produit par votre logiciel."
            ),
            code="facturx_endommage",
        )
    return None


def _a_une_piece_facturx(data: bytes) -> bool:
    try:
        with limites_pypdf():
            lecteur = pypdf.PdfReader(io.BytesIO(data), strict=False)
            noms = [piece.name for piece in lecteur.attachment_list]
    except Exception:
        return False
    return any((nom or "").lower() in NOMS_DE_PIECE for nom in noms)


def parser_xml_facturx(xml: bytes) -> etree._ElementTree:
    """The embedded XML parsed safely; DocumentRefuse unless it is CII (or ZUGFeRD 1)."""
    try:
        arbre = parser_xml(xml)
    except DocumentRefuse as erreur:
        raise DocumentRefuse(
            _("Le XML Factur-X contenu dans le PDF est refusé : %(raison)s"),
            code="facturx_xml_refuse",
            params={"raison": " ".join(erreur.messages)},
        ) from erreur
    if dialecte_de(arbre.getroot()) is None:
        raise DocumentRefuse(
            _("Le PDF contient un XML qui n’est pas une facture CII (Factur-X ou ZUGFeRD)."),
            code="facturx_pas_cii",
        )
    return arbre


def lire_facturx(data: bytes) -> FactureLue:
    """Reads the invoice embedded in a Factur-X PDF."""
    extrait = extraire_xml(data)
    if extrait is None:
        raise DocumentRefuse(
            _("Ce PDF ne contient pas de facture Factur-X (pas de fichier factur-x.xml)."),
            code="facturx_absent",
        )
    return lire_cii(parser_xml_facturx(extrait[1]), format=FormatFacture.FACTURX)
