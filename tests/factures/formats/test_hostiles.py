"""Hostile and broken files: a clear French refusal or a blocking finding, never a crash, never
a hang (each test would time out the suite if it hung)."""

import copy
import io
import time
import zlib

import pypdf
import pytest
from lxml import etree
from pypdf.generic import NameObject

from chorus.documents import DocumentRefuse
from factures.enums import Severite, SourceControle
from factures.formats.controles import analyser, controler

from .conftest import generer, pdf_simple

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"""
MILLIARD_DE_RIRES = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>"
)


@pytest.mark.parametrize("xml", [XXE, MILLIARD_DE_RIRES], ids=["xxe", "billion-laughs"])
def test_un_xml_avec_doctype_est_refuse(xml):
    with pytest.raises(DocumentRefuse, match="DOCTYPE refusée"):
        analyser(xml, "facture.xml")


def test_un_xml_en_utf16_n_est_pas_un_type_accepte():
    utf16 = XXE.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16")
    with pytest.raises(DocumentRefuse, match="ne correspond pas à un type accepté"):
        analyser(utf16, "facture.xml")


def test_un_fichier_vide_est_refuse():
    with pytest.raises(DocumentRefuse, match="Le fichier est vide"):
        analyser(b"", "facture.pdf")


def test_un_fichier_de_11_mo_est_refuse(facture_cii):
    gros = facture_cii + b"<!--" + b"x" * (11 * 1024 * 1024) + b"-->"
    with pytest.raises(DocumentRefuse, match=r"taille maximale autorisée \(10 Mo\)"):
        analyser(gros, "facture.xml")


def test_un_pdf_chiffre_est_refuse():
    ecrivain = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_simple("Facture 1"))))
    ecrivain.encrypt("secret")
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    with pytest.raises(DocumentRefuse, match="protégé par un mot de passe"):
        analyser(sortie.getvalue(), "facture.pdf")


def test_un_pdf_tronque_est_refuse():
    pdf = pdf_simple("FACTURE N° 12\nTotal TTC : 10,00 €")
    with pytest.raises(DocumentRefuse, match="illisible ou endommagé"):
        analyser(pdf[: len(pdf) // 2], "facture.pdf")


def test_un_pdf_scanne_sans_texte_est_refuse():
    with pytest.raises(DocumentRefuse, match="ne contient pas de texte"):
        analyser(pdf_simple(), "scan.pdf")


def _pdf_avec_flux(nom_piece: str | None, contenu_decompresse: bytes) -> bytes:
    """A PDF whose page content (or a Factur-X attachment) is a compressed bomb."""
    ecrivain = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_simple("Facture 1"))))
    if nom_piece:
        ecrivain.add_attachment(nom_piece, b"<a/>")
        flux = next(
            obj.get_object()
            for obj in ecrivain._objects
            if obj is not None and obj.get("/Type") == "/EmbeddedFile"
        )
    else:
        flux = ecrivain.pages[0]["/Contents"].get_object()
    flux.set_data(contenu_decompresse)
    flux._data = zlib.compress(contenu_decompresse, 9)
    flux[NameObject("/Filter")] = NameObject("/FlateDecode")
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


@pytest.mark.parametrize("piece", [None, "factur-x.xml"], ids=["page", "piece-facturx"])
def test_une_bombe_de_decompression_est_refusee_vite(piece):
    bombe = _pdf_avec_flux(piece, b"\0" * (200 * 1024 * 1024))
    assert len(bombe) < 1024 * 1024  # 200 Mo once decompressed
    debut = time.monotonic()
    with pytest.raises(DocumentRefuse, match="illisible ou endommagé"):
        analyser(bombe, "facture.pdf")
    assert time.monotonic() - debut < 30  # a deadline against a hang, not a timing test


def test_un_xml_facturx_avec_doctype_est_refuse():
    ecrivain = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_simple("Facture 1"))))
    piece = XXE.replace(b"Invoice", b"rsm:CrossIndustryInvoice").replace(
        b'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
        b'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"',
    )
    ecrivain.add_attachment("factur-x.xml", piece)
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    # The library's own parser already rejects the undefined entity: the file is refused as
    # carrying an unreadable Factur-X XML; nothing of the entity is ever resolved.
    with pytest.raises(DocumentRefuse, match="Factur-X"):
        analyser(sortie.getvalue(), "facture.pdf")


def test_un_texte_qui_n_est_pas_de_l_utf8_est_refuse(facture_cii):
    latin1_declare_utf8 = facture_cii.replace("Démoville".encode(), "Démoville".encode("latin-1"))
    with pytest.raises(DocumentRefuse, match="mal formé"):
        analyser(latin1_declare_utf8, "facture.xml")


def test_un_xml_en_iso_8859_1_declare_est_lu_et_controle(facture_cii):
    latin1 = (
        facture_cii.decode()
        .replace("encoding='UTF-8'", "encoding='ISO-8859-1'")
        .replace("Main-d’œuvre", "Main-d'oeuvre")
        .encode("latin-1")
    )
    _, lue, constats = analyser(latin1, "facture.xml")
    assert lue.nom_destinataire == "Commune de Démoville"
    assert [c for c in constats if c.severite == Severite.BLOQUANTE] == []


def test_10001_lignes_sont_refusees_sans_lancer_les_schematrons(facture_cii):
    arbre = etree.fromstring(facture_cii, etree.XMLParser(remove_blank_text=True))
    transaction = arbre.find("{*}SupplyChainTradeTransaction")
    ligne = transaction.find("{*}IncludedSupplyChainTradeLineItem")
    for _ in range(10_001 - 2):
        transaction.insert(0, copy.deepcopy(ligne))
    data = etree.tostring(arbre, xml_declaration=True, encoding="UTF-8")

    debut = time.monotonic()
    _, lue, constats = analyser(data, "facture.xml")
    assert len(lue.lignes) == 10_001
    assert [(c.regle, c.severite) for c in constats] == [("CHORUS-LIGNES-MAX", Severite.BLOQUANTE)]
    assert "10 001 lignes" in constats[0].message.replace("\u202f", " ").replace("\xa0", " ")
    assert time.monotonic() - debut < 60  # a deadline against a hang, not a timing test


def test_des_montants_absurdes_sont_bloquants():
    data = generer(
        "cii",
        **{"BT-109": "12345678901234567.00", "BT-112": "12345678901234637.00"},
    )
    constats = controler(data, "CII")
    absurdes = [c for c in constats if c.regle == "CHORUS-MONTANT-ABSURDE"]
    assert {c.terme for c in absurdes} == {"BT-109", "BT-112"}
    assert all(
        c.severite == Severite.BLOQUANTE and c.source == SourceControle.METIER for c in absurdes
    )


def test_un_texte_de_pdf_hostile_ne_donne_pas_de_montant_demesure():
    from factures.formats.texte_pdf import lire_texte

    lue = lire_texte("Total HT " + "123 " * 50_000 + "\nFacture n° " + "A-" * 90_000)
    assert lue.montant_ht is None or lue.montant_ht < 10**15
