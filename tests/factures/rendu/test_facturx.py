"""The Factur-X of a typed invoice: a PDF/A-3 whose only attachment is its CII XML, which the
factur-x library finds and validates; a page that reads like the invoice, in French."""

import io
import re
from decimal import Decimal

import pypdf
import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd

from factures.rendu import facturx
from factures.services import rendu
from tests.factures.factories_rendu import FactureSaisieFactory, Ligne
from tests.factures.rendu.outils import cii_de, pages_pdf, relu, texte_pdf
from tests.factures.rendu.test_cii import TROIS_LIGNES_DEUX_TAUX

pytestmark = pytest.mark.django_db


def rendre(facture) -> bytes:
    document = rendu.facture_rendre(facture=facture)
    with document.fichier.open("rb") as fichier:
        return fichier.read()


def xmp(data: bytes) -> str:
    lecteur = pypdf.PdfReader(io.BytesIO(data))
    return lecteur.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def espaces_simples(texte: str) -> str:
    """Every run of spaces (no-break ones too) and line breaks as one space."""
    return " ".join(texte.split())


def test_un_pdf_a_3_avec_son_xml_attache_une_seule_fois():
    facture = FactureSaisieFactory(lignes=TROIS_LIGNES_DEUX_TAUX)
    data = rendre(facture)

    lecteur = pypdf.PdfReader(io.BytesIO(data))
    assert {nom: len(contenus) for nom, contenus in lecteur.attachments.items()} == {
        "factur-x.xml": 1
    }
    racine = lecteur.trailer["/Root"]
    [fichier_associe] = racine["/AF"]
    assert fichier_associe.get_object()["/AFRelationship"] == "/Data"
    assert "/OutputIntents" in racine
    metadonnees = xmp(data)
    assert re.search(r"pdfaid:part(>|=\")3", metadonnees)
    assert re.search(r"pdfaid:conformance(>|=\")B", metadonnees)
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in metadonnees
    assert re.search(r"fx:ConformanceLevel(>|=\")EN 16931", metadonnees)

    nom, xml = get_facturx_xml_from_pdf(data, check_xsd=True)
    assert nom == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert xml == cii_de(facture)


def test_le_xml_attache_dit_ce_que_dit_la_facture():
    facture = FactureSaisieFactory(numero="F2026-0077", lignes=TROIS_LIGNES_DEUX_TAUX)
    _nom, xml = get_facturx_xml_from_pdf(rendre(facture))

    lu = relu(xml)
    assert lu["BT-1"] == "F2026-0077"
    assert lu["BG-4"]["legal_identifier"] == facture.fournisseur.identifiant
    assert lu["BG-7"]["legal_identifier"] == facture.destinataire.identifiant
    assert len(lu["BG-25"]) == 3
    assert Decimal(lu["BT-115"]) == facture.montant_a_payer == Decimal("2219.27")


def test_la_page_se_lit_comme_la_facture_en_francais():
    facture = FactureSaisieFactory(
        numero="F2026-0078",
        commentaire="Merci de rappeler le numéro d'engagement.",
        lignes=TROIS_LIGNES_DEUX_TAUX,
    )
    texte = espaces_simples(texte_pdf(rendre(facture)))

    for attendu in [
        "Facture",
        "F2026-0078",
        "02/11/2026",
        facture.fournisseur.raison_sociale,
        facture.destinataire.raison_sociale,
        "SERV-FIN – Service financier",
        "EJ-2026-0042",
        "MARCHE-2025-17",
        "A1 – Dépôt par un fournisseur",
        "Conseil en organisation",
        "Guides imprimés",
        "480,50",  # unit price
        "61,00",  # line discount
        "1 650,00 €",  # base at 20 %
        "12,47 €",  # VAT at 5.5 %
        "1 876,80 €",
        "342,47 €",
        "Net à payer",
        "2 219,27 €",
        "FR76 3000 4000 0312 3456 7890 143",
        "BNPAFRPP",
        "30/11/2026",
        "Merci de rappeler le numéro d'engagement.",
        "intérêts moratoires",
        "Page 1 / 1",
    ]:
        assert attendu in texte, attendu


def test_le_texte_saisi_n_est_pas_interprete():
    facture = FactureSaisieFactory(
        lignes=[Ligne('<img src="file:///etc/hostname"> <b>gras</b> & co', "1", "10")]
    )
    texte = texte_pdf(rendre(facture))
    assert '<img src="file:///etc/hostname"> <b>gras</b> & co' in texte


def test_la_remise_globale_figure_sur_la_page_comme_dans_le_xml():
    facture = FactureSaisieFactory(
        montant_remise_globale_ttc=Decimal("141.10"),
        motif_remise_globale="Geste commercial",
        lignes=[Ligne("Conseil", "1", "1000"), Ligne("Livres", "1", "200", taux="5.5")],
    )
    data = rendre(facture)
    texte = espaces_simples(texte_pdf(data))

    assert "Remise globale HT -120,00 €" in texte
    assert "Net à payer 1 269,90 €" in texte
    assert "Remise globale de 141,10 € TTC (Geste commercial) sur 1 411,00 € TTC" in texte
    _nom, xml = get_facturx_xml_from_pdf(data)
    assert relu(xml)["BT-107"] == "120.00"


def test_une_longue_facture_se_pagine_et_repete_l_en_tete_du_tableau():
    lignes = [Ligne(f"Fourniture de bureau, lot n° {n}", "3", "4.15") for n in range(1, 301)]
    facture = FactureSaisieFactory(lignes=lignes)
    data = rendre(facture)

    pages = [espaces_simples(p) for p in pages_pdf(data)]
    assert len(pages) > 5
    for rang, page in enumerate(pages, start=1):
        assert f"Page {rang} / {len(pages)}" in page
        assert f"Facture n° {facture.numero}" in page
        assert "Désignation" in page and "Montant HT" in page
    texte = " ".join(pages)
    assert "Fourniture de bureau, lot n° 1 3 unité 4,15" in texte
    assert "lot n° 300" in texte
    assert "Net à payer 4 482,00 €" in texte
    _nom, xml = get_facturx_xml_from_pdf(data)
    assert len(relu(xml)["BG-25"]) == 300


def test_le_moteur_ne_va_chercher_que_ses_polices():
    from factures.rendu.moteur import RessourceRefusee, moteur

    with pytest.raises(RessourceRefusee):
        moteur().recuperateur.fetch("file:///etc/hostname")
    with pytest.raises(RessourceRefusee):
        moteur().recuperateur.fetch("http://exemple.invalid/x.png")


def test_facturx_est_une_fonction_pure_du_modele():
    facture = FactureSaisieFactory()
    complete = rendu._charger(facture.pk)
    lignes, tva = list(complete.lignes.all()), list(complete.lignes_tva.all())
    _n1, xml1 = get_facturx_xml_from_pdf(facturx.facturx(complete, lignes, tva))
    _n2, xml2 = get_facturx_xml_from_pdf(facturx.facturx(complete, lignes, tva))
    assert xml1 == xml2
