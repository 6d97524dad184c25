"""Shared fixtures. Tests needing a service say so with a marker:

- `postgres`: skipped on SQLite (with the reason), or failed when CHORUS_EXIGER_SERVICES=1 (CI);
- `redis` / `celery_worker`: need the Redis of CHORUS_TEST_REDIS_URL (default: local 6379/15);
- `e2e`: need Debian's Chromium and axe-core (npm), see tests/e2e/conftest.py.
"""

import os
import uuid

import pytest
from django.conf import settings
from django.db import connection

EXIGER_SERVICES = os.environ.get("CHORUS_EXIGER_SERVICES") == "1"
NOS_GABARITS = str(settings.BASE_DIR / "templates")
REDIS_DE_TEST = os.environ.get("CHORUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_absent(raison: str):
    """Skips the test, or fails it when the run must have every service (CI)."""
    if EXIGER_SERVICES:
        pytest.fail(f"{raison} (CHORUS_EXIGER_SERVICES=1: nothing may be skipped)")
    pytest.skip(raison)


def redis_repond() -> bool:
    import redis

    client = redis.Redis.from_url(REDIS_DE_TEST, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _dans_nos_gabarits() -> bool:
    """Is the template being rendered one of ours (not django-dsfr's, not Django's)?"""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "render":
            origin = getattr(frame.f_locals.get("self"), "origin", None)
            if origin is not None:
                return str(getattr(origin, "name", origin)).startswith(NOS_GABARITS)
        frame = frame.f_back
    return False


class VariableDeGabaritInconnue(str):
    """`string_if_invalid` that fails the test when one of *our* templates uses an undefined
    variable, and is invisible elsewhere.

    Django applies filters to an undefined variable only when `string_if_invalid` is falsy;
    django-dsfr relies on that (`{{ x|default:'fr-input-group' }}`). So this empty string is
    falsy in third-party templates (filters apply, rendering is unchanged) and truthy in ours,
    where Django then formats it with the variable name: that is where the test fails.
    """

    def __bool__(self):
        return _dans_nos_gabarits()

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, variable):
        pytest.fail(f"Undefined template variable {variable!r} in one of the portal's templates")


@pytest.fixture(autouse=True, scope="session")
def _variables_de_gabarit_strictes():
    from django.template import engines

    for engine in engines.all():
        engine.engine.string_if_invalid = VariableDeGabaritInconnue("")


@pytest.fixture(autouse=True)
def _services_requis(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        service_absent("needs PostgreSQL: set DATABASE_URL or start a local PostgreSQL")
    if (
        request.node.get_closest_marker("redis") or request.node.get_closest_marker("celery_worker")
    ) and not redis_repond():
        service_absent(f"needs Redis at {REDIS_DE_TEST}")


@pytest.fixture(autouse=True)
def _reglages_de_test(settings, tmp_path):
    # Fast hashing; files written under a temporary folder; French by default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _celery_en_mode_immediat():
    """Tasks run eagerly in tests, unless a test starts a real worker (celery_worker)."""
    from chorus.celery import app

    ancien = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = ancien


@pytest.fixture
def file_unique():
    """A Celery queue name of the test's own (see tests/celery_reel.py), removed afterwards."""
    import redis

    nom = f"test-chorus-{uuid.uuid4().hex[:12]}"
    yield nom
    # Remove what kombu left in Redis for this queue (the list, its bindings).
    client = redis.Redis.from_url(REDIS_DE_TEST)
    try:
        cles = list(client.scan_iter(match=f"*{nom}*"))
        if cles:
            client.delete(*cles)
        for membre in client.zrange("_kombu.binding_deadlines", 0, -1):
            if nom.encode() in membre:
                client.zrem("_kombu.binding_deadlines", membre)
    finally:
        client.close()


@pytest.fixture
def worker(file_unique, tmp_path):
    """A real prefork worker consuming only `file_unique` (tests/celery_reel.py), on the test
    database, storing files where the test reads them; yields a function reading its output."""
    from tests.celery_reel import lancer_worker

    with lancer_worker(file_unique, tmp_path / "worker.log", pool="prefork") as lire:
        yield lire


@pytest.fixture
def celery_vers_redis():
    """The test process publishes to Redis for real, instead of running tasks eagerly."""
    from chorus.celery import app
    from factures.services.notifications import oublier_planification

    oublier_planification()  # a sweep scheduled by an earlier test went to its own queue

    ancien = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(REDIS_DE_TEST) as connexion:
            yield connexion
    finally:
        app.conf.task_always_eager = ancien
