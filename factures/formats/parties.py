"""Choosing, among a party's identifiers, the SIRET that routes the invoice (domain §5.1).

Chorus Pro routes on the buyer's legal identifier (BT-47) holding a SIRET, with the ISO 6523
scheme `0009` or Chorus Pro's own `1`; when the legal identifier is missing, the buyer's other
identifiers are tried. The seller (BT-30) follows the same rule.
"""

from __future__ import annotations

from stdnum.fr import siret as stdnum_siret

from factures.formats.donnees import IdentifiantLu
from factures.formats.lecture import SCHEMAS_SIRET, compacter

# Legal identifiers first (BT-30 / BT-47), then the others, then electronic addresses.
_ORDRE = {"BT-30": 0, "BT-47": 0, "BT-29": 1, "BT-46": 1, "BT-34": 2, "BT-49": 2}


def _par_priorite(identifiants: list[IdentifiantLu]) -> list[IdentifiantLu]:
    return sorted(identifiants, key=lambda i: _ORDRE.get(i.terme, 3))


def siret_parmi(identifiants: list[IdentifiantLu]) -> tuple[str, str]:
    """(siret, term it came from), or ("", "").

    An identifier whose scheme says SIRET is taken as written (a wrong checksum is then
    reported by the business rules); any other one only if it is a valid SIRET (real invoices
    often put a SIRET under the SIREN scheme `0002`, or under no scheme at all).
    """
    candidats = [i for i in _par_priorite(identifiants) if i.terme not in ("BT-31", "BT-48")]
    for identifiant in candidats:
        if identifiant.schema in SCHEMAS_SIRET and identifiant.valeur:
            return compacter(identifiant.valeur), identifiant.terme
    for identifiant in candidats:
        if stdnum_siret.is_valid(compacter(identifiant.valeur)):
            return compacter(identifiant.valeur), identifiant.terme
    return "", ""
