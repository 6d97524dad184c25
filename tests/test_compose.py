"""docker-compose.yml and the Dockerfile, checked against the code they run.

There is no Docker engine in the test environment: the files are parsed and compared with
chorus/settings.py, so that renaming a setting, dropping a service or a health check breaks
the suite instead of the deployment.
"""

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent
SERVICES = {"postgres", "redis", "web", "worker", "beat", "mailcatcher"}
SERVICES_DU_PORTAIL = ("web", "worker", "beat")
VARIABLES_ESSENTIELLES = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DEBUG",
}

# env("X", …), env.bool("X", …), env.db("X", …), env.email_url("X", …)…
_LECTURE_ENV = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# ${VAR}, ${VAR:-default}, ${VAR:?message}: the default as `docker compose` would use it.
_INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?([-?])([^}]*))?\}")


def variables_lues_par_les_reglages() -> set[str]:
    """Names of the environment variables chorus/settings.py reads."""
    return set(_LECTURE_ENV.findall((RACINE / "chorus" / "settings.py").read_text()))


def charger_compose() -> dict:
    return yaml.safe_load((RACINE / "docker-compose.yml").read_text())


def valeur_par_defaut(valeur: str) -> str:
    """The value compose gives when the operator sets nothing (`${X:?…}` has none: '')."""
    return _INTERPOLATION.sub(lambda m: m.group(3) if m.group(2) == "-" else "", str(valeur))


def environnement_du_portail(compose: dict) -> dict[str, str]:
    environnement = compose["services"]["web"]["environment"]
    assert isinstance(environnement, dict), "use the mapping form (the x-environnement anchor)"
    return {nom: str(valeur) for nom, valeur in environnement.items()}


def instructions_du_dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lignes = [
        ligne
        for ligne in (RACINE / "Dockerfile").read_text().splitlines()
        if not ligne.lstrip().startswith("#")
    ]
    texte = re.sub(r"\\\n", " ", "\n".join(lignes))
    instructions = []
    for ligne in texte.splitlines():
        if ligne.strip():
            mot, _, reste = ligne.strip().partition(" ")
            instructions.append((mot.upper(), reste.strip()))
    return instructions


def arguments(instruction: str) -> list[str]:
    return [reste for mot, reste in instructions_du_dockerfile() if mot == instruction]


@pytest.fixture(scope="module")
def compose():
    return charger_compose()


# --- The settings side -----------------------------------------------------------------------


def test_les_variables_lues_par_les_reglages_sont_trouvees():
    # Guards the regular expression: if it found nothing, every check below would be empty.
    lues = variables_lues_par_les_reglages()
    assert VARIABLES_ESSENTIELLES | {"CSRF_TRUSTED_ORIGINS", "SITE_URL", "MEDIA_ROOT"} <= lues


# --- Services --------------------------------------------------------------------------------


def test_les_six_services_sont_declares(compose):
    assert "version" not in compose, "the compose specification has no `version` key"
    assert set(compose["services"]) == SERVICES


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_chaque_service_a_un_controle_de_sante(compose, service):
    controle = compose["services"][service].get("healthcheck")
    assert controle, f"{service} has no healthcheck"
    assert not controle.get("disable")
    test = controle["test"]
    assert test and (isinstance(test, str) or test[0] in ("CMD", "CMD-SHELL"))
    assert test != ["NONE"]


@pytest.mark.parametrize("service", SERVICES_DU_PORTAIL)
def test_le_portail_attend_postgres_et_redis_en_bonne_sante(compose, service):
    dependances = compose["services"][service]["depends_on"]
    assert isinstance(dependances, dict), "the short form cannot wait for a healthy service"
    for requis in ("postgres", "redis"):
        assert dependances[requis]["condition"] == "service_healthy"


def test_images_de_postgres_16_et_redis_7(compose):
    services = compose["services"]
    assert re.fullmatch(r"postgres:16(\.\d+)?(-[a-z0-9.]+)?", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7(\.\d+)*(-[a-z0-9.]+)?", services["redis"]["image"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])


def test_les_donnees_de_postgres_sont_sur_un_volume_nomme(compose):
    volumes = compose["services"]["postgres"]["volumes"]
    nommes = {v.split(":")[0] for v in volumes if v.split(":")[1] == "/var/lib/postgresql/data"}
    assert nommes and nommes <= set(compose["volumes"])


def test_les_services_du_portail_partagent_une_image_et_un_environnement(compose):
    services = compose["services"]
    assert {services[s]["build"] for s in SERVICES_DU_PORTAIL} == {"."}
    environnements = [services[s]["environment"] for s in SERVICES_DU_PORTAIL]
    assert all(e == environnements[0] for e in environnements)
    assert "x-environnement" in compose
    assert compose["x-environnement"] == environnements[0]


def test_web_migre_puis_sert_gunicorn_sur_le_port_8000(compose):
    web = compose["services"]["web"]
    commande = web["command"]
    commande = shlex.split(commande) if isinstance(commande, str) else commande
    assert commande[0] == "migrer"
    assert "gunicorn" in commande and "chorus.wsgi:application" in commande
    assert any(c.endswith("0.0.0.0:8000") for c in commande)
    assert any(str(p).endswith(":8000") for p in web["ports"])
    entree = (RACINE / "docker" / "entrypoint.sh").read_text()
    assert "manage.py migrate --no-input" in entree
    assert 'exec "$@"' in entree
    assert "/sante/" in " ".join(web["healthcheck"]["test"])


def test_worker_et_beat_lancent_celery(compose):
    services = compose["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "chorus", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "chorus", "beat"]
    # The image's HEALTHCHECK (an HTTP call to /sante/) must not apply to them.
    assert "/sante/" not in " ".join(services["worker"]["healthcheck"]["test"])
    assert "/sante/" not in " ".join(services["beat"]["healthcheck"]["test"])


def test_le_capteur_de_courriels_ecoute_en_smtp_sur_1025(compose):
    mailcatcher = compose["services"]["mailcatcher"]
    assert "mailpit" in mailcatcher["image"]
    assert any(str(p).endswith("8025:8025") for p in mailcatcher["ports"])
    email_url = valeur_par_defaut(environnement_du_portail(compose)["EMAIL_URL"])
    assert email_url == "smtp://mailcatcher:1025"


# --- Environment -----------------------------------------------------------------------------


def test_chaque_variable_transmise_est_lue_par_les_reglages(compose):
    lues = variables_lues_par_les_reglages()
    for service in SERVICES_DU_PORTAIL:
        transmises = set(compose["services"][service]["environment"])
        inconnues = transmises - lues
        assert not inconnues, f"{service} receives variables settings.py never reads: {inconnues}"


def test_les_variables_essentielles_sont_transmises(compose):
    environnement = environnement_du_portail(compose)
    assert set(environnement) >= VARIABLES_ESSENTIELLES
    for nom in VARIABLES_ESSENTIELLES - {"SECRET_KEY"}:
        assert valeur_par_defaut(environnement[nom]), f"{nom} is empty by default"


def test_la_production_sans_debug(compose):
    environnement = environnement_du_portail(compose)
    assert environnement["DEBUG"].lower() in ("false", "0", "off", "no")
    # TLS is terminated by the operator's proxy: no redirect from inside the network.
    assert environnement["SECURE_SSL_REDIRECT"].lower() == "false"


def test_compose_refuse_de_demarrer_sans_secret_key(compose):
    # `${SECRET_KEY:?message}`: no default value, compose stops with the message.
    secret = environnement_du_portail(compose)["SECRET_KEY"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", secret)


def test_la_base_et_redis_sont_ceux_de_compose(compose):
    environnement = environnement_du_portail(compose)
    assert valeur_par_defaut(environnement["DATABASE_URL"]).startswith("postgres://")
    assert "@postgres:5432/" in environnement["DATABASE_URL"]
    assert valeur_par_defaut(environnement["REDIS_URL"]).startswith("redis://redis:6379/")


def test_les_documents_sont_sur_un_volume_partage_par_web_et_worker(compose):
    media_root = environnement_du_portail(compose)["MEDIA_ROOT"]
    for service in ("web", "worker"):
        montages = {
            v.split(":")[1]: v.split(":")[0] for v in compose["services"][service]["volumes"]
        }
        assert media_root in montages, f"{service} does not mount {media_root}"
        assert montages[media_root] in compose["volumes"], "MEDIA_ROOT must be a named volume"


# --- Dockerfile ------------------------------------------------------------------------------


def test_le_dockerfile_part_de_python_3_11_slim():
    assert arguments("FROM") == ["python:3.11-slim-bookworm"]


def test_le_conteneur_ne_tourne_pas_en_root():
    utilisateurs = arguments("USER")
    assert utilisateurs, "no USER: the processes would run as root"
    assert utilisateurs[-1].split(":")[0] not in ("root", "0")


def test_la_commande_par_defaut_est_gunicorn_sur_chorus_wsgi():
    commande = " ".join(arguments("ENTRYPOINT") + arguments("CMD"))
    assert "gunicorn" in commande
    assert "chorus.wsgi:application" in commande
    assert "0.0.0.0:8000" in commande
    assert arguments("EXPOSE") == ["8000"]


def test_le_dockerfile_a_un_controle_de_sante_sur_sante():
    controles = arguments("HEALTHCHECK")
    assert len(controles) == 1
    assert "/sante/" in controles[0]
    assert "curl" not in controles[0], "python:3.11-slim has no curl"


def test_la_cle_secrete_n_est_jamais_dans_l_image():
    for environnement in arguments("ENV") + arguments("ARG"):
        assert "SECRET_KEY" not in environnement


def test_l_image_contient_tout_ce_que_le_portail_lit_a_l_execution():
    copies = " ".join(arguments("COPY") + arguments("ADD"))
    inclus = tomllib.loads((RACINE / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    paquets = {motif.rstrip("*") for motif in inclus}
    for chemin in paquets | {"templates", "static", "locale", "manage.py"}:
        assert re.search(rf"(^|\s){re.escape(chemin)}/?(\s|$)", copies), f"{chemin} not copied"
    executions = " ".join(arguments("RUN"))
    assert "pip install -c constraints.txt ." in executions
    assert "pybabel compile -d locale -D django" in executions
    assert "collectstatic --no-input" in executions


def test_le_contexte_de_construction_exclut_les_secrets_et_les_donnees_locales():
    exclus = (RACINE / ".dockerignore").read_text().split()
    for chemin in (".env", ".git", ".venv", "db.sqlite3", "media"):
        assert chemin in exclus
