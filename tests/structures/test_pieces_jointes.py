"""Structure attachments: add (≤ 4 Mo), download after the access check, delete."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chorus import documents
from chorus.models import Document
from structures.models import PieceJointeStructure
from tests.matrice.monde import construire_monde
from tests.structures.factories_gestion import PieceJointeStructureFactory, pdf_minimal

pytestmark = pytest.mark.django_db

QUATRE_MO = 4 * 1024 * 1024


@pytest.fixture
def monde():
    return construire_monde()


def url(monde, nom, *args):
    return reverse(f"structures:{nom}", args=[monde.entite.pk, *args])


def test_enregistrer_accepte_une_limite_propre():
    un_mo = 1024 * 1024
    fichier = SimpleUploadedFile("notes.txt", b"a" * (un_mo + 1))
    with pytest.raises(documents.DocumentRefuse, match=r"taille maximale autorisée \(1 Mo\)"):
        documents.enregistrer(fichier, types_autorises={"txt"}, depose_par=None, taille_max=un_mo)
    fichier = SimpleUploadedFile("notes.txt", b"a" * un_mo)
    document = documents.enregistrer(
        fichier, types_autorises={"txt"}, depose_par=None, taille_max=un_mo
    )
    assert document.taille == un_mo


def test_le_gp_ajoute_une_piece_jointe(client, monde, mailoutbox):
    gp = monde.utilisateurs["gp"]
    client.force_login(gp)
    response = client.post(
        url(monde, "pieces_jointes"),
        {"libelle": "Extrait Kbis", "fichier": SimpleUploadedFile("kbis.pdf", pdf_minimal())},
    )
    assert response.status_code == 302
    assert response["Location"] == url(monde, "pieces_jointes")
    piece = PieceJointeStructure.objects.get(structure=monde.entite)
    assert (piece.libelle, piece.ajoutee_par) == ("Extrait Kbis", gp)
    assert piece.document.nom == "kbis.pdf"
    assert piece.document.fichier.read() == pdf_minimal()
    assert mailoutbox == []
    page = client.get(response["Location"]).content.decode()
    assert "La pièce jointe « Extrait Kbis » est ajoutée." in page
    assert "kbis.pdf" in page


def test_exactement_4_mo_accepte(client, monde):
    client.force_login(monde.utilisateurs["modification"])
    response = client.post(
        url(monde, "pieces_jointes"),
        {"libelle": "Notes", "fichier": SimpleUploadedFile("notes.txt", b"a" * QUATRE_MO)},
    )
    assert response.status_code == 302
    assert PieceJointeStructure.objects.get().document.taille == QUATRE_MO


@pytest.mark.parametrize(
    ("fichier", "message"),
    [
        (
            SimpleUploadedFile("gros.txt", b"a" * (QUATRE_MO + 1)),
            "Le fichier dépasse la taille maximale autorisée (4 Mo).",
        ),
        (
            SimpleUploadedFile("outil.exe", b"MZ\x90\x00"),
            "L’extension du fichier n’est pas acceptée.",
        ),
        (SimpleUploadedFile("vide.pdf", b""), "Le fichier soumis est vide."),
        (
            SimpleUploadedFile("faux.pdf", b"texte et non PDF\n"),
            "L’extension « .pdf » ne correspond pas au contenu du fichier (TXT).",
        ),
    ],
)
def test_fichier_refuse_sur_le_champ_sans_rien_enregistrer(client, monde, fichier, message):
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(url(monde, "pieces_jointes"), {"libelle": "Pièce", "fichier": fichier})
    assert response.status_code == 200
    erreurs = response.context["form"].errors["fichier"]
    assert any(e.startswith(message) for e in erreurs), erreurs
    assert not PieceJointeStructure.objects.exists()
    assert not Document.objects.exists()


def test_libelle_obligatoire(client, monde):
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(
        url(monde, "pieces_jointes"),
        {"libelle": "", "fichier": SimpleUploadedFile("kbis.pdf", pdf_minimal())},
    )
    assert response.context["form"].errors["libelle"] == ["Ce champ est obligatoire."]
    assert not Document.objects.exists()


def test_ajout_en_consultation_403_etranger_404(client, monde):
    client.force_login(monde.utilisateurs["consultation"])
    page = client.get(url(monde, "pieces_jointes"))
    assert page.status_code == 200
    assert "Ajouter une pièce jointe" not in page.content.decode()
    fichier = SimpleUploadedFile("kbis.pdf", pdf_minimal())
    response = client.post(url(monde, "pieces_jointes"), {"libelle": "X", "fichier": fichier})
    assert response.status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    fichier = SimpleUploadedFile("kbis.pdf", pdf_minimal())
    response = client.post(url(monde, "pieces_jointes"), {"libelle": "X", "fichier": fichier})
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_mauvaises_methodes(client, monde):
    piece = PieceJointeStructureFactory(structure=monde.entite)
    client.force_login(monde.utilisateurs["gp"])
    assert client.put(url(monde, "pieces_jointes")).status_code == 405
    assert client.post(url(monde, "piece_jointe_telecharger", piece.pk)).status_code == 405
    assert client.put(url(monde, "piece_jointe_supprimer", piece.pk)).status_code == 405


def test_liste_en_nombre_de_requetes_constant(client, monde, django_assert_max_num_queries):
    PieceJointeStructureFactory(structure=monde.entite)
    client.force_login(monde.utilisateurs["gp"])
    with django_assert_max_num_queries(8):
        client.get(url(monde, "pieces_jointes"))
    PieceJointeStructureFactory.create_batch(
        22, structure=monde.entite, ajoutee_par=monde.utilisateurs["modification"]
    )
    with django_assert_max_num_queries(8):
        response = client.get(url(monde, "pieces_jointes"))
    assert "23 pièces jointes" in response.content.decode()
    assert len(response.context["page_obj"]) == 20


def test_telechargement_pour_les_seuls_habilites(client, monde):
    piece = PieceJointeStructureFactory(structure=monde.entite)
    adresse = url(monde, "piece_jointe_telecharger", piece.pk)
    for persona in ("consultation", "modification", "gp"):
        client.force_login(monde.utilisateurs[persona])
        response = client.get(adresse)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_minimal()
        assert 'filename="kbis.pdf"' in response["Content-Disposition"]
    for persona in ("autre", "support"):
        client.force_login(monde.utilisateurs[persona])
        assert client.get(adresse).status_code == 404
    # Another structure's attachment through this structure's address: not found.
    ailleurs = PieceJointeStructureFactory(structure=monde.autre_structure)
    client.force_login(monde.utilisateurs["gp"])
    assert client.get(url(monde, "piece_jointe_telecharger", ailleurs.pk)).status_code == 404


def test_supprimer_avec_confirmation(client, monde, django_capture_on_commit_callbacks):
    piece = PieceJointeStructureFactory(structure=monde.entite, libelle="Ancien Kbis")
    stockage, nom = piece.document.fichier.storage, piece.document.fichier.name
    client.force_login(monde.utilisateurs["modification"])
    page = client.get(url(monde, "piece_jointe_supprimer", piece.pk))
    assert "Supprimer la pièce jointe « Ancien Kbis » ?" in page.content.decode()
    assert PieceJointeStructure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(monde, "piece_jointe_supprimer", piece.pk), follow=True)
    assert "La pièce jointe « Ancien Kbis » est supprimée." in response.content.decode()
    assert not PieceJointeStructure.objects.exists()
    assert not Document.objects.exists()
    assert not stockage.exists(nom)
    # Deleted already: the address is gone.
    assert client.post(url(monde, "piece_jointe_supprimer", piece.pk)).status_code == 404


def test_supprimer_en_consultation_403_etranger_404(client, monde):
    piece = PieceJointeStructureFactory(structure=monde.entite)
    client.force_login(monde.utilisateurs["consultation"])
    assert client.get(url(monde, "piece_jointe_supprimer", piece.pk)).status_code == 403
    assert client.post(url(monde, "piece_jointe_supprimer", piece.pk)).status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(url(monde, "piece_jointe_supprimer", piece.pk)).status_code == 404
    assert PieceJointeStructure.objects.filter(pk=piece.pk).exists()
