"""The business rules of an invoice's amounts, in one place (domain §5, EN 16931 BG-22/23).

Every amount is a `Decimal` rounded half-up to the cent, as EN 16931 does; no float ever.

- A line's net amount (BT-131) = quantity × unit price HT − line discount HT.
- The VAT breakdown (BG-23) groups lines by category and rate: base HT (BT-116) = Σ net
  amounts; VAT (BT-117) = base × rate / 100, rounded once per group.
- Total HT (BT-109) = Σ line net amounts; total VAT (BT-110) = Σ VAT of the groups;
  total TTC (BT-112) = HT + VAT.
- The global discount TTC (with its reason) comes off the TTC; the amount to pay is what
  remains, and 0 for an invoice already paid (cadre A2).
- Every amount must fit the database (15 digits, 2 decimals): beyond, the invoice is refused
  with a clear message rather than truncated.

The category of a line follows the invoice's VAT type: exempt (E) or outside the scope of
VAT (O) at 0 %; otherwise standard (S) with a rate, zero-rated (Z) at 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from factures.enums import CategorieTva, TypeTva

CENTIME = Decimal("0.01")
ZERO = Decimal("0.00")
# DecimalField(max_digits=15, decimal_places=2): at most 9,999,999,999,999.99.
MONTANT_MAX = Decimal("9999999999999.99")
# Usual French rates offered first in the form (a manual rate stays possible).
TAUX_USUELS = [Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0")]


class MontantHorsLimite(ValueError):
    """An amount that does not fit: the user gets a message, nothing is stored."""


def arrondir(valeur: Decimal) -> Decimal:
    """Half-up to the cent: 0.005 → 0.01, -0.005 → -0.01."""
    try:
        return Decimal(valeur).quantize(CENTIME, rounding=ROUND_HALF_UP)
    except InvalidOperation as erreur:
        raise MontantHorsLimite(str(valeur)) from erreur


def _borne(valeur: Decimal) -> Decimal:
    if abs(valeur) > MONTANT_MAX:
        raise MontantHorsLimite(str(valeur))
    return valeur


def montant_ligne(quantite: Decimal, prix_unitaire_ht: Decimal, remise_ht: Decimal) -> Decimal:
    """BT-131 = BT-129 × BT-146 − BT-136, rounded half-up."""
    return _borne(arrondir(quantite * prix_unitaire_ht - (remise_ht or ZERO)))


def categorie_pour(type_tva: str, taux: Decimal) -> str:
    if type_tva == TypeTva.EXONERATION:
        return CategorieTva.E
    if type_tva == TypeTva.SANS_TVA:
        return CategorieTva.O
    return CategorieTva.S if taux else CategorieTva.Z


_SANS_TVA = frozenset({TypeTva.EXONERATION.value, TypeTva.SANS_TVA.value})


def taux_effectif(type_tva: str, taux: Decimal) -> Decimal:
    """No VAT is charged on exempt or out-of-scope invoices, whatever the line says."""
    return ZERO if type_tva in _SANS_TVA else taux


@dataclass(frozen=True)
class Ligne:
    quantite: Decimal
    prix_unitaire_ht: Decimal
    remise_ht: Decimal = ZERO
    taux_tva: Decimal = ZERO
    categorie_tva: str = CategorieTva.S


@dataclass(frozen=True)
class GroupeTva:
    categorie_tva: str
    taux: Decimal
    base_ht: Decimal
    montant_tva: Decimal


@dataclass(frozen=True)
class Totaux:
    montants_lignes: tuple[Decimal, ...]
    tva: tuple[GroupeTva, ...]
    montant_ht: Decimal
    montant_tva: Decimal
    montant_ttc: Decimal
    montant_remise_globale_ttc: Decimal
    montant_a_payer: Decimal


def calculer(
    lignes: Iterable[Ligne],
    *,
    remise_globale_ttc: Decimal = ZERO,
    deja_payee: bool = False,
) -> Totaux:
    """The totals of an invoice from its lines. Raises `MontantHorsLimite`."""
    montants = []
    groupes: dict[tuple[str, Decimal], Decimal] = {}
    for ligne in lignes:
        montant = montant_ligne(ligne.quantite, ligne.prix_unitaire_ht, ligne.remise_ht)
        montants.append(montant)
        cle = (ligne.categorie_tva, Decimal(ligne.taux_tva).normalize() + 0)
        groupes[cle] = groupes.get(cle, ZERO) + montant
    tva = tuple(
        GroupeTva(
            categorie_tva=categorie,
            taux=taux,
            base_ht=_borne(arrondir(base)),
            montant_tva=_borne(arrondir(base * taux / 100)),
        )
        for (categorie, taux), base in sorted(groupes.items(), key=lambda g: (g[0][0], -g[0][1]))
    )
    montant_ht = _borne(arrondir(sum(montants, ZERO)))
    montant_tva = _borne(arrondir(sum((g.montant_tva for g in tva), ZERO)))
    montant_ttc = _borne(montant_ht + montant_tva)
    remise = _borne(arrondir(remise_globale_ttc or ZERO))
    a_payer = ZERO if deja_payee else _borne(montant_ttc - remise)
    return Totaux(
        montants_lignes=tuple(montants),
        tva=tva,
        montant_ht=montant_ht,
        montant_tva=montant_tva,
        montant_ttc=montant_ttc,
        montant_remise_globale_ttc=remise,
        montant_a_payer=a_payer,
    )


def calculer_sans_lignes(
    *,
    montant_ht: Decimal,
    montant_tva: Decimal,
    remise_globale_ttc: Decimal = ZERO,
    deja_payee: bool = False,
) -> Totaux:
    """Totals typed directly (a deposited PDF whose lines the user does not retype)."""
    montant_ht, montant_tva = _borne(arrondir(montant_ht)), _borne(arrondir(montant_tva))
    montant_ttc = _borne(montant_ht + montant_tva)
    remise = _borne(arrondir(remise_globale_ttc or ZERO))
    return Totaux(
        montants_lignes=(),
        tva=(),
        montant_ht=montant_ht,
        montant_tva=montant_tva,
        montant_ttc=montant_ttc,
        montant_remise_globale_ttc=remise,
        montant_a_payer=ZERO if deja_payee else _borne(montant_ttc - remise),
    )
