"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Fixtures offered to every test of this folder:

- `navigateur` (session): the headless Chromium, launched once;
- `page` (function): a fresh browser context (locale fr-FR) and its page, closed after the test;
  it brings `live_server` and a transactional database with it;
  its `base_url` is the live server, so `page.goto("/compte/")` or `page.goto(reverse(...))`;
- `se_connecter(page, email, mot_de_passe=MOT_DE_PASSE)`: signs in through the public form;
- `verifier_accessibilite(page)`: runs axe-core (WCAG 2.0/2.1 A and AA) on the current page
  and fails with the list of violations; with CHORUS_E2E_CAPTURES=<folder> set, it first saves
  a full-page screenshot there (to look at the DSFR rendering).

Every test here carries the `e2e` marker. Without /usr/bin/chromium or axe-core (`make
e2e-deps`), the tests are skipped, or fail when CHORUS_EXIGER_SERVICES=1 (CI).

Playwright's sync API runs an event loop in the test thread: Django's ORM would refuse to run
there (SynchronousOnlyOperation) without DJANGO_ALLOW_ASYNC_UNSAFE.
"""

import itertools
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.conftest import service_absent
from tests.habilitations.factories import MOT_DE_PASSE

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARGUMENTS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Playwright's default is 30 s: a page of this portal answers in well under a second.
DELAI_MS = 10_000
REGLES_WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# CHORUS_E2E_CAPTURES=/tmp/captures: a full-page screenshot before each accessibility check.
CAPTURES = (
    Path(os.environ["CHORUS_E2E_CAPTURES"]) if os.environ.get("CHORUS_E2E_CAPTURES") else None
)
_numeros = itertools.count(1)

DOSSIER = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if DOSSIER in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def _outils_manquants() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"needs axe-core at {AXE} (make e2e-deps)"
    return None


@pytest.fixture(scope="session")
def navigateur():
    manque = _outils_manquants()
    if manque:
        service_absent(manque)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGUMENTS_CHROMIUM, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(navigateur, live_server, transactional_db):
    """A new page in its own context (cookies, language), French like most users."""
    context = navigateur.new_context(
        locale="fr-FR",
        color_scheme="light",
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DELAI_MS)
    onglet = context.new_page()
    yield onglet
    context.close()


def se_connecter(page, email: str, mot_de_passe: str = MOT_DE_PASSE) -> None:
    """Signs in from the public home page (leaves the browser on the page reached)."""
    page.goto("/")
    formulaire = page.get_by_role("main")
    formulaire.get_by_label("Adresse électronique").fill(email)
    formulaire.get_by_label("Mot de passe", exact=True).fill(mot_de_passe)
    formulaire.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def verifier_accessibilite(page, *, exclure: list[str] | None = None) -> None:
    """Runs axe-core on the page as it stands and fails on any WCAG 2.1 A/AA violation.

    `exclure`: CSS selectors of regions to leave out (say why at the call site).
    """
    if CAPTURES:
        CAPTURES.mkdir(parents=True, exist_ok=True)
        nom = re.sub(r"[^\w-]+", "_", urlsplit(page.url).path).strip("_") or "accueil"
        page.screenshot(path=CAPTURES / f"{next(_numeros):03d}-{nom}.png", full_page=True)
    page.add_script_tag(path=str(AXE))
    contexte = {"exclude": [[s] for s in exclure]} if exclure else None
    resultats = page.evaluate(
        """([contexte, regles]) => axe.run(contexte || document, {
            runOnly: {type: "tag", values: regles},
            resultTypes: ["violations"],
        })""",
        [contexte, REGLES_WCAG],
    )
    violations = resultats["violations"]
    if violations:
        lignes = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lignes.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
            for noeud in v["nodes"][:10]:
                lignes.append(f"    {' '.join(map(str, noeud['target']))}")
                if noeud.get("failureSummary"):
                    resume = noeud["failureSummary"].replace("\n", " ")
                    lignes.append(f"      {resume}")
        pytest.fail("\n".join(lignes), pytrace=False)


@pytest.fixture
def demo(settings):
    """The demo data (`manage.py demo`, which wants DEBUG on), and its structures by name."""
    from django.core.management import call_command

    from structures.models import Structure

    settings.DEBUG = True
    with open(os.devnull, "w") as sortie:
        call_command("demo", stdout=sortie)
    settings.DEBUG = False
    return {s.raison_sociale: s for s in Structure.objects.all()}
