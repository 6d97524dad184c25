"""The portal's business rules, one by one, on invoices described by hand."""

from decimal import Decimal as D

import pytest

from factures.enums import Severite, SourceControle, TypeFacture
from factures.formats import regles
from factures.formats.donnees import FactureLue, LigneLue, TvaLue


def facture(**champs) -> FactureLue:
    """A consistent invoice: 2 lines, 20 % VAT, 1,000.00 HT."""
    valeurs = {
        "format": "CII",
        "type_facture": TypeFacture.FACTURE,
        "numero": "FA-2025/01+A_b",
        "lignes": [LigneLue(montant_ht=D("600.00")), LigneLue(montant_ht=D("400.00"))],
        "tva": [TvaLue("S", D("20"), D("1000.00"), D("200.00"))],
        "total_lignes_ht": D("1000.00"),
        "montant_ht": D("1000.00"),
        "montant_tva": D("200.00"),
        "montant_ttc": D("1200.00"),
        "montant_a_payer": D("1200.00"),
    }
    valeurs.update(champs)
    return FactureLue(**valeurs)


def regles_de(constats):
    return [(c.regle, c.terme, c.severite) for c in constats]


def test_une_facture_coherente_ne_donne_aucun_constat():
    assert regles.verifier(facture()) == []


@pytest.mark.parametrize(
    ("champs", "attendu"),
    [
        ({"total_lignes_ht": D("1000.01")}, ("CHORUS-TOTAL-LIGNES", "BT-106")),
        ({"montant_ht": D("990.00")}, ("CHORUS-TOTAL-HT", "BT-109")),
        ({"montant_tva": D("210.00"), "montant_ttc": D("1210.00")}, ("CHORUS-TOTAL-TVA", "BT-110")),
        ({"montant_ttc": D("1200.10")}, ("CHORUS-TOTAL-TTC", "BT-112")),
        ({"montant_a_payer": D("1100.00")}, ("CHORUS-A-PAYER", "BT-115")),
    ],
)
def test_chaque_total_incoherent_est_bloquant_et_nomme_son_terme(champs, attendu):
    constats = regles.verifier(facture(**champs))
    assert (*attendu, Severite.BLOQUANTE) in regles_de(constats)
    assert all(c.source == SourceControle.METIER for c in constats)


def test_le_ht_tient_compte_des_remises_et_frais_globaux():
    lue = facture(
        remises_globales_ht=D("50.00"),
        charges_globales_ht=D("10.00"),
        montant_ht=D("960.00"),
        tva=[TvaLue("S", D("20"), D("960.00"), D("192.00"))],
        montant_tva=D("192.00"),
        montant_ttc=D("1152.00"),
        montant_a_payer=D("1052.00"),
        montant_deja_paye=D("100.00"),
    )
    assert regles.verifier(lue) == []


def test_le_message_donne_les_montants_a_la_francaise():
    [constat] = regles.total_ht(facture(montant_ht=D("1234.50")))
    assert constat.champ == "montant_ht"
    assert "(1\xa0234,50) devrait être 1\xa0000,00" in constat.message


def test_la_tva_par_categorie_s_arrondit_au_centime_superieur_a_la_moitie():
    # 0.50 × 5 % = 0.025: half-up gives 0.03 (banker's rounding would give 0.02).
    juste = facture(tva=[TvaLue("S", D("5"), D("0.50"), D("0.03"))])
    assert regles.tva_par_categorie(juste) == []
    [arrondi] = regles.tva_par_categorie(facture(tva=[TvaLue("S", D("5"), D("0.50"), D("0.02"))]))
    assert (arrondi.severite, arrondi.terme) == (Severite.AVERTISSEMENT, "BT-117")
    [faux] = regles.tva_par_categorie(facture(tva=[TvaLue("S", D("20"), D("1000"), D("150"))]))
    assert faux.severite == Severite.BLOQUANTE
    assert faux.emplacement == "récapitulatif de TVA, ligne 1"


@pytest.mark.parametrize("numero", ["FA 2025 01", "F" * 21, "FA-2025#1", "Facture-é1"])
def test_un_numero_hors_des_regles_du_domaine_est_bloquant(numero):
    [constat] = regles.numero(facture(numero=numero))
    assert (constat.regle, constat.champ, constat.severite) == (
        "CHORUS-NUMERO",
        "numero",
        Severite.BLOQUANTE,
    )


def test_les_identifiants_sont_verifies():
    lue = facture(
        siret_fournisseur="73282932000075",
        tva_fournisseur="FR00732829320",
        iban="FR7630006000011234567890188",
        bic="NOTABIC",
    )
    assert set(regles_de(regles.verifier(lue))) == {
        ("CHORUS-SIRET-FOURNISSEUR", "BT-30", Severite.BLOQUANTE),
        ("CHORUS-TVA-INVALIDE", "BT-31", Severite.AVERTISSEMENT),
        ("CHORUS-IBAN", "BT-84", Severite.AVERTISSEMENT),
        ("CHORUS-BIC", "BT-86", Severite.AVERTISSEMENT),
    }
    valides = facture(
        siret_fournisseur="73282932000074",
        tva_fournisseur="FR44732829320",
        iban="FR7630006000011234567890189",
        bic="BNPAFRPPXXX",
    )
    assert regles.verifier(valides) == []


def test_un_montant_negatif_bloque_une_facture_mais_pas_un_avoir():
    negatif = {
        "lignes": [LigneLue(montant_ht=D("-100.00"))],
        "tva": [TvaLue("S", D("20"), D("-100.00"), D("-20.00"))],
        "total_lignes_ht": D("-100.00"),
        "montant_ht": D("-100.00"),
        "montant_tva": D("-20.00"),
        "montant_ttc": D("-120.00"),
        "montant_a_payer": D("-120.00"),
    }
    assert {c.regle for c in regles.verifier(facture(**negatif))} == {"CHORUS-MONTANT-NEGATIF"}
    assert regles.verifier(facture(type_facture=TypeFacture.AVOIR, **negatif)) == []


def test_un_montant_de_plus_de_13_chiffres_est_absurde():
    lue = facture(montant_ttc=D("12345678901234.00"), lignes=[LigneLue(quantite=D("1e20"))])
    termes = {c.terme for c in regles.montants_absurdes(lue) if c.regle == "CHORUS-MONTANT-ABSURDE"}
    assert termes == {"BT-112", "BT-131"}
    assert regles.montants_absurdes(facture(montant_ttc=D("9999999999999.99"))) == []


def test_plus_de_10000_lignes_est_bloquant():
    lue = facture(lignes=[LigneLue()] * 10_001, total_lignes_ht=None)
    assert ("CHORUS-LIGNES-MAX", "BG-25", Severite.BLOQUANTE) in regles_de(regles.verifier(lue))
    assert regles.nombre_de_lignes(facture(lignes=[LigneLue()] * 10_000)) == []
