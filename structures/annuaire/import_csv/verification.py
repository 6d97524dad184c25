"""Step 2 of the import: check each row, and keep what it says of a structure and a service."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from structures.annuaire.import_csv.colonnes import (
    BOOLEENS_STRUCTURE,
    CHAMPS_SERVICE,
    CHAMPS_STRUCTURE,
    FAUX,
    VRAI,
)
from structures.enums import PresenceMoa, StatutService, StatutStructure, TypeIdentifiant
from structures.validation import identifiant_normaliser


@dataclass
class Ligne:
    """One accepted row: the structure it describes and, maybe, one of its services."""

    numero: int
    cle: tuple[str, str]  # (type_identifiant, identifiant)
    structure: dict  # model field -> value, for the columns present
    code_service: str = ""
    service: dict = field(default_factory=dict)


_VALEURS_DES_CHOIX = {
    enum: frozenset(enum.values)
    for enum in (TypeIdentifiant, StatutStructure, PresenceMoa, StatutService)
}


def _booleen(valeur: str, colonne: str, erreurs: list[str]) -> bool:
    texte = valeur.lower()
    if texte in VRAI:
        return True
    if texte not in FAUX:
        erreurs.append(
            _("%(colonne)s : « %(valeur)s » n'est pas un booléen (1/0, true/false, oui/non).")
            % {"colonne": colonne, "valeur": valeur}
        )
    return False


def _choix(valeur: str, colonne: str, enum, defaut: str, erreurs: list[str]) -> str:
    code = valeur.upper() or defaut
    if code not in _VALEURS_DES_CHOIX[enum]:
        erreurs.append(
            _("%(colonne)s : valeur inconnue « %(valeur)s » (valeurs possibles : %(codes)s).")
            % {"colonne": colonne, "valeur": valeur, "codes": ", ".join(enum.values)}
        )
    return code


def _identifiant(type_identifiant: str, valeur: str, erreurs: list[str]) -> str:
    """The identifier checked by the portal's one rule per type (structures/validation.py)."""
    if not valeur:
        erreurs.append(_("identifiant : obligatoire."))
        return ""
    try:
        return identifiant_normaliser(type_identifiant, valeur)
    except ValidationError as erreur:
        erreurs.append(
            _("identifiant « %(valeur)s » : %(message)s")
            % {"valeur": valeur, "message": erreur.messages[0]}
        )
        return ""


_CODE_POSTAL_FRANCAIS = re.compile(r"\d{5}")


class VerificateurDeLignes:
    """Checks the rows of one file; what depends on its header and on the models is worked
    out once, so each row costs a few dictionary look-ups."""

    def __init__(self, entete: list[str]):
        from structures.models import Service, Structure

        self.entete = entete
        self.colonnes_structure = [c for c in CHAMPS_STRUCTURE if c in entete]
        self.colonnes_service = [c for c in CHAMPS_SERVICE if c in entete]
        self.longueurs = {
            **{
                c: Structure._meta.get_field(c).max_length
                for c in ("raison_sociale", "adresse", "code_postal", "ville")
                if c in entete
            },
            "code_service": Service._meta.get_field("code").max_length,
            "libelle_service": Service._meta.get_field("libelle").max_length,
        }
        self._pays: dict[str, bool] = {}

    def _pays_connu(self, code: str) -> bool:
        if code not in self._pays:
            self._pays[code] = len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None
        return self._pays[code]

    def _longueur(self, valeur: str, colonne: str, erreurs: list[str]) -> None:
        maximum = self.longueurs[colonne]
        if len(valeur) > maximum:
            erreurs.append(
                _("%(colonne)s : %(n)s caractères, %(max)s au plus.")
                % {"colonne": colonne, "n": len(valeur), "max": maximum}
            )

    def __call__(self, numero: int, valeurs: list[str]) -> Ligne | list[str]:
        """An accepted `Ligne`, or the reasons (in French) why the row is refused."""
        if len(valeurs) != len(self.entete):
            return [
                _("la ligne compte %(n)s champs au lieu de %(attendu)s.")
                % {"n": len(valeurs), "attendu": len(self.entete)}
            ]
        brut = {nom: valeur.strip() for nom, valeur in zip(self.entete, valeurs, strict=True)}
        erreurs: list[str] = []
        if brut["type_identifiant"]:
            type_identifiant = _choix(
                brut["type_identifiant"], "type_identifiant", TypeIdentifiant, "", erreurs
            )
        else:
            type_identifiant = ""
            erreurs.append(_("type_identifiant : obligatoire."))
        identifiant = _identifiant(type_identifiant, brut["identifiant"], erreurs)
        structure: dict = {}
        for colonne in self.colonnes_structure:
            valeur = brut[colonne]
            if colonne in BOOLEENS_STRUCTURE:
                structure[colonne] = _booleen(valeur, colonne, erreurs)
            elif colonne == "statut":
                structure[colonne] = _choix(
                    valeur, colonne, StatutStructure, StatutStructure.ACTIVE, erreurs
                )
            elif colonne == "presence_moa":
                structure[colonne] = _choix(
                    valeur, colonne, PresenceMoa, PresenceMoa.SANS_MOA, erreurs
                )
            elif colonne == "pays":
                structure[colonne] = valeur.upper() or "FR"
                if not self._pays_connu(structure[colonne]):
                    erreurs.append(
                        _("pays : « %(valeur)s » n'est pas un code pays ISO à deux lettres.")
                        % {"valeur": valeur}
                    )
            else:
                structure[colonne] = valeur
                self._longueur(valeur, colonne, erreurs)
        if not structure["raison_sociale"]:
            erreurs.append(_("raison_sociale : obligatoire."))
        code_postal = structure.get("code_postal")
        if (
            code_postal
            and structure.get("pays", "FR") == "FR"
            and not _CODE_POSTAL_FRANCAIS.fullmatch(code_postal)
        ):
            erreurs.append(
                _("code_postal : « %(valeur)s » n'est pas un code postal français (5 chiffres).")
                % {"valeur": code_postal}
            )
        ligne = Ligne(numero=numero, cle=(type_identifiant, identifiant), structure=structure)
        ligne.code_service = brut.get("code_service", "")
        if ligne.code_service:
            self._longueur(ligne.code_service, "code_service", erreurs)
            for colonne in self.colonnes_service:
                champ, defaut = CHAMPS_SERVICE[colonne]
                valeur = brut[colonne]
                if champ == "engagement_obligatoire":
                    ligne.service[champ] = _booleen(valeur, colonne, erreurs)
                elif champ == "statut":
                    ligne.service[champ] = _choix(valeur, colonne, StatutService, defaut, erreurs)
                else:
                    ligne.service[champ] = valeur
                    self._longueur(valeur, colonne, erreurs)
            if not ligne.service.get("libelle"):
                erreurs.append(_("libelle_service : obligatoire quand un code service est donné."))
        else:
            for colonne in self.colonnes_service:
                if brut[colonne]:
                    erreurs.append(
                        _("%(colonne)s : donné sans code_service.") % {"colonne": colonne}
                    )
        return erreurs or ligne
