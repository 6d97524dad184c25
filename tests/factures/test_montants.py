"""The business rules of amounts: line nets, VAT breakdown, totals, rounding, limits."""

from decimal import Decimal as D

import pytest

from factures import montants
from factures.enums import TypeTva


def ligne(q, pu, remise="0", taux="20", cat="S"):
    return montants.Ligne(D(q), D(pu), D(remise), D(taux), cat)


def test_arrondi_au_centime_superieur_a_partir_du_demi():
    assert montants.arrondir(D("0.005")) == D("0.01")
    assert montants.arrondir(D("0.0049")) == D("0.00")
    assert montants.arrondir(D("-0.005")) == D("-0.01")
    assert montants.arrondir(D("2.675")) == D("2.68")  # a float would give 2.67


def test_trois_lignes_deux_taux():
    totaux = montants.calculer(
        [
            ligne("3", "19.99"),  # 59.97
            ligne("1.5", "10.333", remise="0.50"),  # 15.4995 - 0.5 = 14.9995 → 15.00
            ligne("2", "4.125", taux="5.5"),  # 8.25
        ],
        remise_globale_ttc=D("1.00"),
    )
    assert totaux.montants_lignes == (D("59.97"), D("15.00"), D("8.25"))
    assert [(g.taux, g.base_ht, g.montant_tva) for g in totaux.tva] == [
        (D("20"), D("74.97"), D("14.99")),  # 14.994 → 14.99
        (D("5.5"), D("8.25"), D("0.45")),  # 0.45375 → 0.45
    ]
    assert totaux.montant_ht == D("83.22")
    assert totaux.montant_tva == D("15.44")
    assert totaux.montant_ttc == D("98.66")
    assert totaux.montant_a_payer == D("97.66")


def test_la_tva_est_arrondie_une_fois_par_taux_et_non_par_ligne():
    # Each line's VAT would round 0.015 → 0.02 (×3 = 0.06); once per group: 0.045 → 0.05.
    totaux = montants.calculer([ligne("1", "0.075")] * 3)
    assert totaux.montant_ht == D("0.24")  # 0.075 → 0.08 per line
    assert totaux.montant_tva == D("0.05")


def test_une_facture_deja_payee_n_a_rien_a_payer():
    totaux = montants.calculer([ligne("1", "100")], deja_payee=True)
    assert totaux.montant_ttc == D("120.00")
    assert totaux.montant_a_payer == D("0.00")


def test_les_taux_egaux_ecrits_differemment_forment_un_seul_groupe():
    totaux = montants.calculer([ligne("1", "10", taux="5.5"), ligne("1", "10", taux="5.50")])
    assert len(totaux.tva) == 1


@pytest.mark.parametrize(
    ("type_tva", "taux", "categorie"),
    [
        (TypeTva.TVA_SUR_DEBIT, D("20"), "S"),
        (TypeTva.TVA_SUR_ENCAISSEMENT, D("0"), "Z"),
        (TypeTva.EXONERATION, D("20"), "E"),
        (TypeTva.SANS_TVA, D("10"), "O"),
    ],
)
def test_la_categorie_suit_le_type_de_tva(type_tva, taux, categorie):
    assert montants.categorie_pour(type_tva, taux) == categorie


def test_un_montant_absurde_est_refuse():
    with pytest.raises(montants.MontantHorsLimite):
        montants.calculer([ligne("1000000000", "1000000")])
    with pytest.raises(montants.MontantHorsLimite):
        montants.calculer_sans_lignes(montant_ht=D("1e20"), montant_tva=D("0"))


def test_totaux_saisis_sans_lignes():
    totaux = montants.calculer_sans_lignes(montant_ht=D("100"), montant_tva=D("20.004"))
    assert (totaux.montant_ttc, totaux.montant_a_payer) == (D("120.00"), D("120.00"))
