"""Housekeeping of stored files: remove the ones no `Document` row points to.

`documents.enregistrer` writes the file, then its row. When the caller's outer transaction
rolls back after that (a deposit refused at a later step, a crash), the row is gone but the
file stays in storage. Such orphans are swept once they are old enough that no transaction
still in progress can own them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from chorus.models import Document

logger = logging.getLogger(__name__)

DOSSIER = "documents"
AGE_MINIMAL = timedelta(hours=24)
_LOT = 500


def _fichiers(dossier: str) -> Iterator[str]:
    """Every file name under `dossier` in the default storage, recursively."""
    try:
        sous_dossiers, fichiers = default_storage.listdir(dossier)
    except FileNotFoundError:
        return
    for nom in fichiers:
        yield f"{dossier}/{nom}"
    for sous in sous_dossiers:
        yield from _fichiers(f"{dossier}/{sous}")


def _orphelins(noms: list[str]) -> list[str]:
    connus = set(Document.objects.filter(fichier__in=noms).values_list("fichier", flat=True))
    return [nom for nom in noms if nom not in connus]


def fichiers_orphelins(*, age_minimal: timedelta = AGE_MINIMAL) -> Iterator[str]:
    """Stored files older than `age_minimal` that no document row points to."""
    limite = timezone.now() - age_minimal
    lot: list[str] = []
    for nom in _fichiers(DOSSIER):
        lot.append(nom)
        if len(lot) == _LOT:
            yield from _assez_vieux(_orphelins(lot), limite)
            lot = []
    if lot:
        yield from _assez_vieux(_orphelins(lot), limite)


def _assez_vieux(noms: list[str], limite) -> Iterator[str]:
    for nom in noms:
        try:
            if default_storage.get_modified_time(nom) < limite:
                yield nom
        except FileNotFoundError:  # removed meanwhile
            continue


def supprimer_fichiers_orphelins(*, age_minimal: timedelta = AGE_MINIMAL) -> int:
    """Deletes the orphaned files; returns how many."""
    supprimes = 0
    for nom in list(fichiers_orphelins(age_minimal=age_minimal)):
        default_storage.delete(nom)
        supprimes += 1
    if supprimes:
        logger.info("Removed %s orphaned stored files", supprimes)
    return supprimes
