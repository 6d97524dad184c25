"""The figures a typed invoice states, as EN 16931 defines them (BG-20, BG-22, BG-23).

A typed invoice keeps, as Chorus Pro does (domain §5), its totals *before* the global discount
(`montant_ht`, `montant_tva`, `montant_ttc` and the VAT breakdown `lignes_tva`), the global
discount TTC with its reason, and the amount to pay (`montant_a_payer`, which is less than the
TTC after discount when part is already paid, e.g. cadre A2).

EN 16931 has no discount on a TTC amount: a discount lowers the taxable base (French law says so
too, CGI art. 267). So the global discount becomes one document-level allowance per VAT
category and rate (BG-20), shared in proportion to each rate's TTC and taken off its base; the
VAT of each such rate is recomputed on the lowered base (BR-CO-17), and the cent that rounding
may leave goes to the rounding amount (BT-114), so that the amount to pay (BT-115) is the
model's. Without a global discount, every figure is the model's own.

Before anything is written, the model's figures are checked against its lines (BR-CO-10…16):
an e-invoice whose totals contradict its lines must not be issued.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from factures.enums import CategorieTva
from factures.rendu import RenduImpossible

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CENT_POUR_CENT = Decimal("100")

# Categories that carry no rate (BR-O-05, BR-O-06, BR-O-09: "not subject to VAT").
SANS_TAUX = frozenset({CategorieTva.O})
# Categories whose breakdown must give an exemption reason (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10); the legal mention used when the invoice gives none. These are invoice
# content, in French like the invoice itself.
MOTIFS_PAR_DEFAUT = {
    CategorieTva.E: "Exonération de TVA",
    CategorieTva.AE: "Autoliquidation",
    CategorieTva.K: "Livraison intracommunautaire exonérée de TVA (article 262 ter I du CGI)",
    CategorieTva.G: "Exportation hors de l'Union européenne exonérée de TVA (article 262 I du CGI)",
    CategorieTva.O: "Opération hors du champ d'application de la TVA",
}


def arrondir(montant: Decimal) -> Decimal:
    """Half-up to the cent, as EN 16931 rounds."""
    return montant.quantize(CENT, rounding=ROUND_HALF_UP)


def tva_de(base: Decimal, taux: Decimal) -> Decimal:
    return arrondir(base * taux / CENT_POUR_CENT)


@dataclass(frozen=True)
class LigneVentilation:
    """One line of the VAT breakdown (BG-23)."""

    categorie: str  # BT-118
    taux: Decimal  # BT-119
    base_ht: Decimal  # BT-116
    montant_tva: Decimal  # BT-117
    motif_exoneration: str = ""  # BT-120

    @property
    def a_un_taux(self) -> bool:
        return self.categorie not in SANS_TAUX


@dataclass(frozen=True)
class RemiseDocument:
    """A document-level allowance (BG-20): the share of the global discount of one rate."""

    categorie: str  # BT-95
    taux: Decimal  # BT-96
    montant_ht: Decimal  # BT-92
    motif: str  # BT-97

    @property
    def a_un_taux(self) -> bool:
        return self.categorie not in SANS_TAUX


@dataclass(frozen=True)
class Totaux:
    """BG-22 and what goes with it."""

    total_lignes_ht: Decimal  # BT-106
    remises_ht: Decimal  # BT-107
    base_ht: Decimal  # BT-109
    tva: Decimal  # BT-110
    ttc: Decimal  # BT-112
    deja_paye: Decimal  # BT-113
    arrondi: Decimal  # BT-114
    a_payer: Decimal  # BT-115
    ventilation: tuple[LigneVentilation, ...]
    remises: tuple[RemiseDocument, ...]
    # The model's own figures, as the supplier typed them (shown on the page).
    ttc_avant_remise: Decimal
    remise_globale_ttc: Decimal
    motif_remise_globale: str


def _cle(categorie: str, taux: Decimal) -> tuple[str, Decimal]:
    return categorie, taux.normalize()


def _motif(categorie: str, *motifs: str) -> str:
    if categorie not in MOTIFS_PAR_DEFAUT:
        return ""
    return next((m for m in motifs if m), MOTIFS_PAR_DEFAUT[categorie])


def ventilation_des_lignes(lignes: Iterable, motif_facture: str = "") -> list[LigneVentilation]:
    """The VAT breakdown the lines give, one row per (category, rate), in their first order."""
    bases: dict[tuple[str, Decimal], Decimal] = {}
    for ligne in lignes:
        cle = _cle(ligne.categorie_tva, ligne.taux_tva)
        bases[cle] = bases.get(cle, ZERO) + ligne.montant_ht
    return [
        LigneVentilation(
            categorie=categorie,
            taux=taux,
            base_ht=base,
            montant_tva=tva_de(base, taux),
            motif_exoneration=_motif(categorie, motif_facture),
        )
        for (categorie, taux), base in bases.items()
    ]


def _ventilation(facture, lignes: Sequence, lignes_tva: Sequence) -> list[LigneVentilation]:
    if not lignes_tva:
        return ventilation_des_lignes(lignes, facture.motif_exoneration)
    return [
        LigneVentilation(
            categorie=ligne.categorie_tva,
            taux=ligne.taux,
            base_ht=ligne.base_ht,
            montant_tva=ligne.montant_tva,
            motif_exoneration=_motif(
                ligne.categorie_tva, ligne.motif_exoneration, facture.motif_exoneration
            ),
        )
        for ligne in lignes_tva
    ]


def _verifier(facture, lignes: Sequence, ventilation: list[LigneVentilation]) -> Decimal:
    """Checks the model's figures against its lines; returns the lines' total (BT-106)."""
    if not lignes:
        raise RenduImpossible(_("La facture n'a aucune ligne : elle ne peut pas être rendue."))
    total_lignes = sum((ligne.montant_ht for ligne in lignes), ZERO)
    par_taux_lignes: dict[tuple[str, Decimal], Decimal] = {}
    for ligne in lignes:
        cle = _cle(ligne.categorie_tva, ligne.taux_tva)
        par_taux_lignes[cle] = par_taux_lignes.get(cle, ZERO) + ligne.montant_ht
    par_taux_ventilation: dict[tuple[str, Decimal], Decimal] = {}
    for tva in ventilation:
        cle = _cle(tva.categorie, tva.taux)
        par_taux_ventilation[cle] = par_taux_ventilation.get(cle, ZERO) + tva.base_ht
    if par_taux_lignes != par_taux_ventilation:
        raise RenduImpossible(
            _("Le récapitulatif de TVA ne correspond pas aux lignes de la facture.")
        )
    total_tva = sum((tva.montant_tva for tva in ventilation), ZERO)
    if (
        facture.montant_ht != total_lignes
        or facture.montant_tva != total_tva
        or facture.montant_ttc != facture.montant_ht + facture.montant_tva
    ):
        raise RenduImpossible(
            _("Les totaux de la facture (HT, TVA, TTC) ne correspondent pas à ses lignes.")
        )
    return total_lignes


def _repartir_remise(
    ventilation: list[LigneVentilation], remise_ttc: Decimal, motif: str
) -> tuple[list[LigneVentilation], list[RemiseDocument]]:
    """Shares the TTC discount among the rates in proportion to their TTC (the last rate takes
    what rounding leaves), and takes each share's HT part off that rate's base."""
    ttc_par_taux = [tva.base_ht + tva.montant_tva for tva in ventilation]
    total = sum(ttc_par_taux, ZERO)
    if any(ttc < 0 for ttc in ttc_par_taux) or total <= 0:
        raise RenduImpossible(
            _("Une remise globale ne peut s'appliquer qu'à des montants positifs.")
        )
    parts = [arrondir(remise_ttc * ttc / total) for ttc in ttc_par_taux[:-1]]
    parts.append(remise_ttc - sum(parts, ZERO))
    nouvelle, remises = [], []
    for tva, part in zip(ventilation, parts, strict=True):
        if not part:
            nouvelle.append(tva)
            continue
        remise_ht = arrondir(part * CENT_POUR_CENT / (CENT_POUR_CENT + tva.taux))
        base = tva.base_ht - remise_ht
        nouvelle.append(
            LigneVentilation(
                categorie=tva.categorie,
                taux=tva.taux,
                base_ht=base,
                montant_tva=tva_de(base, tva.taux),
                motif_exoneration=tva.motif_exoneration,
            )
        )
        remises.append(
            RemiseDocument(
                categorie=tva.categorie, taux=tva.taux, montant_ht=remise_ht, motif=motif
            )
        )
    return nouvelle, remises


def calculer(facture, lignes: Sequence, lignes_tva: Sequence) -> Totaux:
    """The EN 16931 figures of a typed invoice; `RenduImpossible` if the model contradicts
    itself (totals, breakdown and lines), or if its discount or amount to pay are absurd."""
    ventilation = _ventilation(facture, lignes, lignes_tva)
    total_lignes = _verifier(facture, lignes, ventilation)
    remise_ttc = facture.montant_remise_globale_ttc
    if remise_ttc < 0 or remise_ttc > facture.montant_ttc:
        raise RenduImpossible(
            _("La remise globale doit être comprise entre zéro et le montant TTC de la facture.")
        )
    motif = facture.motif_remise_globale or _("Remise globale")
    remises: list[RemiseDocument] = []
    if remise_ttc:
        ventilation, remises = _repartir_remise(ventilation, remise_ttc, motif)
    remises_ht = sum((r.montant_ht for r in remises), ZERO)
    base_ht = total_lignes - remises_ht
    tva = sum((t.montant_tva for t in ventilation), ZERO)
    ttc = base_ht + tva
    arrondi = (facture.montant_ttc - remise_ttc) - ttc
    deja_paye = ttc + arrondi - facture.montant_a_payer
    if deja_paye < 0:
        raise RenduImpossible(
            _("Le montant à payer dépasse le montant TTC de la facture après remise.")
        )
    return Totaux(
        total_lignes_ht=total_lignes,
        remises_ht=remises_ht,
        base_ht=base_ht,
        tva=tva,
        ttc=ttc,
        deja_paye=deja_paye,
        arrondi=arrondi,
        a_payer=facture.montant_a_payer,
        ventilation=tuple(ventilation),
        remises=tuple(remises),
        ttc_avant_remise=facture.montant_ttc,
        remise_globale_ttc=remise_ttc,
        motif_remise_globale=facture.motif_remise_globale,
    )
