"""Helpers of the rendering tests: the XML of a saved invoice, read back by an independent
parser (the factur-x library's), and the text of a PDF."""

import io
from decimal import Decimal

import pypdf
from facturx.parse_xml import parse_ubl_cii_xml

from factures.rendu import facturx
from factures.services.rendu import _charger


def cii_de(facture) -> bytes:
    complete = _charger(facture.pk)
    return facturx.cii_de(complete, list(complete.lignes.all()), list(complete.lignes_tva.all()))


def relu(xml: bytes) -> dict:
    """The XML as the factur-x library reads it (keyed by EN 16931 terms), after its XSD
    check (check_xsd=True raises if the XML fails it)."""
    return parse_ubl_cii_xml(xml, flavor="factur-x", check_xsd=True)


def montants(dictionnaire: dict, *termes: str) -> list[Decimal | None]:
    return [Decimal(dictionnaire[t]) if t in dictionnaire else None for t in termes]


def texte_pdf(data: bytes) -> str:
    lecteur = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in lecteur.pages)


def pages_pdf(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
