"""Every URL of the portal, fetched by every persona: what each one gets.

A new URL fails `test_chaque_url_est_dans_la_matrice` until its row is written in one of the
tests/matrice/ modules, so no page ships without saying who may see it.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrice
from habilitations.enums import Application
from tests.matrice.monde import PERSONAS, construire_monde

pytestmark = pytest.mark.django_db

# Every module of tests/matrice/ but `monde` gives the rows of one area (`lignes(monde)`).
MODULES = [
    importlib.import_module(f"tests.matrice.{info.name}")
    for info in pkgutil.iter_modules(tests.matrice.__path__)
    if info.name != "monde"
]


def _noms(patterns, prefixe=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            yield from _noms(p.url_patterns, f"{p.namespace}:" if p.namespace else prefixe)
        elif isinstance(p, URLPattern) and p.name:
            yield prefixe + p.name


@pytest.fixture
def monde():
    return construire_monde()


def _matrice(monde):
    matrice = {}
    for module in MODULES:
        lignes = module.lignes(monde)
        assert not set(lignes) & set(matrice), f"{module.__name__} repeats a row"
        matrice.update(lignes)
    return matrice


def test_chaque_url_est_dans_la_matrice(monde):
    noms = set(_noms(get_resolver().url_patterns))
    assert noms == set(_matrice(monde)) | {"espace"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_chaque_persona_obtient_ce_que_la_matrice_prevoit(client, monde, persona):
    matrice = _matrice(monde)
    user = monde.utilisateurs[persona]
    if user:
        client.force_login(user)
    for nom, (url, attendus) in matrice.items():
        response = client.get(url)
        assert response.status_code == attendus[persona], f"{nom} ({url}) as {persona}"
        if response.status_code == 302 and persona == "anonyme":
            assert response["Location"].startswith(reverse("habilitations:connexion")), nom


# The spaces each persona opens (the entity is public: it opens every space).
ESPACES_OUVERTS = {
    "anonyme": set(),
    "consultation": set(Application.values),
    "modification": set(Application.values),
    "gp": set(Application.values),
    "autre": set(Application.values),
    "support": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_chaque_espace_est_ouvert_aux_seuls_habilites(client, monde, persona):
    if monde.utilisateurs[persona]:
        client.force_login(monde.utilisateurs[persona])
    for application in Application:
        response = client.get(reverse("espace", args=[application.lower().replace("_", "-")]))
        if persona == "anonyme":
            assert response.status_code == 302
        elif application in ESPACES_OUVERTS[persona]:
            assert response.status_code in (200, 302), f"{application} as {persona}"
        else:
            assert response.status_code == 404, f"{application} as {persona}"


def test_le_menu_des_espaces_suit_les_habilitations(client, monde):
    from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory

    agent = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=agent,
        structure=monde.entite,
        service=monde.service,
        application=Application.FACTURES_RECUES,
        niveau="CONSULTATION",
    )
    client.force_login(agent)
    contenu = client.get(reverse("accueil")).content.decode()
    assert "Factures reçues" in contenu
    assert "Factures émises" not in contenu


def test_la_page_d_accueil_connectee_reste_sobre_en_requetes(
    client, monde, django_assert_max_num_queries
):
    client.force_login(monde.utilisateurs["gp"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accueil")).status_code == 200
