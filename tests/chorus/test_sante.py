"""/sante/: the probe of load balancers and of docker-compose's web health check."""

import pytest
from django.urls import reverse

from tests.conftest import REDIS_DE_TEST

VERIFICATIONS = {"base_de_donnees", "redis", "stockage"}
PORT_FERME = "redis://127.0.0.1:1/0"


@pytest.fixture
def sans_redis(settings):
    settings.REDIS_URL = ""


def sonder(client):
    response = client.get(reverse("sante"))
    assert response["Content-Type"] == "application/json"
    # A probe must reach the portal every time, never a cache.
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control
    assert "no-store" in cache_control
    assert "max-age=0" in cache_control
    return response, response.json()


def test_en_bonne_sante_sans_redis_configure(client, db, sans_redis):
    response, corps = sonder(client)
    assert response.status_code == 200
    assert corps["statut"] == "ok"
    assert set(corps["verifications"]) == VERIFICATIONS
    assert all(v["ok"] for v in corps["verifications"].values())
    assert corps["verifications"]["redis"]["detail"] == "non configuré"


def test_accessible_sans_connexion(client, db, settings, sans_redis):
    # The portal asks a login everywhere else (LoginRequiredMiddleware).
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert client.get(reverse("espace", args=["fournisseur"])).status_code == 302
    response, _ = sonder(client)
    assert response.status_code == 200


def test_redis_injoignable_rend_503(client, db, settings):
    settings.REDIS_URL = PORT_FERME
    response, corps = sonder(client)
    assert response.status_code == 503
    assert corps["statut"] == "degrade"
    verifications = corps["verifications"]
    assert verifications["redis"]["ok"] is False
    assert verifications["redis"]["erreur"]
    assert verifications["base_de_donnees"]["ok"] is True
    assert verifications["stockage"]["ok"] is True


def test_stockage_en_echec_rend_503(client, db, settings, tmp_path, sans_redis):
    # MEDIA_ROOT is a file: no folder can be created under it, whoever runs the tests (root
    # ignores read-only permissions, not this).
    fichier = tmp_path / "pas-un-dossier"
    fichier.write_text("")
    settings.MEDIA_ROOT = fichier
    response, corps = sonder(client)
    assert response.status_code == 503
    assert corps["statut"] == "degrade"
    verifications = corps["verifications"]
    assert verifications["stockage"]["ok"] is False
    assert verifications["base_de_donnees"]["ok"] is True
    assert verifications["redis"]["ok"] is True


def test_le_controle_du_stockage_ne_laisse_aucun_fichier(client, db, settings, sans_redis):
    response, _ = sonder(client)
    assert response.status_code == 200
    restes = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert restes == []


@pytest.mark.redis
def test_avec_un_redis_qui_repond(client, db, settings):
    settings.REDIS_URL = REDIS_DE_TEST
    response, corps = sonder(client)
    assert response.status_code == 200
    assert corps["statut"] == "ok"
    assert corps["verifications"]["redis"] == {"ok": True}


def test_exemptee_de_la_redirection_https(client, db, settings, sans_redis):
    # Container health checks call it over plain HTTP from inside the network.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("accueil")).status_code == 301
    response, corps = sonder(client)
    assert response.status_code == 200
    assert corps["statut"] == "ok"
