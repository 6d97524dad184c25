"""controler() inside a real Celery worker, prefork pool of two processes, fed through Redis:
each child compiles its stylesheets once, on its first invoice, and reuses them after."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from factures.enums import FormatFacture
from factures.formats.controles import controler
from tests.chorus.test_celery_worker import (  # noqa: F401 (fixtures)
    ATTENTE_MAX,
    DEMARRAGE_MAX,
    attendre,
    celery_vers_redis,
    file_unique,
)
from tests.conftest import REDIS_DE_TEST
from tests.factures.formats.taches import controler_fichier

from .conftest import ECHANTILLONS, echantillon

pytestmark = [pytest.mark.celery_worker]

ECHANTILLON = "en16931/cii/CII_example1.xml"
TACHES = 6


@pytest.fixture
def worker_prefork(file_unique, tmp_path):  # noqa: F811
    journal = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chorus.settings",
        "REDIS_URL": REDIS_DE_TEST,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    celery = Path(sys.executable).with_name("celery")
    commande = [
        str(celery),
        "-A",
        "chorus",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "--include=tests.factures.formats.taches",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        file_unique,
        "-n",
        f"{file_unique}@%h",
        "--loglevel=INFO",
    ]
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(
            commande, cwd=settings.BASE_DIR, env=env, stdout=sortie, stderr=subprocess.STDOUT
        )

    def lire():
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


def _resultats(journal: str, ids: list[str]) -> dict[str, dict[str, int]]:
    resultats = {}
    for task_id in ids:
        trouve = re.search(
            rf"controler_fichier\[{task_id}\] succeeded in [0-9.e-]+s: '([^']*)'", journal
        )
        if trouve:
            resultats[task_id] = {
                cle: int(valeur) for cle, valeur in re.findall(r"(\w+)=(\d+)", trouve.group(1))
            }
    return resultats


def test_chaque_processus_du_worker_compile_ses_feuilles_une_fois(
    worker_prefork,
    celery_vers_redis,  # noqa: F811
    file_unique,  # noqa: F811
):
    echantillon(ECHANTILLON)  # skips (or fails in CI) when the samples are missing
    chemin = str(ECHANTILLONS / ECHANTILLON)
    taches = [
        controler_fichier.apply_async(
            args=[chemin, FormatFacture.CII], queue=file_unique, connection=celery_vers_redis
        )
        for _ in range(TACHES)
    ]
    ids = [t.id for t in taches]

    attendre(
        lambda: len(_resultats(worker_prefork(), ids)) == TACHES,
        ATTENTE_MAX * 2,
        f"the worker did not run every task:\n{worker_prefork()}",
    )
    resultats = list(_resultats(worker_prefork(), ids).values())

    attendus = controler(echantillon(ECHANTILLON), FormatFacture.CII)
    assert {r["constats"] for r in resultats} == {len(attendus)}
    assert {r["bloquants"] for r in resultats} == {0}
    assert all(r["pid"] != os.getpid() for r in resultats)
    # One CII needs two stylesheets (EN 16931, BR-FR): each child compiled them once, however
    # many invoices it checked.
    assert {r["compilations"] for r in resultats} == {2}
    par_processus = {}
    for resultat in resultats:
        par_processus.setdefault(resultat["pid"], []).append(resultat)
    assert sum(len(liste) for liste in par_processus.values()) == TACHES
    assert max(len(liste) for liste in par_processus.values()) >= 2
