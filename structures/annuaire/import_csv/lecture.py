"""Step 1 of the import: read the file (encoding, delimiter, header)."""

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from structures.annuaire.import_csv.colonnes import COLONNES_OBLIGATOIRES, NOMS_DES_COLONNES


class FichierAnnuaireInvalide(Exception):
    """The file as a whole cannot be read; `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lire_csv(contenu: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decodes (UTF-8, with or without BOM), detects the delimiter (`;` or `,`) and checks
    the header. Returns the header and the data rows with their line number in the file."""
    if not contenu.strip():
        raise FichierAnnuaireInvalide(_("Le fichier est vide."))
    if b"\x00" in contenu[:8192]:
        raise FichierAnnuaireInvalide(
            _("Ce fichier n'est pas un fichier CSV (il contient des données binaires).")
        )
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        ligne = contenu.count(b"\n", 0, erreur.start) + 1
        raise FichierAnnuaireInvalide(
            _(
                "Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne %(ligne)s). "
                "Enregistrez-le en « CSV UTF-8 » et recommencez."
            )
            % {"ligne": ligne}
        ) from erreur
    premiere_ligne = texte.split("\n", 1)[0]
    delimiteur = ";" if premiere_ligne.count(";") >= premiere_ligne.count(",") else ","
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=delimiteur)
    try:
        entete = [nom.strip().lower() for nom in next(lecteur)]
        lignes = []
        fin_precedente = lecteur.line_num
        for valeurs in lecteur:
            debut, fin_precedente = fin_precedente + 1, lecteur.line_num
            if any(v.strip() for v in valeurs):
                lignes.append((debut, valeurs))
    except csv.Error as erreur:
        raise FichierAnnuaireInvalide(
            _("Le fichier CSV est mal formé ligne %(ligne)s : %(erreur)s.")
            % {"ligne": lecteur.line_num, "erreur": erreur}
        ) from erreur
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in entete]
    if manquantes:
        raise FichierAnnuaireInvalide(
            _(
                "La première ligne doit nommer les colonnes, séparées par « ; » ou « , ». "
                "Colonnes obligatoires absentes : %(colonnes)s."
            )
            % {"colonnes": ", ".join(manquantes)}
        )
    inconnues = [c for c in entete if c not in NOMS_DES_COLONNES]
    if inconnues:
        raise FichierAnnuaireInvalide(
            _("Colonnes inconnues : %(colonnes)s. Colonnes possibles : %(possibles)s.")
            % {"colonnes": ", ".join(inconnues), "possibles": ", ".join(NOMS_DES_COLONNES)}
        )
    doublons = sorted({c for c in entete if entete.count(c) > 1})
    if doublons:
        raise FichierAnnuaireInvalide(
            _("Colonnes en double : %(colonnes)s.") % {"colonnes": ", ".join(doublons)}
        )
    return entete, lignes


def lire_fichier(chemin: str | Path) -> bytes:
    try:
        return Path(chemin).read_bytes()
    except FileNotFoundError as erreur:
        raise FichierAnnuaireInvalide(
            _("Fichier introuvable : %(chemin)s.") % {"chemin": chemin}
        ) from erreur
    except (IsADirectoryError, PermissionError) as erreur:
        raise FichierAnnuaireInvalide(
            _("Impossible de lire le fichier %(chemin)s.") % {"chemin": chemin}
        ) from erreur
