"""Every URL of the portal, fetched by every role: what each one gets.

A new URL fails `test_chaque_url_est_dans_la_matrice` until its row is added here, so no page
ships without saying who may see it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from habilitations.enums import Application, Niveau
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonyme", "fournisseur", "entite", "agent_service", "support"]


def _noms(patterns, prefixe=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            yield from _noms(p.url_patterns, f"{p.namespace}:" if p.namespace else prefixe)
        elif isinstance(p, URLPattern) and p.name:
            yield prefixe + p.name


@pytest.fixture
def utilisateurs():
    fournisseur_structure = StructureFactory()
    entite = StructureFactory(publique=True)
    service = ServiceFactory(structure=entite)
    agent = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=agent,
        structure=entite,
        service=service,
        application=Application.FACTURES_RECUES,
        niveau=Niveau.CONSULTATION,
    )
    return {
        "anonyme": None,
        "fournisseur": UtilisateurFactory(gestionnaire_de=fournisseur_structure),
        "entite": UtilisateurFactory(gestionnaire_de=entite),
        "agent_service": agent,
        "support": UtilisateurFactory(est_agent_support=True),
    }


def _espace(code):
    return reverse("espace", args=[code.lower().replace("_", "-")])


# name -> (url, {role: expected status}); "302" means redirected to sign in.
MATRICE = {
    "accueil": (lambda: reverse("accueil"), dict.fromkeys(ROLES, 200)),
    "sante": (lambda: reverse("sante"), dict.fromkeys(ROLES, 200)),
    "changer_langue": (lambda: reverse("changer_langue"), dict.fromkeys(ROLES, 405)),
    "habilitations:connexion": (
        lambda: reverse("habilitations:connexion"),
        {r: 200 if r == "anonyme" else 302 for r in ROLES},
    ),
    "habilitations:deconnexion": (
        lambda: reverse("habilitations:deconnexion"),
        {r: 302 if r == "anonyme" else 405 for r in ROLES},
    ),
    "habilitations:mot_de_passe_oublie": (
        lambda: reverse("habilitations:mot_de_passe_oublie"),
        dict.fromkeys(ROLES, 200),
    ),
    "habilitations:mot_de_passe_oublie_envoye": (
        lambda: reverse("habilitations:mot_de_passe_oublie_envoye"),
        dict.fromkeys(ROLES, 200),
    ),
    "habilitations:mot_de_passe_nouveau": (
        lambda: reverse("habilitations:mot_de_passe_nouveau", args=["MQ", "jeton-invalide"]),
        dict.fromkeys(ROLES, 200),
    ),
    "habilitations:mot_de_passe_changer": (
        lambda: reverse("habilitations:mot_de_passe_changer"),
        {r: 302 if r == "anonyme" else 200 for r in ROLES},
    ),
    "habilitations:mon_compte": (
        lambda: reverse("habilitations:mon_compte"),
        {r: 302 if r == "anonyme" else 200 for r in ROLES},
    ),
}

# The spaces: who opens which.
ESPACES_OUVERTS = {
    "anonyme": set(),
    "fournisseur": {
        "FACTURES_EMISES",
        "FACTURES_A_VALIDER",
        "FACTURES_TRAVAUX",
        "SOLLICITATIONS_EMISES",
        "SOLLICITATIONS_RECUES",
        "ORGANISATION",
    },
    "entite": set(Application.values),
    "agent_service": {"FACTURES_RECUES"},
    "support": set(),
}


def test_chaque_url_est_dans_la_matrice():
    noms = set(_noms(get_resolver().url_patterns))
    assert noms == set(MATRICE) | {"espace"}


@pytest.mark.parametrize("role", ROLES)
def test_chaque_role_obtient_ce_que_la_matrice_prevoit(client, utilisateurs, role):
    if utilisateurs[role]:
        client.force_login(utilisateurs[role])
    for nom, (url, attendus) in MATRICE.items():
        response = client.get(url())
        assert response.status_code == attendus[role], f"{nom} as {role}"
        if response.status_code == 302 and role == "anonyme":
            assert response["Location"].startswith(reverse("habilitations:connexion"))


@pytest.mark.parametrize("role", ROLES)
def test_chaque_espace_est_ouvert_aux_seuls_habilites(client, utilisateurs, role):
    if utilisateurs[role]:
        client.force_login(utilisateurs[role])
    for application in Application:
        response = client.get(_espace(application))
        if role == "anonyme":
            assert response.status_code == 302
        elif application in ESPACES_OUVERTS[role]:
            assert response.status_code == 200, f"{application} as {role}"
        else:
            assert response.status_code == 404, f"{application} as {role}"
    assert client.get(reverse("espace", args=["inconnu"])).status_code in (302, 404)


def test_le_menu_des_espaces_suit_les_habilitations(client, utilisateurs):
    client.force_login(utilisateurs["agent_service"])
    contenu = client.get(reverse("accueil")).content.decode()
    assert "Factures reçues" in contenu
    assert "Factures émises" not in contenu


def test_la_page_d_accueil_connectee_reste_sobre_en_requetes(
    client, utilisateurs, django_assert_max_num_queries
):
    client.force_login(utilisateurs["entite"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accueil")).status_code == 200
