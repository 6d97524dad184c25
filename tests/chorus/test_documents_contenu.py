"""Documents the portal makes itself (renderings, certificates): stored through the same core,
with their fingerprint, all or nothing; and deleted with their file."""

import hashlib
from pathlib import Path

import pytest
from django.db import DataError, IntegrityError

from chorus import documents
from chorus.models import Document
from tests.habilitations.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

CONTENU = b"%PDF-1.7\n% une attestation\n%%EOF\n"


def fichiers_stockes(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_le_contenu_est_stocke_avec_son_empreinte(settings):
    auteur = UtilisateurFactory()
    document = documents.enregistrer_contenu(
        CONTENU, nom="Certificat F-1.PDF", type_mime="application/pdf", par=auteur
    )

    document = Document.objects.get(pk=document.pk)
    assert (document.nom, document.extension, document.type_mime) == (
        "Certificat F-1.PDF",
        ".pdf",
        "application/pdf",
    )
    assert document.taille == len(CONTENU)
    assert document.sha256 == hashlib.sha256(CONTENU).hexdigest()
    assert document.depose_par == auteur
    with document.fichier.open("rb") as fichier:
        assert fichier.read() == CONTENU
    # The stored name is the document's id, never the given name.
    [stocke] = fichiers_stockes(settings)
    assert stocke.name == f"{document.pk}.pdf"


@pytest.mark.parametrize(
    ("data", "nom"),
    [(b"", "vide.pdf"), (CONTENU, "sans-extension"), (CONTENU, "x.extensiontroplongue")],
)
def test_un_contenu_vide_ou_un_nom_sans_extension_est_refuse(settings, data, nom):
    with pytest.raises(ValueError):
        documents.enregistrer_contenu(data, nom=nom, type_mime="application/pdf")
    assert not Document.objects.exists()
    assert fichiers_stockes(settings) == []


@pytest.mark.postgres  # SQLite does not enforce the column's length
def test_rien_ne_reste_si_la_ligne_ne_peut_pas_etre_ecrite(settings):
    with pytest.raises((DataError, IntegrityError)):
        documents.enregistrer_contenu(CONTENU, nom="x" * 300 + ".pdf", type_mime="application/pdf")
    assert not Document.objects.exists()
    assert fichiers_stockes(settings) == []


def test_supprimer_retire_la_ligne_puis_le_fichier_au_commit(
    settings, django_capture_on_commit_callbacks
):
    document = documents.enregistrer_contenu(CONTENU, nom="a.pdf", type_mime="application/pdf")

    with django_capture_on_commit_callbacks(execute=False) as rappels:
        documents.supprimer(document)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert len(fichiers_stockes(settings)) == 1  # kept until the deletion is committed

    for rappel in rappels:
        rappel()
    assert fichiers_stockes(settings) == []
