"""Stored files that must not outlive a failed operation.

The documents core stores a file before its `Document` row is committed. A service that
stores files and then fails (a later check, a constraint, the commit itself) must leave no
file behind: it runs its transaction inside `nettoyer_si_echec()` and records each stored
document; on any exception the files are deleted, then the exception goes on.
"""

from __future__ import annotations

from contextlib import contextmanager

from chorus.models import Document


class Stockes(list):
    def ajouter(self, document: Document) -> Document:
        self.append(document)
        return document


@contextmanager
def nettoyer_si_echec():
    stockes = Stockes()
    try:
        yield stockes
    except BaseException:
        for document in stockes:
            document.fichier.storage.delete(document.fichier.name)
        raise
