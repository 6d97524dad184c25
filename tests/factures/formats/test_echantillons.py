"""Every real sample of ../shared/samples goes through the pipeline: it is read (number, dates,
parties, lines, totals as in the file), its findings are listed, and none crashes."""

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from chorus.documents import DocumentRefuse
from factures.enums import FormatFacture, ModePaiement, Severite, SourceControle, TypeFacture
from factures.formats.controles import analyser

from .conftest import CII, FACTURX_VALIDES, PDF_BLANKO, UBL, echantillon

NORMES = (SourceControle.XSD, SourceControle.EN16931)


def _lignes_du_fichier(arbre_xml: bytes) -> int:
    """Invoice lines counted straight from the XML, independently of the readers."""
    racine = etree.fromstring(arbre_xml)
    return len(
        racine.xpath(
            "//*[local-name()='IncludedSupplyChainTradeLineItem' or local-name()='InvoiceLine'"
            " or local-name()='CreditNoteLine']"
        )
    )


def _bloquants_de_la_norme(constats):
    return [c for c in constats if c.severite == Severite.BLOQUANTE and c.source in NORMES]


def _sans_traduction(constats):
    """Findings that only got the general sentence: every rule a sample triggers is worded."""
    return [c.regle for c in constats if c.message.startswith("La règle ")]


@pytest.mark.parametrize("chemin", UBL + CII)
def test_chaque_xml_est_lu_et_ses_constats_listes(chemin):
    data = echantillon(chemin)
    format_, lue, constats = analyser(data, chemin.rsplit("/", 1)[1])

    assert format_ == (FormatFacture.UBL if "/ubl/" in chemin else FormatFacture.CII)
    assert lue.numero and lue.date_facture and lue.devise
    assert lue.nom_fournisseur and lue.nom_destinataire
    assert len(lue.lignes) == _lignes_du_fichier(data) > 0
    assert lue.type_facture in (TypeFacture.FACTURE, TypeFacture.AVOIR)
    assert all(isinstance(c.message, str) and c.message for c in constats)
    assert _sans_traduction(constats) == []
    # These files pass EN 16931: warnings only, from the norm's side.
    assert _bloquants_de_la_norme(constats) == []
    # Numbers are consistent: the lines add up to BT-106, the totals to each other.
    somme = sum((ligne.montant_ht for ligne in lue.lignes), Decimal(0))
    assert somme == lue.total_lignes_ht
    assert lue.montant_ttc == lue.montant_ht + (lue.montant_tva or 0)


@pytest.mark.parametrize("chemin", FACTURX_VALIDES)
def test_chaque_facturx_valide_est_lue(chemin):
    format_, lue, constats = analyser(echantillon(chemin), chemin.rsplit("/", 1)[1])

    assert format_ == FormatFacture.FACTURX
    assert lue.numero and lue.date_facture and lue.montant_ttc is not None
    assert _bloquants_de_la_norme(constats) == []
    assert _sans_traduction(constats) == []
    if lue.lignes:
        somme = sum((ligne.montant_ht for ligne in lue.lignes), Decimal(0))
        assert somme == lue.total_lignes_ht


def test_une_facture_ubl_est_lue_terme_a_terme():
    _, lue, _ = analyser(echantillon("en16931/ubl/ubl-tc434-example4.xml"), "f.xml")

    assert (lue.numero, lue.date_facture, lue.date_echeance) == (
        "TOSL110",
        datetime.date(2013, 4, 10),
        datetime.date(2013, 5, 10),
    )
    assert (lue.type_facture, lue.code_type, lue.devise) == (TypeFacture.FACTURE, "380", "DKK")
    assert (lue.nom_fournisseur, lue.nom_destinataire) == ("SellerCompany", "Buyercompany ltd")
    assert lue.tva_fournisseur == "DK16356706"
    assert lue.numero_engagement == "123"
    assert (lue.mode_paiement, lue.iban) == (ModePaiement.VIREMENT, "DK1212341234123412")
    assert [
        (ligne.designation, ligne.quantite, ligne.unite, ligne.montant_ht) for ligne in lue.lignes
    ] == [
        ("Printing paper", Decimal("1000"), "EA", Decimal("1000.00")),
        ("Parker Pen", Decimal("100"), "EA", Decimal("500.00")),
        ("American Cookies", Decimal("500"), "EA", Decimal("2500.00")),
    ]
    assert [(t.taux, t.base_ht, t.montant_tva) for t in lue.tva] == [
        (Decimal("25"), Decimal("1500.00"), Decimal("375.00")),
        (Decimal("12"), Decimal("2500.00"), Decimal("300.00")),
    ]
    assert (lue.montant_ht, lue.montant_tva, lue.montant_ttc, lue.montant_a_payer) == (
        Decimal("4000.00"),
        Decimal("675.00"),
        Decimal("4675.00"),
        Decimal("4675.00"),
    )
    assert {"BT-1", "BT-2", "BT-13", "BT-84", "BG-23", "BG-25", "BT-115"} <= lue.termes_trouves


def test_un_avoir_ubl_est_un_avoir():
    format_, lue, _ = analyser(echantillon("en16931/ubl/CreditNote-Max_content.xml"), "a.xml")

    assert format_ == FormatFacture.UBL
    assert (lue.numero, lue.type_facture, lue.code_type) == ("2018210", TypeFacture.AVOIR, "381")
    assert lue.code_service == "Buyer reference"
    assert lue.montant_ttc == Decimal("12500")


def test_une_facture_cii_donne_ses_references_et_son_montant_a_payer():
    _, lue, _ = analyser(echantillon("en16931/cii/CII_example5.xml"), "f.xml")

    assert (lue.code_service, lue.numero_engagement) == ("qwerty", "PO4711")
    assert lue.montant_ttc == Decimal("4675")
    assert lue.montant_a_payer == Decimal("2337.5")  # half already paid (BT-113)
    assert lue.montant_deja_paye == Decimal("2337.5")


def test_la_facture_facturx_francaise_donne_son_acheminement():
    format_, lue, _ = analyser(echantillon("facturx/Facture_F20180027.pdf"), "f.pdf")

    assert format_ == FormatFacture.FACTURX
    assert (lue.numero, lue.date_facture) == ("F20180027", datetime.date(2018, 12, 31))
    assert (lue.code_service, lue.numero_engagement, lue.numero_marche) == (
        "SERVEXEC",
        "PO201925478",
        "CT2018120802",
    )
    assert (lue.nom_fournisseur, lue.nom_destinataire) == ("LE FOURNISSEUR", "LE CLIENT")
    # Its identifiers are listed for routing even though they are not valid SIRETs.
    assert ("98765432100029", "0002", "BT-47") in [
        (i.valeur, i.schema, i.terme) for i in lue.identifiants_destinataire
    ]
    assert lue.siret_destinataire == ""
    assert (lue.montant_ht, lue.montant_tva, lue.montant_ttc, lue.montant_a_payer) == (
        Decimal("100.00"),
        Decimal("10.00"),
        Decimal("110.00"),
        Decimal("100.00"),
    )
    assert lue.remises_globales_ht == Decimal("5.00")
    assert lue.charges_globales_ht == Decimal("10.00")


def test_une_facture_zugferd_1_est_lue_sans_regles_en16931():
    format_, lue, constats = analyser(echantillon("facturx/validV2PDF.pdf"), "z.pdf")

    assert format_ == FormatFacture.FACTURX
    assert lue.numero == "RE-20171118/506"
    assert [ligne.montant_ht for ligne in lue.lignes] == [
        Decimal("160.00"),
        Decimal("316.00"),
        Decimal("20.00"),
    ]
    assert (lue.montant_ht, lue.montant_tva, lue.montant_ttc) == (
        Decimal("496.00"),
        Decimal("75.04"),
        Decimal("571.04"),
    )
    assert lue.iban == "DE88 2008 0000 0970 3757 00"
    assert "CHORUS-ZUGFERD1" in {c.regle for c in constats}
    assert not [c for c in constats if c.source == SourceControle.XSD]


@pytest.mark.parametrize(
    ("chemin", "numero", "lignes", "ttc"),
    [
        ("en16931/cii/CII-BR-CO-10-RoundingIssue.xml", "0", 4, Decimal("0.00")),
        ("en16931/cii/CII_business_example_02.xml", "INV000013", 3, Decimal("11.90")),
        ("en16931/cii/CII_business_example_Z.xml", "2016166", 3, Decimal("11693.87")),
    ],
)
def test_les_cii_au_profil_comfort_sont_lus(chemin, numero, lignes, ttc):
    _, lue, constats = analyser(echantillon(chemin), "c.xml")

    assert lue.profil == "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"
    assert (lue.numero, len(lue.lignes), lue.montant_ttc) == (numero, lignes, ttc)
    assert _bloquants_de_la_norme(constats) == []


def test_le_xml_facturx_invalide_est_signale_en_nommant_le_probleme():
    format_, _, constats = analyser(echantillon("facturx/XMLinvalidV2PDF.pdf"), "f.pdf")

    assert format_ == FormatFacture.FACTURX
    [xsd] = [c for c in constats if c.source == SourceControle.XSD]
    assert xsd.severite == Severite.BLOQUANTE
    assert "« Name » inattendu" in xsd.message
    assert xsd.emplacement == "ligne 157"


@pytest.mark.parametrize(
    ("chemin", "raison"),
    [
        ("facturx/corruptedV2PDF.pdf", "endommagé"),
        ("facturx/corrupt-factur-x-waytoosmall.pdf", "illisible ou endommagé"),
    ],
)
def test_les_pdf_endommages_sont_refuses_clairement(chemin, raison):
    with pytest.raises(DocumentRefuse) as refus:
        analyser(echantillon(chemin), "f.pdf")
    assert raison in refus.value.messages[0]


def test_le_pdf_blanko_allemand_est_pre_rempli_depuis_son_texte():
    format_, lue, constats = analyser(echantillon(PDF_BLANKO[0]), "r.pdf")

    assert format_ == FormatFacture.PDF
    assert (lue.numero, lue.date_facture, lue.date_echeance) == (
        "RE-20170509/505",
        datetime.date(2017, 5, 9),
        datetime.date(2017, 5, 30),
    )
    assert (lue.montant_ht, lue.montant_tva, lue.montant_ttc) == (
        Decimal("496.00"),
        Decimal("75.04"),
        Decimal("571.04"),
    )
    assert (lue.iban, lue.bic, lue.tva_fournisseur) == (
        "DE88200800000970375700",
        "COBADEFFXXX",
        "DE136695976",
    )
    assert lue.type_facture == TypeFacture.FACTURE
    assert {"BT-1", "BT-2", "BT-109", "BT-112", "BT-84"} <= lue.termes_trouves
    assert all(c.severite == Severite.AVERTISSEMENT for c in constats)


def test_le_pdf_blanko_anglais_est_pre_rempli_depuis_son_texte():
    _, lue, _ = analyser(echantillon(PDF_BLANKO[1]), "r.pdf")

    assert (lue.numero, lue.date_facture, lue.date_echeance) == (
        "RE-20201121/508",
        datetime.date(2020, 11, 21),
        datetime.date(2020, 12, 12),
    )
    assert lue.numero_engagement == "AB321"
    assert (lue.montant_ht, lue.montant_tva, lue.montant_a_payer) == (
        Decimal("496.00"),
        Decimal("75.04"),
        Decimal("571.04"),
    )
