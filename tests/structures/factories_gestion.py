"""Objects of a structure's management pages: documents, bank details, attachments."""

import io

import factory
import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile

from chorus import documents
from structures.models import CoordonneeBancaire, PieceJointeStructure
from tests.structures.factories import StructureFactory

# A valid French IBAN (the usual specimen) and a BIC of the same country.
IBAN_VALIDE = "FR7630004000031234567890143"
BIC_VALIDE = "BNPAFRPP"
# The smallest PNG: a 1×1 pixel.
PNG_MINIMAL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def pdf_minimal() -> bytes:
    """A one-page PDF that the documents core accepts."""
    ecrivain = pypdf.PdfWriter()
    ecrivain.add_blank_page(width=72, height=72)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def fichier_pdf(nom: str = "rib.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, pdf_minimal(), content_type="application/pdf")


def document_pdf(nom: str = "rib.pdf", depose_par=None):
    """A stored `chorus.models.Document` holding a small PDF."""
    return documents.enregistrer(fichier_pdf(nom), types_autorises={"pdf"}, depose_par=depose_par)


class CoordonneeBancaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordonneeBancaire

    structure = factory.SubFactory(StructureFactory)
    libelle = factory.Sequence(lambda n: f"Compte {n}")
    type_coordonnee = "IBAN"
    pays = "FR"
    iban = IBAN_VALIDE
    bic = BIC_VALIDE
    document_rib = factory.LazyFunction(document_pdf)


class PieceJointeStructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PieceJointeStructure

    structure = factory.SubFactory(StructureFactory)
    libelle = factory.Sequence(lambda n: f"Kbis {n}")
    document = factory.LazyFunction(lambda: document_pdf("kbis.pdf"))
