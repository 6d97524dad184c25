"""The first user flows in a real browser: home pages, sign-in and out, language, password."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import se_connecter, verifier_accessibilite
from tests.habilitations.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.structures.factories import StructureFactory

NOUVEAU_MOT_DE_PASSE = "Un-tout-nouveau-secret-42"


@pytest.fixture
def fournisseur():
    """The gestionnaire principal (GP) of a supplier (private structure)."""
    return UtilisateurFactory(gestionnaire_de=StructureFactory())


def entete(page):
    return page.get_by_role("banner")


def expect_deconnecte(page):
    expect(entete(page).get_by_role("link", name="Se connecter")).to_be_visible()
    expect(entete(page).get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_accueil_public_presente_le_portail_la_connexion_et_la_creation_de_compte(page):
    page.goto("/")

    expect(page).to_have_title("Accueil — Chorus Pro")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Facturez la sphère publique, simplement"
    )
    contenu = page.get_by_role("main")
    expect(contenu.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(contenu.get_by_label("Adresse électronique")).to_be_visible()
    expect(contenu.get_by_label("Mot de passe", exact=True)).to_be_visible()
    expect(contenu.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(contenu.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    expect(contenu.get_by_text(re.compile("^Créer un compte"))).to_be_visible()
    expect_deconnecte(page)
    # The DSFR stylesheet is served and applied (else colour contrast checks mean nothing).
    expect(page.get_by_role("button", name="Se connecter")).to_have_css(
        "background-color", "rgb(0, 0, 145)"
    )
    verifier_accessibilite(page)


def test_connexion_avec_un_mauvais_mot_de_passe_affiche_une_erreur(page, fournisseur):
    se_connecter(page, fournisseur.email, "pas-le-bon-mot-de-passe")

    expect(page.get_by_role("main")).to_contain_text(
        "Adresse électronique ou mot de passe incorrect."
    )
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("Bonjour"))
    expect_deconnecte(page)
    verifier_accessibilite(page)


def test_un_fournisseur_connecte_arrive_sur_son_accueil_et_ses_espaces(page, fournisseur):
    se_connecter(page, fournisseur.email)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {fournisseur.prenom}")
    expect(page.get_by_role("status")).to_contain_text(f"Bienvenue, {fournisseur.get_full_name()}.")
    espaces = page.get_by_role("navigation", name="Espaces")
    expect(espaces.get_by_role("link", name="Factures émises")).to_be_visible()
    expect(espaces.get_by_role("link", name="Factures reçues")).to_have_count(0)
    expect(entete(page).get_by_role("button", name="Se déconnecter")).to_be_visible()
    verifier_accessibilite(page)

    espaces.get_by_role("link", name="Factures émises").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Factures émises")
    verifier_accessibilite(page)


def test_le_bouton_de_langue_passe_l_interface_en_anglais_et_le_retient(page, fournisseur):
    se_connecter(page, fournisseur.email)

    entete(page).get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(entete(page).get_by_role("button", name="Français")).to_be_visible()
    fournisseur.refresh_from_db()
    assert fournisseur.langue == "en"
    verifier_accessibilite(page)

    entete(page).get_by_role("button", name="Français").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {fournisseur.prenom}")
    fournisseur.refresh_from_db()
    assert fournisseur.langue == "fr"


def test_en_anglais_le_texte_des_pages_est_traduit(page, fournisseur):
    """Needs the compiled English catalogue (`make messages`)."""
    fournisseur.langue = "en"
    fournisseur.save(update_fields=["langue"])

    se_connecter(page, fournisseur.email)

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello {fournisseur.prenom}")
    expect(entete(page).get_by_role("button", name="Sign out")).to_be_visible()
    verifier_accessibilite(page)


def test_se_deconnecter_ramene_a_l_accueil_public(page, fournisseur):
    se_connecter(page, fournisseur.email)

    entete(page).get_by_role("button", name="Se déconnecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Facturez la sphère publique, simplement"
    )
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté.")
    expect_deconnecte(page)
    page.goto("/compte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Chorus Pro")


def test_mot_de_passe_oublie_de_la_demande_a_la_connexion(page, fournisseur):
    page.goto("/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    verifier_accessibilite(page)

    page.get_by_label("Adresse électronique de connexion").fill(fournisseur.email)
    page.get_by_role("button", name="Recevoir le lien").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    verifier_accessibilite(page)
    # The live server runs in a thread of this process: it fills the same locmem outbox.
    [courriel] = mail.outbox
    assert courriel.to == [fournisseur.email]
    # The link is on the portal's public address (SITE_URL): its path, on the live server.
    [lien] = re.findall(r"https?://[^/\s]+(/compte/reinitialiser/\S+/)", courriel.body)

    page.goto(lien)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    verifier_accessibilite(page)
    page.get_by_role("textbox", name=re.compile("^Nouveau mot de passe")).fill(NOUVEAU_MOT_DE_PASSE)
    page.get_by_role("textbox", name=re.compile("^Confirmation du nouveau")).fill(
        NOUVEAU_MOT_DE_PASSE
    )
    page.get_by_role("button", name="Enregistrer le mot de passe").click()

    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été réinitialisé.")
    se_connecter(page, fournisseur.email, MOT_DE_PASSE)
    expect(page.get_by_role("main")).to_contain_text("mot de passe incorrect")
    se_connecter(page, fournisseur.email, NOUVEAU_MOT_DE_PASSE)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {fournisseur.prenom}")


def test_mon_compte_est_accessible(page, fournisseur):
    se_connecter(page, fournisseur.email)

    entete(page).get_by_role("link", name=re.compile("^Mon compte")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_role("main")).to_contain_text(fournisseur.email)
    verifier_accessibilite(page)
