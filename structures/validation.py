"""Checks of identifiers and bank data, each raising a `ValidationError` with a French message.

Every function takes what the user typed, returns it normalised (upper case, no spaces) and
raises `django.core.exceptions.ValidationError` when it is wrong, so forms and services can
use them alike. IBAN and BIC are checked with schwifty, identifiers with python-stdnum; the
French RIB key is computed here.
"""

from __future__ import annotations

import re
import warnings

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_erreurs
from stdnum import exceptions as stdnum_erreurs
from stdnum.eu import vat
from stdnum.fr import siret

from structures.enums import TypeIdentifiant

# Country codes whose banks use French BICs or IBANs: overseas departments and
# collectivities, and Monaco, whose accounts follow the French RIB.
_ZONE_BANCAIRE_FRANCAISE = frozenset(
    ["FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "MC"]
)

# Letters of a French account number, as the RIB key counts them.
_CHIFFRES_DES_LETTRES = {
    lettre: str(valeur)
    for groupe, valeur in (
        ("AJ", 1),
        ("BKS", 2),
        ("CLT", 3),
        ("DMU", 4),
        ("ENV", 5),
        ("FOW", 6),
        ("GPX", 7),
        ("HQY", 8),
        ("IRZ", 9),
    )
    for lettre in groupe
}

_CINQ_CHIFFRES = re.compile(r"\d{5}")
_COMPTE = re.compile(r"[0-9A-Z]{11}")
_CLE = re.compile(r"\d{2}")


def compacter(valeur: str) -> str:
    """Upper case, without spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", valeur or "").upper()


def valider_pays(valeur: str) -> str:
    """An ISO 3166 alpha-2 country code."""
    code = (valeur or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValidationError(
            _("Saisissez un code pays ISO à deux lettres (par exemple FR, BE, DE)."),
            code="pays",
        )
    return code


def valider_tva_intracommunautaire(valeur: str) -> str:
    """An intra-EU VAT number (country prefix and national checksum)."""
    try:
        return vat.validate(valeur)
    except stdnum_erreurs.InvalidChecksum as erreur:
        raise ValidationError(
            _("Ce numéro de TVA intracommunautaire est invalide (clé de contrôle erronée)."),
            code="tva_cle",
        ) from erreur
    except stdnum_erreurs.ValidationError as erreur:
        raise ValidationError(
            _(
                "Ce numéro de TVA intracommunautaire est invalide : il commence par le code "
                "du pays (FR, BE…) suivi du numéro national."
            ),
            code="tva",
        ) from erreur


def valider_siret(valeur: str) -> str:
    """A SIRET: 14 digits whose checksum is right (La Poste's exception included)."""
    try:
        return siret.validate(valeur)
    except stdnum_erreurs.InvalidChecksum as erreur:
        raise ValidationError(
            _("Ce numéro SIRET est invalide (clé de contrôle erronée)."), code="siret_cle"
        ) from erreur
    except stdnum_erreurs.ValidationError as erreur:
        raise ValidationError(_("Un numéro SIRET compte 14 chiffres."), code="siret") from erreur


def valider_iban(valeur: str) -> IBAN:
    """An IBAN: country format, length, check digits and, where known, the national key."""
    texte = compacter(valeur)
    try:
        with warnings.catch_warnings():
            # Countries without a known national key: the IBAN check digits are enough.
            warnings.simplefilter("ignore", schwifty_erreurs.NationalChecksumNotVerified)
            return IBAN(texte, validate_bban=True)
    except schwifty_erreurs.InvalidCountryCode as erreur:
        raise ValidationError(
            _("L'IBAN doit commencer par un code pays valide (par exemple FR76…)."),
            code="iban_pays",
        ) from erreur
    except schwifty_erreurs.InvalidLength as erreur:
        raise ValidationError(
            _("L'IBAN n'a pas la longueur prévue pour son pays."), code="iban_longueur"
        ) from erreur
    except schwifty_erreurs.InvalidChecksumDigits as erreur:
        raise ValidationError(
            _("L'IBAN est invalide : sa clé de contrôle ne correspond pas. Vérifiez la saisie."),
            code="iban_cle",
        ) from erreur
    except schwifty_erreurs.InvalidBBANChecksum as erreur:
        raise ValidationError(
            _("L'IBAN est invalide : la clé RIB qu'il contient ne correspond pas."),
            code="iban_cle_nationale",
        ) from erreur
    except schwifty_erreurs.SchwiftyException as erreur:
        raise ValidationError(
            _("L'IBAN est invalide : son format ne correspond pas à celui de son pays."),
            code="iban_format",
        ) from erreur


def valider_bic(valeur: str) -> BIC:
    """A BIC of 8 or 11 characters with a known country code."""
    texte = compacter(valeur)
    try:
        return BIC(texte)
    except schwifty_erreurs.InvalidLength as erreur:
        raise ValidationError(
            _("Le BIC compte 8 ou 11 caractères."), code="bic_longueur"
        ) from erreur
    except schwifty_erreurs.InvalidCountryCode as erreur:
        raise ValidationError(
            _("Le BIC est invalide : le code pays (5e et 6e caractères) est inconnu."),
            code="bic_pays",
        ) from erreur
    except schwifty_erreurs.SchwiftyException as erreur:
        raise ValidationError(
            _(
                "Le BIC est invalide : 4 lettres pour la banque, 2 lettres pour le pays, "
                "2 caractères pour la localité, éventuellement 3 pour l'agence."
            ),
            code="bic_format",
        ) from erreur


def memes_pays_bancaires(pays_iban: str, pays_bic: str) -> bool:
    """Do an IBAN and a BIC of these countries belong together?"""
    if pays_iban == pays_bic:
        return True
    return {pays_iban, pays_bic} <= _ZONE_BANCAIRE_FRANCAISE


def verifier_iban_et_bic(iban: IBAN, bic: BIC) -> None:
    """Raises when the BIC belongs to another country than the IBAN."""
    if not memes_pays_bancaires(iban.country_code, bic.country_code):
        raise ValidationError(
            _("Le BIC (pays %(bic)s) ne correspond pas au pays de l'IBAN (%(iban)s)."),
            code="bic_iban_pays",
            params={"bic": bic.country_code, "iban": iban.country_code},
        )


def _en_chiffres(texte: str) -> int:
    return int("".join(_CHIFFRES_DES_LETTRES.get(c, c) for c in texte))


def cle_rib(code_banque: str, code_guichet: str, numero_compte: str) -> str:
    """The two-digit key of a French RIB: 97 − ((89·banque + 15·guichet + 3·compte) mod 97),
    the letters of the account number counting as digits (A, J → 1; B, K, S → 2; …)."""
    somme = (
        89 * _en_chiffres(code_banque)
        + 15 * _en_chiffres(code_guichet)
        + 3 * _en_chiffres(numero_compte.upper())
    )
    return f"{97 - somme % 97:02d}"


def valider_code_banque(valeur: str) -> str:
    if not _CINQ_CHIFFRES.fullmatch(valeur):
        raise ValidationError(_("Le code banque compte 5 chiffres."), code="code_banque")
    return valeur


def valider_code_guichet(valeur: str) -> str:
    if not _CINQ_CHIFFRES.fullmatch(valeur):
        raise ValidationError(_("Le code guichet compte 5 chiffres."), code="code_guichet")
    return valeur


def valider_numero_compte(valeur: str) -> str:
    texte = compacter(valeur)
    if not _COMPTE.fullmatch(texte):
        raise ValidationError(
            _("Le numéro de compte doit comporter 11 chiffres ou lettres."), code="numero_compte"
        )
    return texte


def valider_cle_rib(valeur: str) -> str:
    if not _CLE.fullmatch(valeur):
        raise ValidationError(_("La clé RIB compte 2 chiffres."), code="cle_rib")
    return valeur


def verifier_rib(code_banque: str, code_guichet: str, numero_compte: str, cle: str) -> None:
    """Raises when the key does not match the bank, branch and account codes."""
    attendue = cle_rib(code_banque, code_guichet, numero_compte)
    if cle != attendue:
        raise ValidationError(
            _(
                "La clé RIB ne correspond pas aux codes banque, guichet et au numéro de compte. "
                "Vérifiez la saisie."
            ),
            code="cle_rib_fausse",
        )


# --- A structure's identifier, by type (domain §2) ----------------------------------------

LONGUEUR_MAX_IDENTIFIANT = 80
_RIDET = re.compile(r"\d{7,10}")
_TAHITI = re.compile(r"[A-Z0-9]{6,9}")
_SEPARATEURS_IDENTIFIANT = re.compile(r"[\s.\-/]")


def identifiant_normaliser(type_identifiant: str, valeur: str) -> str:
    """Checks an identifier typed for `type_identifiant` and returns it normalised.

    Raises `ValidationError` with a French message. PARTICULIER has no typed identifier:
    returns "" (a unique one is generated at sign-up).
    """
    valeur = (valeur or "").strip()
    if type_identifiant == TypeIdentifiant.PARTICULIER:
        return ""
    if not valeur:
        raise ValidationError(_("Saisissez l'identifiant de votre structure."), code="requis")
    if type_identifiant == TypeIdentifiant.SIRET:
        return valider_siret(valeur)
    if type_identifiant == TypeIdentifiant.UE_HORS_FRANCE:
        if _SEPARATEURS_IDENTIFIANT.sub("", valeur).upper().startswith("FR"):
            raise ValidationError(
                _(
                    "Ce numéro de TVA est français : une structure française s'inscrit avec "
                    "son SIRET."
                ),
                code="tva_francaise",
            )
        return valider_tva_intracommunautaire(valeur)
    if type_identifiant == TypeIdentifiant.RIDET:
        compact = _SEPARATEURS_IDENTIFIANT.sub("", valeur)
        if not _RIDET.fullmatch(compact):
            raise ValidationError(
                _(
                    "Un numéro RIDET compte 7 chiffres pour l'entreprise, suivis de 3 chiffres "
                    "pour l'établissement."
                ),
                code="ridet",
            )
        return compact
    if type_identifiant == TypeIdentifiant.TAHITI:
        compact = _SEPARATEURS_IDENTIFIANT.sub("", valeur).upper()
        if not _TAHITI.fullmatch(compact):
            raise ValidationError(
                _("Un numéro Tahiti compte de 6 à 9 lettres ou chiffres."), code="tahiti"
            )
        return compact
    if type_identifiant in (TypeIdentifiant.HORS_UE, TypeIdentifiant.AUTRE):
        compact = " ".join(valeur.split())
        if len(compact) > LONGUEUR_MAX_IDENTIFIANT:
            raise ValidationError(
                _("L'identifiant compte au plus %(max)d caractères.")
                % {"max": LONGUEUR_MAX_IDENTIFIANT},
                code="longueur",
            )
        return compact
    raise ValidationError(_("Choisissez un type d'identifiant de la liste."), code="type")
