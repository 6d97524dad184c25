"""chorus/settings.py read in fresh processes: settings are evaluated once, at import.

Each run starts from the caller's environment minus every variable the settings read, and
with the `.env` reading turned off, so that neither the developer's shell nor a local `.env`
changes the outcome. Nothing here opens a connection.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.test_compose import (
    charger_compose,
    environnement_du_portail,
    valeur_par_defaut,
    variables_lues_par_les_reglages,
)

CLE_FORTE = secrets.token_urlsafe(64)
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": CLE_FORTE, "ALLOWED_HOSTS": "chorus.example.fr"}

# Runs before Django: the settings must see only the environment the test gives.
_PREAMBULE = """
import json, os, sys
import environ
environ.Env.read_env = staticmethod(lambda *args, **kwargs: None)
os.environ["DJANGO_SETTINGS_MODULE"] = "chorus.settings"
"""

_LIRE_LES_REGLAGES = """
import django
django.setup()
from django.conf import settings
from chorus.celery import app
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_HOST": settings.DATABASES["default"].get("HOST", ""),
    "DB_OPTIONS": settings.DATABASES["default"].get("OPTIONS", {}),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION", ""),
    "BROKER": settings.CELERY_BROKER_URL,
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "APP_EAGER": app.conf.task_always_eager,
    "APP_BROKER": app.conf.broker_url,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": settings.EMAIL_HOST,
    "EMAIL_PORT": settings.EMAIL_PORT,
    "HSTS": settings.SECURE_HSTS_SECONDS,
    "HSTS_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "SITE_URL": settings.SITE_URL,
}))
"""

_CHECK_DEPLOY = """
from django.core.management import execute_from_command_line
execute_from_command_line(
    ["manage.py", "check", "--deploy", "--fail-level", "WARNING"] + sys.argv[1:]
)
"""


def lancer(code: str, *arguments: str, **variables: str) -> subprocess.CompletedProcess:
    lues = variables_lues_par_les_reglages()
    # Celery reads CELERY_BROKER_URL itself, over the settings: dropped too.
    environnement = {
        nom: valeur
        for nom, valeur in os.environ.items()
        if nom not in lues and not nom.startswith(("DJANGO_", "CELERY_"))
    }
    environnement.update(variables)
    return subprocess.run(
        [sys.executable, "-c", _PREAMBULE + code, *arguments],
        cwd=settings.BASE_DIR,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )


def reglages(**variables: str) -> dict:
    resultat = lancer(_LIRE_LES_REGLAGES, **variables)
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout.strip().splitlines()[-1])


# --- Refusing to start -----------------------------------------------------------------------


def test_sans_debug_ni_secret_key_le_portail_refuse_de_demarrer():
    resultat = lancer(_LIRE_LES_REGLAGES, DEBUG="false", ALLOWED_HOSTS="chorus.example.fr")
    assert resultat.returncode != 0
    assert "ImproperlyConfigured" in resultat.stderr
    assert "SECRET_KEY must be set to a random value of at least 50 characters" in resultat.stderr


@pytest.mark.parametrize(
    "cle",
    [
        "trop-courte",
        secrets.token_urlsafe(64)[:49],  # random, one character short
        "a" * 80,  # long but a single character
        "abcdabcdabcd" * 6,  # 4 distinct characters
        "django-insecure-" + secrets.token_urlsafe(48),  # Django's startproject placeholder
        "dev-only-insecure-key-never-use-in-production",  # the settings' own dev key
    ],
    ids=["courte", "49-caracteres", "un-seul-caractere", "4-caracteres", "insecure", "dev"],
)
def test_une_secret_key_faible_est_refusee_en_production(cle):
    resultat = lancer(_LIRE_LES_REGLAGES, DEBUG="false", SECRET_KEY=cle)
    assert resultat.returncode != 0
    assert "ImproperlyConfigured" in resultat.stderr
    assert "SECRET_KEY must be set" in resultat.stderr


def test_en_debug_la_cle_de_developpement_suffit():
    assert reglages(DEBUG="true")["DEBUG"] is True


# --- Production ------------------------------------------------------------------------------


def test_check_deploy_passe_avec_une_cle_forte_et_des_hotes():
    resultat = lancer(_CHECK_DEPLOY, **PRODUCTION)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


def test_check_deploy_echoue_sans_hsts():
    # The safety net works: a weakened production configuration does not pass.
    resultat = lancer(_CHECK_DEPLOY, **PRODUCTION, SECURE_HSTS_SECONDS="0")
    assert resultat.returncode != 0
    assert "security.W004" in resultat.stdout + resultat.stderr


def test_les_protections_de_production():
    valeurs = reglages(**PRODUCTION)
    assert valeurs["DEBUG"] is False
    assert valeurs["HSTS"] >= 365 * 24 * 3600
    assert valeurs["HSTS_SUBDOMAINS"] is True
    assert valeurs["SESSION_COOKIE_SECURE"] is True
    assert valeurs["CSRF_COOKIE_SECURE"] is True
    assert valeurs["SSL_REDIRECT"] is True
    assert valeurs["PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert valeurs["X_FRAME_OPTIONS"] == "DENY"
    assert valeurs["ALLOWED_HOSTS"] == ["chorus.example.fr"]


def test_la_redirection_https_se_coupe_derriere_un_proxy_tls():
    valeurs = reglages(**PRODUCTION, SECURE_SSL_REDIRECT="false")
    assert valeurs["SSL_REDIRECT"] is False
    # The rest of the protections stay on.
    assert valeurs["SESSION_COOKIE_SECURE"] is True
    assert valeurs["HSTS"] >= 365 * 24 * 3600


# --- Embedded defaults -----------------------------------------------------------------------


def test_sans_aucune_variable_le_portail_tourne_en_local():
    valeurs = reglages()
    assert valeurs["DEBUG"] is True
    assert valeurs["ENGINE"] == "django.db.backends.sqlite3"
    assert valeurs["EAGER"] is True
    assert valeurs["APP_EAGER"] is True
    assert valeurs["BROKER"] == "memory://"
    assert valeurs["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert valeurs["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert valeurs["HSTS"] == 0
    assert valeurs["SSL_REDIRECT"] is False
    assert valeurs["SESSION_COOKIE_SECURE"] is False


def test_avec_redis_le_cache_et_le_broker_passent_par_redis():
    url = "redis://redis.example.invalid:6379/3"
    valeurs = reglages(REDIS_URL=url)
    assert valeurs["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert valeurs["CACHE_LOCATION"] == url
    assert valeurs["BROKER"] == url
    assert valeurs["APP_BROKER"] == url
    assert valeurs["EAGER"] is False
    assert valeurs["APP_EAGER"] is False


def test_une_url_smtp_donne_le_backend_smtp():
    valeurs = reglages(EMAIL_URL="smtp://relais.example.fr:2525")
    assert valeurs["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert valeurs["EMAIL_HOST"] == "relais.example.fr"
    assert valeurs["EMAIL_PORT"] == 2525


# --- PostgreSQL ------------------------------------------------------------------------------


def test_postgresql_lie_les_parametres_sans_preparer_les_requetes():
    options = reglages(DATABASE_URL="postgres://u@db.example.fr:5432/chorus")["DB_OPTIONS"]
    assert options["server_side_binding"] is True
    # Never prepared, so never a generic plan: a supplier of 20,000 invoices is not the
    # average one. And no plan_cache_mode: it would re-plan every foreign-key check.
    assert options["prepare_threshold"] is None
    assert "plan_cache_mode" not in options["options"]
    assert "jit=off" in options["options"]


def test_un_seuil_de_preparation_se_regle():
    options = reglages(
        DATABASE_URL="postgres://u@db.example.fr:5432/chorus", DATABASE_PREPARE_THRESHOLD="5"
    )["DB_OPTIONS"]
    assert options["prepare_threshold"] == 5
    assert options["server_side_binding"] is True


def test_sqlite_n_a_aucune_de_ces_options():
    assert reglages(DATABASE_URL="sqlite:////tmp/chorus-test.sqlite3")["DB_OPTIONS"] == {}


# --- The compose environment, as the containers receive it -----------------------------------


def test_l_environnement_de_compose_donne_une_configuration_de_production():
    variables = {
        nom: valeur_par_defaut(valeur)
        for nom, valeur in environnement_du_portail(charger_compose()).items()
    }
    variables["SECRET_KEY"] = CLE_FORTE
    valeurs = reglages(**variables)
    assert valeurs["DEBUG"] is False
    assert valeurs["ENGINE"] == "django.db.backends.postgresql"
    assert valeurs["DB_HOST"] == "postgres"
    assert valeurs["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert valeurs["BROKER"].startswith("redis://redis:6379/")
    assert valeurs["APP_EAGER"] is False
    assert valeurs["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (valeurs["EMAIL_HOST"], valeurs["EMAIL_PORT"]) == ("mailcatcher", 1025)
    assert valeurs["MEDIA_ROOT"] == variables["MEDIA_ROOT"]
    assert valeurs["SSL_REDIRECT"] is False
    assert valeurs["SESSION_COOKIE_SECURE"] is True
    assert valeurs["SITE_URL"] == variables["SITE_URL"]
