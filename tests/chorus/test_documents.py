import bz2
import gzip
import hashlib
import io
import time
import zipfile
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from chorus import documents
from chorus.documents import DocumentRefuse, detecter_type, enregistrer, parser_xml
from chorus.models import Document
from tests.echantillons import ECHANTILLONS as TOUS_LES_ECHANTILLONS
from tests.habilitations.factories import UtilisateurFactory

ECHANTILLONS = TOUS_LES_ECHANTILLONS / "facturx"
PDF_VALIDE = (ECHANTILLONS / "EN16931_Einfach.pdf").read_bytes()
XML_VALIDE = b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice><ID>F-1</ID></Invoice>\n'
FACTURE = {"pdf", "xml"}

XXE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>'
DTD_EXTERNE = b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://exemple.invalid/r.dtd">\n<r/>'
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>\n<lolz>&lol9;</lolz>"
)


def fichiers_stockes(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def pdf_chiffre() -> bytes:
    ecrivain = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(PDF_VALIDE)))
    ecrivain.encrypt(user_password="secret", owner_password="secret")
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def pdf_sans_page() -> bytes:
    sortie = io.BytesIO()
    pypdf.PdfWriter().write(sortie)
    return sortie.getvalue()


def zip_de(nom: str) -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        archive.writestr(nom, "contenu")
    return sortie.getvalue()


# Type detection: from the content only.


@pytest.mark.parametrize(
    ("contenu", "extension", "mime"),
    [
        (PDF_VALIDE, "pdf", "application/pdf"),
        (XML_VALIDE, "xml", "application/xml"),
        (b"\xef\xbb\xbf \n\t<Invoice/>", "xml", "application/xml"),
        (b"<racine><a/></racine>", "xml", "application/xml"),
        (b"<!DOCTYPE html><html></html>", "html", "text/html"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "jpg", "image/jpeg"),
        (b"GIF89a" + b"\x00" * 32, "gif", "image/gif"),
        (zip_de("a.txt"), "zip", "application/zip"),
        (gzip.compress(b"abc"), "gz", "application/gzip"),
        (bz2.compress(b"abc"), "bz2", "application/x-bzip2"),
        (b"numero;montant\nF-1;12,50\n", "txt", "text/plain"),
        ("libellé;montant\n".encode("cp1252"), "txt", "text/plain"),
    ],
)
def test_detecter_type_lit_le_contenu(contenu, extension, mime):
    type_ = detecter_type(contenu)
    assert (type_.extension, type_.mime) == (extension, mime)


@pytest.mark.parametrize(
    "contenu", [b"", b"\x00\x01\x02\x03binaire", b"MZ\x90\x00\x03" + b"\x00" * 64, b"\x1b[31m"]
)
def test_detecter_type_ne_reconnait_pas(contenu):
    assert detecter_type(contenu) is None


# Accepted files.


@pytest.mark.parametrize(
    ("nom", "contenu", "mime"),
    [
        ("facture.pdf", PDF_VALIDE, "application/pdf"),
        ("FACTURE.XML", XML_VALIDE, "application/xml"),
    ],
)
def test_enregistrer_accepte_et_stocke(db, settings, nom, contenu, mime):
    utilisateur = UtilisateurFactory()

    document = enregistrer(
        SimpleUploadedFile(nom, contenu), types_autorises=FACTURE, depose_par=utilisateur
    )

    document.refresh_from_db()
    assert document.nom == nom
    assert document.type_mime == mime
    assert document.extension == "." + nom.rsplit(".")[1].lower()
    assert document.taille == len(contenu)
    assert document.sha256 == hashlib.sha256(contenu).hexdigest()
    assert document.depose_par == utilisateur
    with document.fichier.open("rb") as stocke:
        assert stocke.read() == contenu
    [chemin] = fichiers_stockes(settings)
    assert chemin.name == f"{document.pk}{document.extension}"  # never the user's name


def test_enregistrer_accepte_exactement_la_taille_max(db, settings):
    settings.DOCUMENT_TAILLE_MAX = 1024
    contenu = b"a;b\n" * 256

    document = enregistrer(
        SimpleUploadedFile("export.csv", contenu), types_autorises={"csv"}, depose_par=None
    )

    assert document.taille == 1024
    assert document.type_mime == "text/plain"


def test_nom_de_50_caracteres_accepte(db):
    nom = "f" * 46 + ".xml"
    document = enregistrer(
        SimpleUploadedFile(nom, XML_VALIDE), types_autorises=FACTURE, depose_par=None
    )
    assert document.nom == nom


# Refusals: the French message, and nothing written.


def enregistrer_refuse(settings, nom, contenu, types=FACTURE) -> str:
    with pytest.raises(DocumentRefuse) as refus:
        enregistrer(SimpleUploadedFile(nom, contenu), types_autorises=types, depose_par=None)
    assert Document.objects.count() == 0
    assert fichiers_stockes(settings) == []
    [message] = refus.value.messages
    return message


@pytest.mark.parametrize(
    ("nom", "contenu", "types", "message"),
    [
        (
            "facture.pdf",
            b"\x00\x01\x02binaire",
            FACTURE,
            "Le contenu du fichier ne correspond pas à un type accepté (PDF, XML).",
        ),
        (
            "facture.pdf",
            XML_VALIDE,
            {"pdf"},
            "Le contenu du fichier ne correspond pas à un type accepté (PDF).",
        ),
        (
            "facture.pdf",
            XML_VALIDE,
            FACTURE,
            "L’extension « .pdf » ne correspond pas au contenu du fichier (XML).",
        ),
        (
            "facture.xml",
            PDF_VALIDE,
            FACTURE,
            "L’extension « .xml » ne correspond pas au contenu du fichier (PDF).",
        ),
        (
            "photo.png",
            b"GIF89a" + b"\x00" * 32,
            {"png", "gif"},
            "L’extension « .png » ne correspond pas au contenu du fichier (GIF).",
        ),
        (
            "virus.exe",
            b"MZ\x90\x00",
            FACTURE,
            "L’extension du fichier n’est pas acceptée. Types acceptés : PDF, XML.",
        ),
        (
            "facture",
            PDF_VALIDE,
            FACTURE,
            "L’extension du fichier n’est pas acceptée. Types acceptés : PDF, XML.",
        ),
        (
            "export.csv",
            b"a;b\n",
            FACTURE,
            "L’extension du fichier n’est pas acceptée. Types acceptés : PDF, XML.",
        ),
        (
            "f" * 47 + ".xml",
            XML_VALIDE,
            FACTURE,
            "Le nom du fichier ne doit pas dépasser 50 caractères.",
        ),
        ("facture.pdf", b"", FACTURE, "Le fichier est vide."),
    ],
)
def test_enregistrer_refuse(db, settings, nom, contenu, types, message):
    assert enregistrer_refuse(settings, nom, contenu, types) == message


def test_fichier_trop_gros_refuse(db, settings):
    settings.DOCUMENT_TAILLE_MAX = 1024 * 1024
    contenu = b"a;b\n" * (256 * 1024) + b"x"

    message = enregistrer_refuse(settings, "export.csv", contenu, {"csv"})

    assert message == "Le fichier dépasse la taille maximale autorisée (1 Mo)."


def test_limite_par_defaut_en_mo(settings):
    del settings.DOCUMENT_TAILLE_MAX
    assert documents.taille_max() == 10 * 1024 * 1024
    assert documents._en_mo(documents.taille_max()) == "10"


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (XXE, "déclaration DOCTYPE refusée pour des raisons de sécurité"),
        (BILLION_LAUGHS, "déclaration DOCTYPE refusée pour des raisons de sécurité"),
        (DTD_EXTERNE, "déclaration DOCTYPE refusée pour des raisons de sécurité"),
        (b"<facture>\n<ligne>\n</facture>", "Le fichier XML est mal formé (ligne 3)."),
    ],
)
def test_enregistrer_refuse_le_xml_dangereux_ou_mal_forme(db, settings, contenu, message):
    assert message in enregistrer_refuse(settings, "facture.xml", contenu)


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        ((ECHANTILLONS / "corrupt-factur-x-waytoosmall.pdf").read_bytes(), "illisible"),
        (PDF_VALIDE[: len(PDF_VALIDE) // 2], "illisible"),
        (pdf_sans_page(), "illisible"),
        (b"%PDF-1.4\n\x00\xff n'importe quoi\n%%EOF\n", "illisible"),
        (pdf_chiffre(), "Le PDF est protégé par un mot de passe"),
    ],
)
def test_enregistrer_refuse_le_pdf_illisible_ou_chiffre(db, settings, contenu, message):
    assert message in enregistrer_refuse(settings, "facture.pdf", contenu)


def test_echec_d_enregistrement_ne_laisse_pas_de_fichier(db, settings, monkeypatch):
    def echoue(*args, **kwargs):
        raise IntegrityError("panne")

    monkeypatch.setattr(Document, "save", echoue)

    with pytest.raises(IntegrityError):
        enregistrer(
            SimpleUploadedFile("facture.pdf", PDF_VALIDE), types_autorises=FACTURE, depose_par=None
        )

    assert fichiers_stockes(settings) == []


def test_document_refuse_est_une_erreur_de_validation():
    assert issubclass(DocumentRefuse, ValidationError)


def test_taille_totale(settings):
    settings.DOCUMENTS_TAILLE_TOTALE_MAX = 2 * 1024 * 1024
    documents.verifier_taille_totale([1024 * 1024, 1024 * 1024])

    with pytest.raises(DocumentRefuse) as refus:
        documents.verifier_taille_totale([1024 * 1024, 1024 * 1024, 1])

    assert refus.value.messages == [
        "La taille totale des fichiers dépasse la limite autorisée (2 Mo)."
    ]


# Safe XML parsing, on its own.


def test_parser_xml_rend_l_arbre():
    assert parser_xml(XML_VALIDE).getroot().findtext("ID") == "F-1"


def test_xxe_refuse_sans_lire_le_fichier_local():
    with pytest.raises(DocumentRefuse) as refus:
        parser_xml(XXE)
    assert "DOCTYPE" in refus.value.messages[0]
    assert "root:" not in str(refus.value)


def test_billion_laughs_refuse_vite():
    debut = time.monotonic()
    with pytest.raises(DocumentRefuse):
        parser_xml(BILLION_LAUGHS)
    assert time.monotonic() - debut < 1


@pytest.mark.parametrize(
    "contenu",
    [
        # A DOCTYPE the byte search cannot see: the parsed tree is checked too.
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'.encode(
            "utf-16"
        ),
        DTD_EXTERNE,
    ],
)
def test_doctype_refuse_quel_que_soit_l_encodage(contenu):
    with pytest.raises(DocumentRefuse) as refus:
        parser_xml(contenu)
    assert refus.value.code == "xml_doctype"


@pytest.mark.parametrize("contenu", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"pas du xml"])
def test_parser_xml_refuse_ce_qui_n_est_pas_du_xml(contenu):
    with pytest.raises(DocumentRefuse) as refus:
        parser_xml(contenu)
    assert refus.value.messages[0].startswith("Le fichier XML est mal formé (ligne ")


# PDF checks against real third-party files: nothing may crash.


@pytest.mark.parametrize("chemin", sorted(ECHANTILLONS.glob("*.pdf")), ids=lambda p: p.name)
def test_verifier_pdf_ne_plante_sur_aucun_echantillon(chemin):
    try:
        documents.verifier_pdf(chemin.read_bytes())
    except DocumentRefuse as refus:
        assert refus.code == "pdf_illisible"
        assert chemin.name == "corrupt-factur-x-waytoosmall.pdf"


# Download helper.


@pytest.fixture
def document_stocke(db):
    return enregistrer(
        SimpleUploadedFile("Facture n°1.pdf", PDF_VALIDE), types_autorises=FACTURE, depose_par=None
    )


@pytest.mark.parametrize(("inline", "disposition"), [(False, "attachment"), (True, "inline")])
def test_telecharger_diffuse_le_fichier(rf, document_stocke, inline, disposition):
    requete = rf.get("/")
    requete.user = UtilisateurFactory()

    reponse = documents.telecharger(requete, document_stocke, inline=inline)

    try:
        assert b"".join(reponse.streaming_content) == PDF_VALIDE
    finally:
        reponse.close()
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"].startswith(disposition)
    assert "filename*=utf-8''Facture%20n%C2%B01.pdf" in reponse["Content-Disposition"]
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Content-Security-Policy"] == "sandbox"
    assert reponse["Cache-Control"] == "private, no-store"


def test_telecharger_refuse_l_anonyme(rf, document_stocke):
    requete = rf.get("/")
    requete.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        documents.telecharger(requete, document_stocke)
