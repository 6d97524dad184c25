"""Search keys of the public directory: what is stored beside a structure's name, city and
identifier, and what a search is compared with.

A key has accents and ligatures removed, hyphens and apostrophes turned into spaces, spaces
collapsed, and is upper case: « l'Œuvre  d'Ève » → « L OEUVRE D EVE ». Stored keys are
plain columns, so PostgreSQL's trigram indexes answer « contains » searches without
computing anything per row (migration 0004)."""

import unicodedata

LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}
_SEPARATEURS = str.maketrans({"-": " ", "'": " ", "\u2019": " "})

# Stored key field -> the field it is computed from.
CHAMPS_CLES = {
    "cle_raison_sociale": "raison_sociale",
    "cle_ville": "ville",
    "cle_identifiant": "identifiant",
}


def cle_de_recherche(texte: str | None) -> str:
    if not texte:
        return ""
    if not texte.isascii():
        texte = "".join(LIGATURES.get(c, c) for c in texte)
        texte = "".join(
            c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)
        )
    return " ".join(texte.translate(_SEPARATEURS).upper().split())


def cles_de(valeurs: dict) -> dict:
    """The stored keys for a structure's field values (those present in `valeurs`)."""
    return {
        cle: cle_de_recherche(valeurs[source])
        for cle, source in CHAMPS_CLES.items()
        if source in valeurs
    }
