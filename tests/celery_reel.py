"""A real Celery worker for the tests that must prove a task works outside the test process.

`lancer_worker(...)` starts `celery -A chorus worker` as a subprocess, consuming only a queue
of its own (so that parallel runs and other tests never feed it), on the test database and
the test Redis, with its output captured in a file; it yields a function that reads that
output. The fixtures `file_unique` and `celery_vers_redis` (tests/conftest.py) give the queue
and a publishing connection to Redis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ATTENTE_MAX = 90  # seconds; a deadline for waiting, never a timing assertion
DEMARRAGE_MAX = 60


def url_de_la_base_de_test() -> str:
    reglages = connection.settings_dict
    identifiants = quote(reglages["USER"] or "", safe="")
    if reglages["PASSWORD"]:
        identifiants += ":" + quote(reglages["PASSWORD"], safe="")
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or 5432
    return f"postgres://{identifiants}@{hote}:{port}/{reglages['NAME']}"


def attendre(condition: Callable[[], bool], delai: float, message: str) -> None:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(message)


def attendre_la_tache(tache, worker: Callable[[], str], quoi: str) -> None:
    """Waits until the worker reports `tache` (an AsyncResult) done; fails with the worker's
    output if it did not within ATTENTE_MAX, or if the worker printed a traceback."""
    attendre(
        lambda: f"[{tache.id}] succeeded" in worker() or "Traceback" in worker(),
        ATTENTE_MAX,
        f"the worker did not {quoi}:\n{worker()}",
    )
    assert "Traceback" not in worker(), worker()


@contextmanager
def publier_vers(url: str) -> Iterator[None]:
    """Within the block, tasks are published for real to the broker at `url` instead of
    running eagerly. Celery caches its broker connection pools: the block starts from fresh
    ones, and leaves none behind."""
    from kombu import pools

    from chorus.celery import app

    avant = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        # kombu keeps producer pools per broker in a global registry too: close them all, so
        # that the next block on the same address does not get this block's closed pool.
        pools.reset()
        app._pool = app.amqp._producer_pool = None
        app.conf.task_always_eager, app.conf.broker_url = avant


@contextmanager
def lancer_worker(
    file: str,
    journal: Path,
    *,
    pool: str = "solo",
    concurrence: int = 1,
    inclure: Sequence[str] = (),
    base_de_test: bool = True,
    environnement: dict[str, str] | None = None,
) -> Iterator[Callable[[], str]]:
    """Runs a worker on `file` until the block ends; yields the reader of its output.

    `base_de_test`: the worker uses the test database (tasks that read or write rows);
    `inclure`: extra task modules (test-only tasks); `environnement`: more variables."""
    from tests.conftest import REDIS_DE_TEST

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chorus.settings",
        "REDIS_URL": REDIS_DE_TEST,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "consolemail://",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        # What its tasks enqueue (a sweep of notifications, e-mails) stays in its own queue.
        "CELERY_TASK_DEFAULT_QUEUE": file,
        **(environnement or {}),
    }
    if base_de_test:
        env["DATABASE_URL"] = url_de_la_base_de_test()
    commande = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "chorus",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrence}",
        *(f"--include={module}" for module in inclure),
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        file,
        "-n",
        f"{file}@%h",
        "--loglevel=INFO",
    ]
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(
            commande, cwd=settings.BASE_DIR, env=env, stdout=sortie, stderr=subprocess.STDOUT
        )

    def lire() -> str:
        return journal.read_text(errors="replace")

    try:
        attendre(
            lambda: " ready." in lire() or processus.poll() is not None,
            DEMARRAGE_MAX,
            "the worker did not start",
        )
        assert processus.poll() is None, f"the worker stopped:\n{lire()}"
        yield lire
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=20)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait(timeout=10)
