"""Issue 3's acceptance flow, in headless Chromium: sign up with a SIRET, activate, manage,
let a colleague join, approve him; axe-core on every page visited."""

import re

import pytest
from django.core import mail
from stdnum import luhn

from habilitations.models import Utilisateur
from structures.models import Service, Structure
from tests.e2e.conftest import se_connecter, verifier_accessibilite

pytestmark = pytest.mark.e2e

MOT_DE_PASSE_GP = "Gestion-Principale-2026"
MOT_DE_PASSE_COLLEGUE = "Collegue-Comptable-2026"


def siret_neuf() -> str:
    siren = "73282932"
    siren += luhn.calc_check_digit(siren)
    corps = siren + "0042"
    return corps + luhn.calc_check_digit(corps)


def lien_d_activation(destinataire: str) -> str:
    [courriel] = [m for m in mail.outbox if destinataire in m.to]
    return re.search(r"https?://[^/\s]+(/compte/activation/\S+/)", courriel.body).group(1)


def s_inscrire(page, *, email, prenom, nom, mot_de_passe, siret, raison_sociale=""):
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").click()
    verifier_accessibilite(page)
    page.locator("#id_email").fill(email)
    page.locator("#id_prenom").fill(prenom)
    page.locator("#id_nom").fill(nom)
    page.locator("#id_password1").fill(mot_de_passe)
    page.locator("#id_password2").fill(mot_de_passe)
    page.locator("#id_type_identifiant").select_option("SIRET")
    page.locator("#id_identifiant").fill(siret)
    if raison_sociale:
        page.locator("#id_raison_sociale").fill(raison_sociale)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def activer(page, email):
    page.goto(lien_d_activation(email))
    verifier_accessibilite(page)
    page.get_by_role("button", name="Activer mon compte").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def se_deconnecter(page):
    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state()


def test_inscription_activation_service_rattachement_et_approbation(page):
    siret = siret_neuf()

    # 1. A supplier signs up with a fresh SIRET and activates his account.
    s_inscrire(
        page,
        email="claire.gp@exemple.fr",
        prenom="Claire",
        nom="Garnier",
        mot_de_passe=MOT_DE_PASSE_GP,
        siret=siret,
        raison_sociale="Menuiseries Garnier",
    )
    assert Utilisateur.objects.get(email="claire.gp@exemple.fr").is_active is False
    activer(page, "claire.gp@exemple.fr")
    structure = Structure.objects.get(identifiant=siret)
    assert structure.gestionnaire_principal.email == "claire.gp@exemple.fr"

    # 2. First sign-in as GP; the Organisation space is in the menu.
    se_connecter(page, "claire.gp@exemple.fr", MOT_DE_PASSE_GP)
    assert page.get_by_role("heading", name="Bonjour Claire").is_visible()
    page.get_by_role("navigation", name="Espaces").get_by_role("link", name="Organisation").click()
    verifier_accessibilite(page)
    page.get_by_role("main").get_by_role(
        "link", name=re.compile("Menuiseries Garnier")
    ).first.click()
    verifier_accessibilite(page)

    # 3. She creates a service.
    page.get_by_role("link", name="Services").first.click()
    verifier_accessibilite(page)
    page.get_by_role("link", name="Créer un service").click()
    page.locator("#id_code").fill("ATELIER")
    page.locator("#id_libelle").fill("Atelier de Lyon")
    page.locator("#id_date_debut").fill("2026-11-01")
    verifier_accessibilite(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert Service.objects.filter(structure=structure, code="ATELIER").exists()
    assert page.get_by_role("main").get_by_text("Atelier de Lyon").first.is_visible()
    se_deconnecter(page)

    # 4. A colleague signs up with the same SIRET: an attachment request, told to the GP
    #    once he has activated his account.
    mail.outbox.clear()
    s_inscrire(
        page,
        email="paul.compta@exemple.fr",
        prenom="Paul",
        nom="Roux",
        mot_de_passe=MOT_DE_PASSE_COLLEGUE,
        siret=siret,
    )
    activer(page, "paul.compta@exemple.fr")
    assert any("claire.gp@exemple.fr" in m.to for m in mail.outbox)

    # 5. The GP approves the request in Approbations.
    se_connecter(page, "claire.gp@exemple.fr", MOT_DE_PASSE_GP)
    page.goto(f"/organisation/structures/{structure.pk}/approbations/")
    verifier_accessibilite(page)
    ligne = page.get_by_role("row").filter(has_text="paul.compta@exemple.fr")
    ligne.get_by_role("button", name=re.compile("^Approuver")).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    se_deconnecter(page)

    # 6. The colleague sees the structure in Mes rattachements and his spaces in the menu.
    se_connecter(page, "paul.compta@exemple.fr", MOT_DE_PASSE_COLLEGUE)
    menu = page.get_by_role("navigation", name="Espaces")
    assert menu.get_by_role("link", name="Factures émises").is_visible()
    page.goto("/compte/rattachements/")
    verifier_accessibilite(page)
    rattachement = page.get_by_role("row").filter(has_text="Menuiseries Garnier")
    assert rattachement.get_by_text("Actif").is_visible()
