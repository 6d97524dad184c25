"""Small, defensive helpers shared by the readers: text, amounts, dates and codes.

A reader never crashes on a missing or malformed element: text helpers return "", numbers and
dates return None. Amounts are `Decimal` built from the file's text, never from a float.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from factures.enums import ModePaiement, TypeFacture, TypeTva

CENTIME = Decimal("0.01")
# A number as XML Schema writes it: optional sign, digits, optional decimal point.
_NOMBRE_XSD = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# More than this is not an amount but an attack or a typo (and Decimal would grow unbounded).
_CHIFFRES_MAX = 40


def texte(element: etree._Element | None, chemin: str | None = None, ns=None) -> str:
    """The stripped text of `element` (or of its first descendant at `chemin`), or ""."""
    if element is None:
        return ""
    if chemin is not None:
        element = element.find(chemin, ns)
        if element is None:
            return ""
    return (element.text or "").strip()


def attribut(element: etree._Element | None, nom: str) -> str:
    if element is None:
        return ""
    return (element.get(nom) or "").strip()


def nombre(valeur: str) -> Decimal | None:
    """A Decimal from an XML number ("1234.50", "-3", " 12 "), or None if it is not one."""
    valeur = (valeur or "").strip()
    if not valeur or len(valeur) > _CHIFFRES_MAX or not _NOMBRE_XSD.fullmatch(valeur):
        return None
    try:
        return Decimal(valeur)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


def nombre_de(element: etree._Element | None, chemin: str | None = None, ns=None) -> Decimal | None:
    return nombre(texte(element, chemin, ns))


def arrondi(montant: Decimal) -> Decimal:
    """Half-up to the cent, as EN 16931 rounds."""
    return montant.quantize(CENTIME, rounding=ROUND_HALF_UP)


def date_102(valeur: str) -> date | None:
    """A date written YYYYMMDD (UN/CEFACT format 102), or None."""
    valeur = (valeur or "").strip()
    if len(valeur) != 8 or not valeur.isdigit():
        return None
    try:
        return date(int(valeur[:4]), int(valeur[4:6]), int(valeur[6:]))
    except ValueError:
        return None


def date_iso(valeur: str) -> date | None:
    """A date written YYYY-MM-DD (XML Schema xs:date, as UBL does), or None."""
    valeur = (valeur or "").strip()[:10]
    try:
        return date.fromisoformat(valeur) if len(valeur) == 10 else None
    except ValueError:
        return None


# BT-3 (UNTDID 1001 as EN 16931 and the French rules use it) -> the portal's invoice type.
_TYPES_FACTURE = {
    **dict.fromkeys(
        ["380", "384", "389", "393", "501", "471", "472", "473", "326", "875", "876", "877"],
        TypeFacture.FACTURE,
    ),
    **dict.fromkeys(["381", "261", "262", "396", "502", "503", "532"], TypeFacture.AVOIR),
    **dict.fromkeys(["386", "500"], TypeFacture.ACOMPTE),
}


def type_facture(code: str) -> str:
    """TypeFacture of a BT-3 code, or "" when the code is unknown (the user chooses)."""
    return _TYPES_FACTURE.get(code.strip(), "")


# BT-81 (UNTDID 4461) -> the portal's payment modes.
_MODES_PAIEMENT = {
    "10": ModePaiement.ESPECE,
    **dict.fromkeys(["20", "21", "22", "23", "24", "25"], ModePaiement.CHEQUE),
    **dict.fromkeys(["30", "31", "42", "57", "58", "60", "61", "62"], ModePaiement.VIREMENT),
    **dict.fromkeys(["49", "59"], ModePaiement.PRELEVEMENT),
    "97": ModePaiement.REPORT,
}


def mode_paiement(code: str) -> str:
    """ModePaiement of a BT-81 code: AUTRE for a code we do not map, "" when absent."""
    code = code.strip()
    if not code:
        return ""
    return _MODES_PAIEMENT.get(code, ModePaiement.AUTRE)


# BT-8 "VAT point date code": CII uses UNTDID 2475, UBL UNTDID 2005.
_TVA_SUR_ENCAISSEMENT = {"72", "432"}
_TVA_SUR_DEBIT = {"5", "29", "3", "35"}
_CATEGORIES_EXONEREES = {"E", "AE", "K", "G"}


def type_tva(code_date_tva: str, categories: list[str]) -> str:
    """TypeTva when the file says it: from BT-8, else from the VAT categories; else ""."""
    code = code_date_tva.strip()
    if code in _TVA_SUR_ENCAISSEMENT:
        return TypeTva.TVA_SUR_ENCAISSEMENT
    if code in _TVA_SUR_DEBIT:
        return TypeTva.TVA_SUR_DEBIT
    presentes = {c for c in categories if c}
    if presentes and presentes <= {"O"}:
        return TypeTva.SANS_TVA
    if presentes and presentes <= _CATEGORIES_EXONEREES:
        return TypeTva.EXONERATION
    return ""


def compacter(valeur: str) -> str:
    """An identifier without spaces, dots or dashes (as typed on invoices: "732 829 320 00074")."""
    return re.sub(r"[\s.\-]", "", valeur or "")


# Schemes that carry a SIRET: ISO 6523 ICD 0009, and Chorus Pro's own "1" (domain §5.1).
SCHEMAS_SIRET = frozenset({"0009", "1"})
