"""Routing data of structured invoices (domain §5.1), on invoices we build ourselves: the
buyer's SIRET under scheme 0009 or Chorus Pro's 1, the service code, engagement and market."""

import io
from decimal import Decimal

import pypdf
import pytest
from facturx import generate_from_binary

from factures.enums import FormatFacture, ModePaiement, Severite, TypeFacture
from factures.formats.controles import analyser, bloquants, controler, lire

from .conftest import SIRET_COMMUNE, SIRET_FOURNISSEUR, donnees_facture, generer, pdf_simple


@pytest.mark.parametrize("syntaxe", ["cii", "ubl"])
@pytest.mark.parametrize("schema", ["0009", "1"])
def test_le_siret_de_l_acheteur_est_lu_sous_les_deux_schemas(syntaxe, schema):
    data = generer(syntaxe, **{"BG-7": {"legal_identifier_schemeid": schema}})
    format_, lue, constats = analyser(data, "facture.xml")

    assert format_ == (FormatFacture.CII if syntaxe == "cii" else FormatFacture.UBL)
    assert lue.siret_destinataire == SIRET_COMMUNE
    assert lue.siret_fournisseur == SIRET_FOURNISSEUR
    assert (lue.code_service, lue.numero_engagement, lue.numero_marche) == (
        "SERV-FIN",
        "EJ0012345678",
        "MARCHE-2024-17",
    )
    assert {"BT-47", "BT-30", "BT-10", "BT-13", "BT-12"} <= lue.termes_trouves
    assert bloquants(constats) == []


@pytest.mark.parametrize("syntaxe", ["cii", "ubl"])
def test_sans_identifiant_legal_les_autres_identifiants_de_l_acheteur_servent(syntaxe):
    acheteur = {"legal_identifier": None, "identifiers": {"0009": SIRET_COMMUNE}}
    lue = lire(generer(syntaxe, **{"BG-7": acheteur}), syntaxe.upper())

    assert lue.siret_destinataire == SIRET_COMMUNE
    assert "BT-46" in lue.termes_trouves


def test_un_siret_sous_le_schema_siren_est_repris_s_il_est_valide():
    lue = lire(generer("cii", **{"BG-7": {"legal_identifier_schemeid": "0002"}}), "CII")
    assert lue.siret_destinataire == SIRET_COMMUNE


def test_sans_siret_l_identifiant_manquant_se_voit():
    lue = lire(generer("cii", **{"BG-7": {"legal_identifier": None}}), "CII")
    assert lue.siret_destinataire == ""
    assert "BT-47" not in lue.termes_trouves


def test_un_siret_errone_sous_le_schema_siret_est_bloquant():
    faux = SIRET_COMMUNE[:-1] + ("0" if SIRET_COMMUNE[-1] != "0" else "1")
    constats = controler(generer("ubl", **{"BG-7": {"legal_identifier": faux}}), "UBL")
    [siret] = [c for c in constats if c.regle == "CHORUS-SIRET-DESTINATAIRE"]
    assert siret.severite == Severite.BLOQUANTE
    assert (siret.terme, siret.champ) == ("BT-47", "destinataire")
    assert "clé de contrôle" in siret.message


def test_les_types_et_le_paiement_sont_traduits():
    lue = lire(generer("cii", **{"BT-3": "386", "BT-81": "58"}), "CII")
    assert (lue.type_facture, lue.mode_paiement) == (TypeFacture.ACOMPTE, ModePaiement.VIREMENT)
    avoir = lire(generer("ubl", **{"BT-3": "381", "BT-81": "49"}), "UBL")
    assert (avoir.type_facture, avoir.code_type) == (TypeFacture.AVOIR, "381")
    assert avoir.mode_paiement == ModePaiement.PRELEVEMENT


def test_une_facture_facturx_generee_est_lue_dans_son_pdf():
    xml = generer("cii")
    pdf = generate_from_binary(
        pdf_simple("Facture FA-2025-0042"), xml, flavor="factur-x", check_xsd=True
    )
    format_, lue, constats = analyser(pdf, "facture.pdf")

    assert format_ == FormatFacture.FACTURX
    assert (lue.numero, lue.siret_destinataire, lue.code_service) == (
        "FA-2025-0042",
        SIRET_COMMUNE,
        "SERV-FIN",
    )
    assert [ligne.designation for ligne in lue.lignes] == [
        "Réparation de la toiture",
        "Main-d’œuvre",
    ]
    assert bloquants(constats) == []


def test_une_facture_incoherente_est_signalee_champ_par_champ():
    donnees = donnees_facture(**{"BT-110": "75.00", "BT-112": "475.00", "BT-115": "475.00"})
    donnees["BG-25"][0]["BT-131"] = "310.00"
    from facturx.generate_xml import generate_xml

    data = generate_xml(donnees, flavor="factur-x", check_xsd=True, check_schematron=False)
    constats = controler(data, "CII")
    par_regle = {(c.source, c.regle): c for c in constats}

    en = par_regle[("EN16931", "BR-CO-10")]
    assert (en.severite, en.terme, en.champ) == (Severite.BLOQUANTE, "BT-106", "montant_ht")
    assert en.message.startswith("La somme des montants nets des lignes")
    assert "BR-CO-10" in en.detail  # the schematron's own (English) wording is kept
    assert par_regle[("EN16931", "BR-CO-14")].champ == "montant_tva"
    assert par_regle[("METIER", "CHORUS-TOTAL-LIGNES")].severite == Severite.BLOQUANTE
    assert par_regle[("METIER", "CHORUS-TOTAL-TVA")].terme == "BT-110"


def test_le_pdf_issu_d_un_logiciel_francais_est_pre_rempli():
    texte = "\n".join(
        [
            "FACTURE N° FA-2025-118",
            "Date de facture : 14/03/2025",
            "Bâtiments Durand SARL - SIRET : 732 829 320 00074",
            "Client : Commune de Démoville - SIRET 217 500 016 00019",
            "N° d'engagement : EJ0012345678",
            "Code service : SERV-FIN",
            "Marché n° M-2024-17",
            "Total HT : 1 000,00 €",
            "Total TVA : 200,00 €",
            "Total TTC : 1 200,00 €",
            "Date d'échéance : 13/04/2025",
            "IBAN : FR76 3000 6000 0112 3456 7890 189",
            "TVA acquittée sur les encaissements",
        ]
    )
    format_, lue, _ = analyser(pdf_simple(texte), "facture.pdf")

    assert format_ == FormatFacture.PDF
    assert (lue.numero, str(lue.date_facture), str(lue.date_echeance)) == (
        "FA-2025-118",
        "2025-03-14",
        "2025-04-13",
    )
    assert (lue.siret_fournisseur, lue.siret_destinataire) == (SIRET_FOURNISSEUR, SIRET_COMMUNE)
    assert (lue.numero_engagement, lue.code_service, lue.numero_marche) == (
        "EJ0012345678",
        "SERV-FIN",
        "M-2024-17",
    )
    assert (str(lue.montant_ht), str(lue.montant_tva), str(lue.montant_ttc)) == (
        "1000.00",
        "200.00",
        "1200.00",
    )
    assert lue.iban == "FR7630006000011234567890189"
    assert lue.type_tva == "TVA_SUR_ENCAISSEMENT"
    assert {"BT-1", "BT-2", "BT-30", "BT-47", "BT-13", "BT-10", "BT-12"} <= lue.termes_trouves


def test_un_pdf_signe_est_lu_comme_un_pdf(settings):
    from .test_detection import pdf_signe_pades

    lue = lire(pdf_signe_pades(), FormatFacture.PDF_SIGNE_PADES)
    assert (lue.format, lue.numero) == (FormatFacture.PDF_SIGNE_PADES, "FA-2025-7")
    assert pypdf.PdfReader(io.BytesIO(pdf_signe_pades())).pages


@pytest.mark.django_db
def test_ce_qui_est_lu_remplit_une_facture_et_ses_anomalies():
    from factures.models import Anomalie, Facture, LigneFacture, LigneTva
    from tests.factures.factories import FactureFactory

    format_, lue, constats = analyser(generer("cii", **{"BT-110": "71.00"}), "facture.xml")
    facture = FactureFactory(**lue.champs_facture(), format_depot=format_)
    for ordre, ligne in enumerate(lue.champs_lignes()):
        LigneFacture.objects.create(facture=facture, ordre=ordre, **ligne)
    for tva in lue.champs_tva():
        LigneTva.objects.create(facture=facture, **tva)
    Anomalie.objects.bulk_create(Anomalie(facture=facture, **c.champs_anomalie()) for c in constats)

    facture = Facture.objects.get(pk=facture.pk)
    assert (facture.numero, facture.numero_engagement, facture.montant_ttc) == (
        "FA-2025-0042",
        "EJ0012345678",
        Decimal("470.00"),
    )
    assert facture.lignes.count() == 2 and facture.lignes_tva.count() == 2
    assert facture.anomalies.filter(regle="BR-CO-14", champ="montant_tva").exists()
