"""A task for the worker test only (started with `--include`): it runs `controler()` and
reports, for its process, how many stylesheets were compiled so far."""

import os
from pathlib import Path

from celery import shared_task

from factures.enums import Severite
from factures.formats import schematrons
from factures.formats.controles import controler


@shared_task(name="tests.formats.controler_fichier")
def controler_fichier(chemin: str, format_: str) -> str:
    constats = controler(Path(chemin).read_bytes(), format_)
    bloquants = sum(1 for c in constats if c.severite == Severite.BLOQUANTE)
    return (
        f"pid={os.getpid()} compilations={schematrons.compilations()} "
        f"constats={len(constats)} bloquants={bloquants}"
    )
