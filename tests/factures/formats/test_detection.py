"""Detection tells the format from the content, never from the name, and refuses the rest
with a French message."""

import base64
import hashlib
import io

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

from chorus.documents import DocumentRefuse
from factures.enums import FormatFacture
from factures.formats.controles import controler, lire
from factures.formats.detection import detecter_format

from .conftest import echantillon, pdf_simple

TEXTE = "FACTURE N° FA-2025-7\nDate de facture : 14/03/2025\nTotal TTC : 120,00 EUR"


def pdf_signe_pades() -> bytes:
    """A PDF carrying a signature dictionary (what a PAdES signature adds)."""
    ecrivain = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_simple(TEXTE))))
    signature = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/SubFilter"): NameObject("/ETSI.CAdES.detached"),
            NameObject("/ByteRange"): ArrayObject(
                [NumberObject(0), NumberObject(120), NumberObject(4216), NumberObject(300)]
            ),
        }
    )
    champ = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/V"): ecrivain._add_object(signature),
        }
    )
    ecrivain._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ecrivain._add_object(champ)])}
    )
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def signature_xades(pdf: bytes, *, condensat: bytes | None = None) -> bytes:
    valeur = base64.b64encode(condensat or hashlib.sha256(pdf).digest()).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="sig">
  <ds:SignedInfo>
    <ds:Reference URI="facture.pdf">
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <ds:DigestValue>{valeur}</ds:DigestValue>
    </ds:Reference>
    <ds:Reference URI="#props" Type="http://uri.etsi.org/01903#SignedProperties">
      <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      </ds:Transforms>
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <ds:DigestValue>AAAA</ds:DigestValue>
    </ds:Reference>
  </ds:SignedInfo>
  <ds:SignatureValue>AAAA</ds:SignatureValue>
</ds:Signature>""".encode()


def test_les_formats_structures_sont_reconnus_par_leur_contenu(facture_cii, facture_ubl):
    assert detecter_format(facture_cii, "facture.xml") == FormatFacture.CII
    assert detecter_format(facture_ubl, "FACTURE.XML") == FormatFacture.UBL
    avoir = echantillon("en16931/ubl/ubl-tc434-creditnote1.xml")
    assert detecter_format(avoir, "avoir.xml") == FormatFacture.UBL
    facturx = echantillon("facturx/EN16931_Einfach.pdf")
    assert detecter_format(facturx, "facture.pdf") == FormatFacture.FACTURX


def test_les_pdf_simples_et_signes_sont_reconnus():
    pdf = pdf_simple(TEXTE)
    assert detecter_format(pdf, "facture.pdf") == FormatFacture.PDF
    assert detecter_format(pdf_signe_pades(), "facture.pdf") == FormatFacture.PDF_SIGNE_PADES
    assert (
        detecter_format(pdf, "facture.pdf", signature=signature_xades(pdf))
        == FormatFacture.PDF_SIGNE_XADES
    )


def test_une_signature_xades_d_un_autre_document_est_refusee():
    pdf = pdf_simple(TEXTE)
    autre = signature_xades(pdf, condensat=hashlib.sha256(b"un autre document").digest())
    with pytest.raises(DocumentRefuse, match="ne porte pas sur ce PDF"):
        detecter_format(pdf, "facture.pdf", signature=autre)


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (b"<facture/>", "pas une signature XAdES"),
        (b"", "vide"),
        (b"<ds:Signature", "mal formé"),
    ],
)
def test_un_fichier_de_signature_qui_n_en_est_pas_une_est_refuse(signature, message):
    with pytest.raises(DocumentRefuse, match=message):
        detecter_format(pdf_simple(TEXTE), "facture.pdf", signature=signature)


def test_une_signature_seule_ou_jointe_a_un_xml_est_refusee(facture_cii):
    pdf = pdf_simple(TEXTE)
    with pytest.raises(DocumentRefuse, match="accompagne un PDF"):
        detecter_format(facture_cii, "f.xml", signature=signature_xades(pdf))
    with pytest.raises(DocumentRefuse, match="est une signature électronique"):
        detecter_format(signature_xades(pdf), "signature.xml")


@pytest.mark.parametrize(
    ("nom", "message"),
    [
        ("facture.xml", r"« \.xml » ne correspond pas au contenu du fichier \(PDF\)"),
        ("facture.txt", "L’extension du fichier n’est pas acceptée"),
        ("f" * 47 + ".pdf", "ne doit pas dépasser 50 caractères"),
    ],
)
def test_le_nom_doit_convenir_au_contenu(nom, message):
    with pytest.raises(DocumentRefuse, match=message):
        detecter_format(pdf_simple(TEXTE), nom)


def test_un_xml_nomme_pdf_est_refuse(facture_cii):
    with pytest.raises(DocumentRefuse, match=r"« \.pdf » ne correspond pas"):
        detecter_format(facture_cii, "facture.pdf")


def test_un_contenu_ni_pdf_ni_xml_est_refuse():
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    with pytest.raises(DocumentRefuse, match=r"type accepté \(PDF, XML\)"):
        detecter_format(png, "facture.pdf")


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<commande><ligne/></commande>", "la racine « commande »"),
        (
            b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>',
            "la racine « Invoice »",
        ),
        (
            b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>',
            "ZUGFeRD 1.0",
        ),
    ],
)
def test_un_xml_qui_n_est_pas_une_facture_est_refuse(xml, message):
    with pytest.raises(DocumentRefuse, match=message):
        detecter_format(xml, "facture.xml")


def test_lire_et_controler_refusent_un_fichier_d_un_autre_format(facture_ubl):
    with pytest.raises(DocumentRefuse, match="pas au format annoncé"):
        controler(facture_ubl, FormatFacture.CII)
    with pytest.raises(DocumentRefuse, match="pas de facture Factur-X"):
        lire(pdf_simple(TEXTE), FormatFacture.FACTURX)
