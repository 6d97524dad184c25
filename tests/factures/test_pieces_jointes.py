"""Attachments of a draft: upload (limits of the documents core), reuse the structure's,
remove; nothing half-stored on refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factures.enums import StatutFacture as S
from tests.factures.factories import FactureFactory
from tests.factures.factories_emises import PieceJointeFactureFactory
from tests.structures.factories_gestion import PieceJointeStructureFactory, pdf_minimal

pytestmark = pytest.mark.django_db

DIX_MO = 10 * 1024 * 1024


def url(nom, facture, *args):
    return reverse(f"factures:{nom}", args=[facture.pk, *args])


def fichiers_stockes(settings):
    racine = settings.MEDIA_ROOT / "documents"
    return sorted(p for p in racine.rglob("*") if p.is_file()) if racine.exists() else []


@pytest.fixture
def brouillon(fournisseur):
    return FactureFactory(fournisseur=fournisseur)


def test_joindre_un_fichier(client_gp, brouillon, gp):
    response = client_gp.post(
        url("emises_piece_jointe_ajouter", brouillon),
        {"fichier": SimpleUploadedFile("bon.pdf", pdf_minimal()), "libelle": "Bon de livraison"},
    )
    assert response["Location"] == url("emises_modifier", brouillon) + "#pieces-jointes"
    [piece] = brouillon.pieces_jointes.all()
    assert (piece.libelle, piece.ajoutee_par, piece.document.nom) == (
        "Bon de livraison",
        gp,
        "bon.pdf",
    )
    page = client_gp.get(url("emises_modifier", brouillon)).content.decode()
    assert "Bon de livraison" in page
    telechargement = client_gp.get(url("emises_piece_jointe", brouillon, piece.pk))
    assert b"".join(telechargement.streaming_content) == pdf_minimal()


@pytest.mark.parametrize(
    ("fichier", "message"),
    [
        (SimpleUploadedFile("gros.txt", b"a" * (DIX_MO + 1)), "taille maximale autorisée (10 Mo)"),
        (SimpleUploadedFile("outil.exe", b"MZ\x90\x00"), "extension du fichier n’est pas acceptée"),
        (SimpleUploadedFile(f"{'n' * 47}.pdf", pdf_minimal()), "50 caractères"),
        (SimpleUploadedFile("faux.pdf", b"<?xml version='1.0'?><a/>"), "ne correspond pas"),
        (SimpleUploadedFile("vide.pdf", b""), "vide"),
    ],
)
def test_un_fichier_refuse_le_dit_et_ne_laisse_rien(
    client_gp, brouillon, settings, fichier, message
):
    response = client_gp.post(
        url("emises_piece_jointe_ajouter", brouillon), {"fichier": fichier}, follow=True
    )
    assert message in response.content.decode()
    assert not brouillon.pieces_jointes.exists()
    assert fichiers_stockes(settings) == []


def test_la_taille_totale_est_plafonnee(client_gp, brouillon, settings):
    settings.DOCUMENTS_TAILLE_TOTALE_MAX = len(pdf_minimal()) * 2
    for _ in range(2):
        client_gp.post(
            url("emises_piece_jointe_ajouter", brouillon),
            {"fichier": SimpleUploadedFile("bon.pdf", pdf_minimal())},
        )
    response = client_gp.post(
        url("emises_piece_jointe_ajouter", brouillon),
        {"fichier": SimpleUploadedFile("bon.pdf", pdf_minimal())},
        follow=True,
    )
    assert "taille totale des fichiers dépasse" in response.content.decode()
    assert brouillon.pieces_jointes.count() == 2
    assert len(fichiers_stockes(settings)) == 2


def test_reprendre_un_document_de_la_structure(client_gp, brouillon, fournisseur):
    kbis = PieceJointeStructureFactory(structure=fournisseur, libelle="Kbis")
    client_gp.post(url("emises_piece_jointe_reutiliser", brouillon), {"piece_structure": kbis.pk})
    [piece] = brouillon.pieces_jointes.all()
    assert (piece.libelle, piece.document) == ("Kbis", kbis.document)
    # Twice: refused.
    response = client_gp.post(
        url("emises_piece_jointe_reutiliser", brouillon), {"piece_structure": kbis.pk}, follow=True
    )
    assert "déjà jointe" in response.content.decode()
    # Another structure's: not offered.
    autre = PieceJointeStructureFactory()
    client_gp.post(url("emises_piece_jointe_reutiliser", brouillon), {"piece_structure": autre.pk})
    assert brouillon.pieces_jointes.count() == 1


def test_retirer_une_piece_jointe(client_gp, brouillon, settings):
    client_gp.post(
        url("emises_piece_jointe_ajouter", brouillon),
        {"fichier": SimpleUploadedFile("bon.pdf", pdf_minimal())},
    )
    piece = brouillon.pieces_jointes.get()
    assert client_gp.get(url("emises_piece_jointe_retirer", brouillon, piece.pk)).status_code == 200
    assert len(fichiers_stockes(settings)) == 1
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    client_gp.post(url("emises_piece_jointe_retirer", brouillon, piece.pk))
    assert not brouillon.pieces_jointes.exists()


def test_retirer_un_document_de_la_structure_le_garde_pour_elle(client_gp, brouillon, fournisseur):
    kbis = PieceJointeStructureFactory(structure=fournisseur)
    client_gp.post(url("emises_piece_jointe_reutiliser", brouillon), {"piece_structure": kbis.pk})
    piece = brouillon.pieces_jointes.get()
    client_gp.post(url("emises_piece_jointe_retirer", brouillon, piece.pk))
    kbis.refresh_from_db()
    assert kbis.document.fichier.storage.exists(kbis.document.fichier.name)


def test_une_facture_envoyee_ne_prend_plus_de_piece(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, statut=S.MISE_A_DISPOSITION)
    piece = PieceJointeFactureFactory(facture=facture)
    response = client_gp.post(
        url("emises_piece_jointe_ajouter", facture),
        {"fichier": SimpleUploadedFile("bon.pdf", pdf_minimal())},
        follow=True,
    )
    assert "On ne peut plus ajouter de pièce jointe" in response.content.decode()
    client_gp.post(url("emises_piece_jointe_retirer", facture, piece.pk))
    assert facture.pieces_jointes.count() == 1


def test_mauvaise_methode_et_etranger(client_gp, client, brouillon):
    assert client_gp.get(url("emises_piece_jointe_ajouter", brouillon)).status_code == 405
    autre = FactureFactory()
    response = client_gp.post(
        url("emises_piece_jointe_ajouter", autre),
        {"fichier": SimpleUploadedFile("bon.pdf", pdf_minimal())},
    )
    assert response.status_code == 404
