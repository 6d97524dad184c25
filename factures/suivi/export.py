"""CSV export of a search, streamed: rows leave as they are read, memory stays flat.

The file opens in French spreadsheets as is: UTF-8 with a byte-order mark, `;` separator,
decimal comma, dates as dd/mm/yyyy. Text cells that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) are prefixed with an apostrophe: an
invoice number or a company name never becomes a formula on the user's machine.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from factures.suivi.espace import Colonne

SEPARATEUR = ";"
BOM = "\ufeff"
TAILLE_DES_LOTS = 2000
_DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def valeur_csv(valeur: Any) -> str:
    """One cell as text: numbers and dates the French way, text neutralised."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, Decimal):
        return format(valeur, "f").replace(".", ",")
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    texte = str(valeur)
    if texte.startswith(_DEBUTS_DE_FORMULE):
        return "'" + texte
    return texte


class _Tampon:
    """csv.writer writes into it; each write returns the line instead of storing it."""

    def write(self, ligne: str) -> str:
        return ligne


def lignes_csv(objets: Iterable, colonnes: Iterable[Colonne]) -> Iterator[str]:
    colonnes = list(colonnes)
    ecrivain = csv.writer(_Tampon(), delimiter=SEPARATEUR, lineterminator="\r\n")
    yield BOM + ecrivain.writerow([valeur_csv(str(c.libelle)) for c in colonnes])
    for objet in objets:
        yield ecrivain.writerow([valeur_csv(c.csv(objet)) for c in colonnes])


def reponse_csv(queryset, colonnes: Iterable[Colonne], nom_fichier: str) -> StreamingHttpResponse:
    """Streams `queryset` (read in batches by a server-side cursor) as a CSV download."""
    objets = queryset.iterator(chunk_size=TAILLE_DES_LOTS)
    reponse = StreamingHttpResponse(
        lignes_csv(objets, colonnes), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    reponse["Cache-Control"] = "private, no-store"
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
