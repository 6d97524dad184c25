"""Search keys of the public directory: what its search table stores for a structure's name,
city and identifier, and what a search is compared with.

A key has accents and ligatures removed, hyphens and apostrophes turned into spaces, spaces
collapsed, and is upper case: « l'Œuvre  d'Ève » → « L OEUVRE D EVE ». Stored keys are
plain columns (structures.models.EntreeAnnuaire), so PostgreSQL's trigram index answers
« contains » searches without computing anything per row (migration 0005)."""

import unicodedata

LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}
_SEPARATEURS = str.maketrans({"-": " ", "'": " ", "\u2019": " "})

# Stored key field -> the structure field it is computed from (also read by migration 0004).
CHAMPS_CLES = {
    "cle_raison_sociale": "raison_sociale",
    "cle_ville": "ville",
    "cle_identifiant": "identifiant",
}
# Structure fields the search table copies as they are, to filter on them with the keys.
CHAMPS_COPIES = ("code_postal", "statut")
# The structure fields a row of the search table is made of.
CHAMPS_DE_L_ENTREE = (*CHAMPS_CLES.values(), *CHAMPS_COPIES)
# A change to one of these fields changes the structure's row, or whether it has one.
CHAMPS_SOURCES_DE_L_ENTREE = frozenset({*CHAMPS_DE_L_ENTREE, "categorie"})


def cle_de_recherche(texte: str | None) -> str:
    if not texte:
        return ""
    if not texte.isascii():
        texte = "".join(LIGATURES.get(c, c) for c in texte)
        texte = "".join(
            c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)
        )
    return " ".join(texte.translate(_SEPARATEURS).upper().split())


def valeurs_de_l_entree(valeurs: dict) -> dict:
    """The columns of a structure's row in the search table, from its field values (all of
    `CHAMPS_DE_L_ENTREE`)."""
    return {
        **{cle: cle_de_recherche(valeurs[source]) for cle, source in CHAMPS_CLES.items()},
        **{champ: valeurs[champ] for champ in CHAMPS_COPIES},
    }
