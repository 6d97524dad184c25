"""The EN 16931 figures of a typed invoice, from the model (no database: plain instances)."""

from decimal import Decimal

import pytest

from factures.models import Facture, LigneFacture, LigneTva
from factures.rendu import RenduImpossible
from factures.rendu.totaux import calculer

D = Decimal


def ligne(montant, taux="20", categorie="S"):
    return LigneFacture(
        designation="x",
        quantite=D(1),
        prix_unitaire_ht=D(montant),
        montant_ht=D(montant),
        taux_tva=D(taux),
        categorie_tva=categorie,
    )


def tva(base, montant, taux="20", categorie="S", motif=""):
    return LigneTva(
        base_ht=D(base),
        montant_tva=D(montant),
        taux=D(taux),
        categorie_tva=categorie,
        motif_exoneration=motif,
    )


def facture(ht, tva_, remise="0", a_payer=None, **kwargs):
    ttc = D(ht) + D(tva_)
    return Facture(
        montant_ht=D(ht),
        montant_tva=D(tva_),
        montant_ttc=ttc,
        montant_remise_globale_ttc=D(remise),
        montant_a_payer=ttc - D(remise) if a_payer is None else D(a_payer),
        **kwargs,
    )


DEUX_TAUX = (
    [ligne("1000.00"), ligne("200.00", "5.5")],
    [tva("1000.00", "200.00"), tva("200.00", "11.00", "5.5")],
)


def test_sans_remise_les_chiffres_sont_ceux_du_modele():
    lignes, ventilation = DEUX_TAUX
    totaux = calculer(facture("1200.00", "211.00"), lignes, ventilation)
    assert (totaux.total_lignes_ht, totaux.remises_ht, totaux.base_ht) == (
        D("1200.00"),
        0,
        D("1200.00"),
    )
    assert (totaux.tva, totaux.ttc, totaux.a_payer) == (D("211.00"), D("1411.00"), D("1411.00"))
    assert (totaux.deja_paye, totaux.arrondi, totaux.remises) == (0, 0, ())
    assert [(t.taux, t.base_ht, t.montant_tva) for t in totaux.ventilation] == [
        (D("20"), D("1000.00"), D("200.00")),
        (D("5.5"), D("200.00"), D("11.00")),
    ]


def test_la_remise_ttc_est_repartie_au_prorata_du_ttc_de_chaque_taux():
    lignes, ventilation = DEUX_TAUX
    totaux = calculer(facture("1200.00", "211.00", remise="141.10"), lignes, ventilation)
    # 141.10 TTC is 10 % of 1,411.00: 120.00 TTC on the 20 % rate, 21.10 on the 5.5 % one.
    assert [(r.taux, r.montant_ht) for r in totaux.remises] == [
        (D("20"), D("100.00")),
        (D("5.5"), D("20.00")),
    ]
    assert totaux.remises_ht == D("120.00")
    assert [(t.base_ht, t.montant_tva) for t in totaux.ventilation] == [
        (D("900.00"), D("180.00")),
        (D("180.00"), D("9.90")),
    ]
    assert (totaux.base_ht, totaux.tva, totaux.ttc) == (D("1080.00"), D("189.90"), D("1269.90"))
    assert totaux.a_payer == D("1269.90")
    assert totaux.arrondi == 0


def test_le_centime_d_arrondi_va_au_montant_d_arrondi():
    totaux = calculer(
        facture("100.00", "20.00", remise="0.03"), [ligne("100.00")], [tva("100.00", "20.00")]
    )
    # 0.03 TTC is 0.025 HT, rounded to 0.03: the base 99.97 bears 19.99 of VAT, 119.96 TTC,
    # where the supplier asks 120.00 - 0.03 = 119.97.
    assert (totaux.base_ht, totaux.tva, totaux.ttc) == (D("99.97"), D("19.99"), D("119.96"))
    assert totaux.arrondi == D("0.01")
    assert totaux.a_payer == D("119.97")


def test_le_deja_paye_est_ce_qui_manque_au_montant_a_payer():
    totaux = calculer(
        facture("100.00", "20.00", a_payer="0.00"), [ligne("100.00")], [tva("100.00", "20.00")]
    )
    assert (totaux.ttc, totaux.deja_paye, totaux.a_payer) == (D("120.00"), D("120.00"), D("0.00"))


def test_sans_recapitulatif_la_ventilation_vient_des_lignes():
    lignes = [ligne("10.00"), ligne("0.05"), ligne("3.00", "0", "E")]
    totaux = calculer(
        facture("13.05", "2.01", type_tva="EXONERATION", motif_exoneration="Article 261 du CGI"),
        lignes,
        [],
    )
    assert [
        (t.categorie, t.base_ht, t.montant_tva, t.motif_exoneration) for t in totaux.ventilation
    ] == [
        ("S", D("10.05"), D("2.01"), ""),
        ("E", D("3.00"), D("0.00"), "Article 261 du CGI"),
    ]


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ((facture("0.00", "0.00"), [], []), "aucune ligne"),
        ((facture("100.00", "20.00"), [ligne("100.00")], [tva("90.00", "18.00")]), "récapitulatif"),
        (
            (facture("100.00", "20.00"), [ligne("100.00")], [tva("100.00", "20.00", "10")]),
            "récapitulatif",
        ),
        ((facture("100.00", "21.00"), [ligne("100.00")], [tva("100.00", "20.00")]), "totaux"),
        (
            (facture("100.00", "20.00", remise="-1"), [ligne("100.00")], [tva("100.00", "20.00")]),
            "remise",
        ),
        (
            (
                facture("100.00", "20.00", remise="120.01"),
                [ligne("100.00")],
                [tva("100.00", "20.00")],
            ),
            "remise",
        ),
        (
            (
                facture("100.00", "20.00", a_payer="120.01"),
                [ligne("100.00")],
                [tva("100.00", "20.00")],
            ),
            "dépasse",
        ),
    ],
)
def test_des_chiffres_absurdes_sont_refuses(donnees, message):
    with pytest.raises(RenduImpossible, match=message):
        calculer(*donnees)


def test_une_remise_sur_des_montants_negatifs_est_refusee():
    lignes = [ligne("100.00"), ligne("-50.00", "5.5")]
    ventilation = [tva("100.00", "20.00"), tva("-50.00", "-2.75", "5.5")]
    with pytest.raises(RenduImpossible, match="positifs"):
        calculer(facture("50.00", "17.25", remise="10.00"), lignes, ventilation)
