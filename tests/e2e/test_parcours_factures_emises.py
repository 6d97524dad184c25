"""Issue 4's acceptance, in headless Chromium with axe-core on every page visited:

1. the demo supplier deposits a UBL, a CII and a Factur-X sample (their buyer first put in the
   directory, their seller among his structures) and sends each;
2. he types an invoice with three lines at two VAT rates (totals recomputed as he types),
   saves it as a draft, reopens it, sends it; it appears in Synthèse and Rechercher as
   MISE_A_DISPOSITION, and its Factur-X download passes the factur-x XSD check.
"""

import re

import facturx
import pytest
from django.core.management import call_command

from factures.enums import StatutFacture as S
from factures.models import Facture
from habilitations.models import Utilisateur
from tests.e2e.conftest import se_connecter, verifier_accessibilite
from tests.factures.depot_outils import inscrire_les_parties, lue_de
from tests.factures.formats.conftest import echantillon

pytestmark = pytest.mark.e2e

FOURNISSEUR = "fournisseur@demo.chorus.test"
MOT_DE_PASSE_DEMO = "Demo-Chorus-2026!"
ECHANTILLONS = [
    "en16931/ubl/guide-example2.xml",
    "en16931/cii/CII_example4.xml",
    "facturx/Facture_F20180027.pdf",
]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("demo")
    return Utilisateur.objects.get(email=FOURNISSEUR)


def aller_dans_l_espace(page):
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name="Factures émises"
    ).click()
    page.wait_for_load_state()


def test_deposer_trois_echantillons_et_les_envoyer(page, demo, tmp_path):
    se_connecter(page, FOURNISSEUR, MOT_DE_PASSE_DEMO)
    aller_dans_l_espace(page)
    verifier_accessibilite(page)
    for chemin in ECHANTILLONS:
        data = echantillon(chemin)
        nom = "facture" + chemin[chemin.rindex(".") :]
        lue = lue_de(data, nom)
        vendeur, acheteur = inscrire_les_parties(lue, demo)
        fichier = tmp_path / nom
        fichier.write_bytes(data)

        page.get_by_role("link", name="Déposer une facture").first.click()
        page.wait_for_load_state()
        verifier_accessibilite(page)
        page.get_by_label("Structure qui facture").select_option(str(vendeur.pk))
        page.get_by_label("Fichier de la facture").set_input_files(str(fichier))
        page.get_by_role("button", name="Déposer").click()
        page.wait_for_load_state()

        # The draft shows what the file says, checked.
        principal = page.get_by_role("main")
        principal.get_by_role("heading", name="Données de la facture").wait_for()
        assert not principal.get_by_text("Contrôles du fichier en cours").is_visible()
        assert not principal.get_by_text("Erreur bloquante").first.is_visible()
        assert principal.get_by_text(lue.numero, exact=False).first.is_visible()
        assert principal.get_by_text(acheteur.raison_sociale).first.is_visible()
        verifier_accessibilite(page)

        principal.get_by_role("button", name="Valider et envoyer").click()
        page.wait_for_load_state()
        verifier_accessibilite(page)
        page.get_by_role("button", name="Confirmer l'envoi").click()
        page.wait_for_load_state()
        assert page.get_by_text("Mise à disposition du destinataire").first.is_visible()
        verifier_accessibilite(page)
        facture = Facture.objects.get(fournisseur=vendeur, numero=lue.numero)
        assert (facture.statut, facture.destinataire) == (S.MISE_A_DISPOSITION, acheteur)


def test_saisir_brouillon_reprendre_envoyer_retrouver(page, demo):
    se_connecter(page, FOURNISSEUR, MOT_DE_PASSE_DEMO)
    aller_dans_l_espace(page)
    page.get_by_role("link", name="Saisir une facture").first.click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("radio", name=re.compile("A1 – Dépôt par un fournisseur")).check()
    page.get_by_role("button", name="Commencer la saisie").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)

    # The recipient, from the directory.
    page.get_by_role("button", name="Choisir le destinataire dans l'annuaire").click()
    page.wait_for_load_state()
    page.get_by_label("Raison sociale").fill("démoville")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Choisir Commune de Démoville").click()
    page.wait_for_load_state()

    # The header.
    page.locator("#id_service_destinataire").select_option(
        label="FINANCES – Direction des finances"
    )
    page.locator("#id_numero_engagement").fill("EJ-2026-0099")
    page.locator("#id_numero").fill("E2E-2026-001")
    page.locator("#id_date_facture").fill("2026-11-20")
    page.locator("#id_mode_paiement").select_option("VIREMENT")
    page.locator("#id_coordonnee_bancaire").select_option(index=1)

    # Three lines at two rates; the totals follow as the user types (htmx).
    lignes = [
        ("Peinture", "12", "MTK", "25,50", "20"),
        ("Enduit", "3", "C62", "14", "20"),
        ("Rampe d'accès", "1", "LS", "900", "10"),
    ]
    for rang, (designation, quantite, unite, prix, taux) in enumerate(lignes):
        if rang:
            page.get_by_role("button", name="Ajouter une ligne").click()
            page.wait_for_load_state()
        page.locator(f"#id_lignes-{rang}-designation").fill(designation)
        page.locator(f"#id_lignes-{rang}-quantite").fill(quantite)
        page.locator(f"#id_lignes-{rang}-unite").fill(unite)
        page.locator(f"#id_lignes-{rang}-prix_unitaire_ht").fill(prix)
        page.locator(f"#id_lignes-{rang}-taux_tva").fill(taux)
    # 306 + 42 = 348 at 20 % (69.60), 900 at 10 % (90): 1,407.60 TTC.
    page.locator("#totaux").get_by_text("1\u00a0407,60 EUR").first.wait_for()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_load_state()
    assert page.get_by_text("Le brouillon est enregistré.").is_visible()

    # Reopened from the Synthèse.
    aller_dans_l_espace(page)
    page.get_by_role("link", name="E2E-2026-001").first.click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("link", name="Modifier le brouillon").click()
    page.wait_for_load_state()
    assert page.locator("#id_lignes-2-designation").input_value() == "Rampe d'accès"
    page.get_by_role("button", name="Valider et envoyer").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Confirmer l'envoi").click()
    page.wait_for_load_state()
    assert page.get_by_text("La facture n° E2E-2026-001 est envoyée").is_visible()
    verifier_accessibilite(page)

    # In the Synthèse's recent events and in Rechercher, at the recipient's.
    aller_dans_l_espace(page)
    evenements = page.get_by_role("main").locator(".fil-evenements")
    assert evenements.get_by_text("E2E-2026-001").first.is_visible()
    page.get_by_role("link", name="Rechercher").first.click()
    page.wait_for_load_state()
    page.get_by_label("Numéro de facture").fill("E2E-2026")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    ligne = page.get_by_role("row").filter(has_text="E2E-2026-001")
    assert ligne.get_by_text("Mise à disposition du destinataire").is_visible()
    for onglet in ("Tableau de bord", "Archives"):
        page.get_by_role("link", name=onglet).first.click()
        page.wait_for_load_state()
        verifier_accessibilite(page)

    # Its Factur-X passes the factur-x XSD check.
    facture = Facture.objects.get(numero="E2E-2026-001")
    assert facture.statut == S.MISE_A_DISPOSITION
    reponse = page.request.get(f"/factures-emises/{facture.pk}/rendu/")
    assert reponse.status == 200
    _nom, xml = facturx.get_facturx_xml_from_pdf(reponse.body(), check_xsd=False)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
