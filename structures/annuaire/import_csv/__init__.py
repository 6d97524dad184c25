"""The CSV import of the public directory (annuaire des structures publiques).

`annuaire_importer`: see `COLONNES` and the docstring of the management command
`import_annuaire`. A pipeline of small steps, one module each:

- `colonnes`: the columns of the file and what they set;
- `lecture`: read (encoding, delimiter, header);
- `verification`: check each row;
- `groupes`: group the rows by structure;
- `ecriture`: write in chunks of whole structures, one transaction per chunk, with bulk
  operations; a chunk that the database refuses is replayed one structure at a time, so a
  bad structure only refuses its own rows;
- `rapport`: what happened to each row, and the CSV report.

Every accepted row is written whole (its structure and its service), every refused row not
at all. A test that replaces a function (`monkeypatch.setattr`) patches the module that calls
it, e.g. `import_csv.ecriture._ecrire_paquet`.
"""

from __future__ import annotations

from structures.annuaire.import_csv.colonnes import (
    BOOLEENS_STRUCTURE,
    CHAMPS_SERVICE,
    CHAMPS_STRUCTURE,
    COLONNES,
    COLONNES_OBLIGATOIRES,
    FAUX,
    NOMS_DES_COLONNES,
    VRAI,
    Colonne,
    aide_des_colonnes,
)
from structures.annuaire.import_csv.ecriture import TAILLE_DES_PAQUETS, _ecrire, _ecrire_paquet
from structures.annuaire.import_csv.groupes import Groupe, grouper
from structures.annuaire.import_csv.lecture import FichierAnnuaireInvalide, lire_csv, lire_fichier
from structures.annuaire.import_csv.rapport import RapportImport, ecrire_rapport_csv
from structures.annuaire.import_csv.verification import Ligne, VerificateurDeLignes

__all__ = [
    "BOOLEENS_STRUCTURE",
    "CHAMPS_SERVICE",
    "CHAMPS_STRUCTURE",
    "COLONNES",
    "COLONNES_OBLIGATOIRES",
    "FAUX",
    "NOMS_DES_COLONNES",
    "TAILLE_DES_PAQUETS",
    "VRAI",
    "Colonne",
    "FichierAnnuaireInvalide",
    "Groupe",
    "Ligne",
    "RapportImport",
    "VerificateurDeLignes",
    "_ecrire_paquet",
    "aide_des_colonnes",
    "annuaire_importer",
    "ecrire_rapport_csv",
    "grouper",
    "lire_csv",
    "lire_fichier",
]


def annuaire_importer(*, contenu: bytes) -> RapportImport:
    """Loads a directory CSV file (see `COLONNES`); idempotent: a second run of the same file
    creates and changes nothing. Raises `FichierAnnuaireInvalide` when the file as a whole
    cannot be read (nothing is written then); refused rows are in the report."""
    entete, lignes_brutes = lire_csv(contenu)
    refus: dict[int, str] = {}
    acceptees: list[Ligne] = []
    identifiants: dict[int, tuple[str, str]] = {}
    verifier = VerificateurDeLignes(entete)
    for numero, valeurs in lignes_brutes:
        resultat = verifier(numero, valeurs)
        if isinstance(resultat, Ligne):
            acceptees.append(resultat)
            identifiants[numero] = (resultat.cle[1], resultat.code_service)
        else:
            refus[numero] = " ".join(resultat)
            brut = dict(zip(entete, valeurs, strict=False))
            identifiants[numero] = (
                brut.get("identifiant", "").strip(),
                brut.get("code_service", "").strip(),
            )
    rapport = _ecrire(grouper(acceptees, refus), refus)
    rapport.refusees = dict(sorted(refus.items()))
    rapport.identifiants = identifiants
    return rapport
