"""The public directory in a real browser: a visitor searches, sorts, corrects a criterion and
opens the page of the structure to invoice."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import verifier_accessibilite
from tests.structures.factories import ServiceFactory, StructureFactory


def test_un_visiteur_cherche_une_structure_publique_et_ouvre_sa_fiche(page):
    evry = StructureFactory(
        publique=True,
        raison_sociale="Mairie d'Évry-Courcouronnes",
        identifiant="21910228700011",
        ville="Évry-Courcouronnes",
        code_postal="91000",
        code_service_obligatoire=True,
    )
    ServiceFactory(structure=evry, code="FIN", libelle="Direction des finances")
    StructureFactory(publique=True, raison_sociale="Mairie de Dijon", ville="Dijon")
    StructureFactory(publique=True, raison_sociale="Lycée Jean Moulin", ville="Albi")

    page.goto("/annuaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des structures publiques")
    recherche = page.get_by_role("search", name="Rechercher une structure publique")
    recherche.get_by_label(re.compile("^Raison sociale")).fill("mairie")
    recherche.get_by_role("button", name="Rechercher").click()

    resultats = page.locator("#resultats")
    expect(resultats.get_by_role("caption")).to_have_text("2 structures publiques trouvées")
    lignes = resultats.get_by_role("row")
    expect(lignes.nth(1)).to_contain_text("Mairie d'Évry-Courcouronnes")
    expect(lignes.nth(2)).to_contain_text("Mairie de Dijon")
    # The criterion stays in its field.
    expect(recherche.get_by_label(re.compile("^Raison sociale"))).to_have_value("mairie")
    verifier_accessibilite(page)

    resultats.get_by_role("link", name=re.compile("^Ville")).click()
    expect(lignes.nth(1)).to_contain_text("Dijon")
    expect(lignes.nth(2)).to_contain_text("Évry-Courcouronnes")

    recherche.get_by_label(re.compile("^Identifiant")).fill("21")
    recherche.get_by_role("button", name="Rechercher").click()
    champ = page.get_by_label(re.compile("^Identifiant"))
    expect(champ).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(
        "Saisissez au moins 3 caractères de l'identifiant"
    )
    verifier_accessibilite(page)

    champ.fill("2191022")
    page.get_by_role("button", name="Rechercher").click()
    page.locator("#resultats").get_by_role("link", name="Mairie d'Évry-Courcouronnes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mairie d'Évry-Courcouronnes")
    expect(page.get_by_role("main")).to_contain_text("Direction des finances")
    verifier_accessibilite(page)
