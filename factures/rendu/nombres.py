"""Amounts, quantities and dates written the French way on the rendered documents.

"1 234,56 €": a comma before the decimals, thousands grouped by a no-break space (U+00A0; the
Marianne font has no narrow one), whatever the language of the request that led there.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

ESPACE = "\u00a0"
PARIS = ZoneInfo("Europe/Paris")
SYMBOLES = {"EUR": "€"}


def _grouper(entier: str) -> str:
    signe, chiffres = ("-", entier[1:]) if entier.startswith("-") else ("", entier)
    groupes = []
    while len(chiffres) > 3:
        groupes.append(chiffres[-3:])
        chiffres = chiffres[:-3]
    groupes.append(chiffres)
    return signe + ESPACE.join(reversed(groupes))


def nombre_fr(valeur: Decimal, *, decimales_min: int = 0, decimales_max: int = 4) -> str:
    """`valeur` rounded half-up to `decimales_max`, with at least `decimales_min` decimals."""
    arrondi = valeur.quantize(Decimal(1).scaleb(-decimales_max), rounding=ROUND_HALF_UP)
    entier, _, decimales = f"{arrondi:f}".partition(".")
    decimales = decimales.rstrip("0").ljust(decimales_min, "0")
    if entier == "-0" and not decimales:
        entier = "0"
    return _grouper(entier) + (f",{decimales}" if decimales else "")


def montant_fr(valeur: Decimal, devise: str = "EUR") -> str:
    """ "1 234,56 €", or "1 234,56 USD" for a currency without a symbol here."""
    texte = nombre_fr(valeur, decimales_min=2, decimales_max=2)
    return f"{texte}{ESPACE}{SYMBOLES.get(devise, devise)}"


def taux_fr(valeur: Decimal) -> str:
    """ "20 %", "5,5 %"."""
    return f"{nombre_fr(valeur, decimales_max=2)}{ESPACE}%"


def date_fr(valeur: date | None) -> str:
    return valeur.strftime("%d/%m/%Y") if valeur else ""


def date_et_heure_paris(valeur: datetime) -> tuple[str, str]:
    """("02/11/2026", "14:03:27"): the date and time in Paris, whatever the server's zone."""
    locale = valeur.astimezone(PARIS)
    return date_fr(locale.date()), f"{locale:%H:%M:%S}"


def siret_lisible(siret: str) -> str:
    """ "300 000 007 00017": SIREN in threes, then the establishment's five digits."""
    if len(siret) != 14 or not siret.isdigit():
        return siret
    return ESPACE.join((siret[0:3], siret[3:6], siret[6:9], siret[9:]))


def iban_lisible(iban: str) -> str:
    """The IBAN in groups of four, as on a RIB."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
