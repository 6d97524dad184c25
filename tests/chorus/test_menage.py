"""The sweep of stored files that no document row points to."""

import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chorus import documents
from chorus.menage import fichiers_orphelins
from chorus.models import Document
from chorus.tasks import supprimer_fichiers_orphelins
from tests.chorus.test_documents import PDF_VALIDE

pytestmark = pytest.mark.django_db


class Abandon(Exception):
    pass


def _deposer():
    return documents.enregistrer(
        SimpleUploadedFile("facture.pdf", PDF_VALIDE),
        types_autorises=["pdf"],
        depose_par=None,
    )


def _vieillir(nom, jours=2):
    passe = time.time() - jours * 86400
    os.utime(default_storage.path(nom), (passe, passe))


def _orphelin_d_une_transaction_annulee() -> str:
    """A deposit whose caller fails after the file was stored: the row is rolled back."""
    noms = []
    with pytest.raises(Abandon), transaction.atomic():
        noms.append(_deposer().fichier.name)
        raise Abandon
    assert not Document.objects.exists()
    assert default_storage.exists(noms[0])
    return noms[0]


def test_un_fichier_laisse_par_une_transaction_annulee_est_supprime_une_fois_vieux():
    nom = _orphelin_d_une_transaction_annulee()
    _vieillir(nom)
    assert supprimer_fichiers_orphelins() == 1
    assert not default_storage.exists(nom)


def test_un_orphelin_recent_est_laisse_a_sa_transaction_peut_etre_en_cours():
    nom = _orphelin_d_une_transaction_annulee()
    assert list(fichiers_orphelins()) == []
    assert list(fichiers_orphelins(age_minimal=timedelta(0))) == [nom]
    assert default_storage.exists(nom)


def test_un_fichier_qui_a_son_document_n_est_jamais_supprime():
    document = _deposer()
    _vieillir(document.fichier.name)
    assert supprimer_fichiers_orphelins() == 0
    assert default_storage.exists(document.fichier.name)


def test_sans_aucun_fichier_le_menage_ne_fait_rien():
    assert supprimer_fichiers_orphelins() == 0
