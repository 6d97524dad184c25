"""controler() inside a real Celery worker, prefork pool of two processes, fed through Redis:
each child compiles its stylesheets once, on its first invoice, and reuses them after."""

import os
import re

import pytest

from factures.enums import FormatFacture
from factures.formats.controles import controler
from tests.celery_reel import ATTENTE_MAX, attendre, lancer_worker
from tests.factures.formats.taches import controler_fichier

from .conftest import ECHANTILLONS, echantillon

pytestmark = [pytest.mark.celery_worker]

ECHANTILLON = "en16931/cii/CII_example1.xml"
TACHES = 6


@pytest.fixture
def worker_prefork(file_unique, tmp_path):
    """Two prefork children that know the test-only task; no database needed."""
    with lancer_worker(
        file_unique,
        tmp_path / "worker.log",
        pool="prefork",
        concurrence=2,
        inclure=["tests.factures.formats.taches"],
        base_de_test=False,
    ) as lire:
        yield lire


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
    celery_vers_redis,
    file_unique,
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
