"""Objects of Factures émises' tests: invoices with their files and attachments."""

import factory

from factures.models import PieceJointeFacture
from tests.factures.factories import FactureFactory
from tests.structures.factories_gestion import document_pdf


class PieceJointeFactureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PieceJointeFacture

    facture = factory.SubFactory(FactureFactory)
    libelle = factory.Sequence(lambda n: f"Bon de livraison {n}")
    document = factory.LazyFunction(lambda: document_pdf("bon.pdf"))


def facture_avec_documents(**kwargs):
    """A sent invoice with every file a supplier may download: deposited file, rendering,
    certificate, one attachment."""
    facture = FactureFactory(
        mise_a_disposition=True,
        document_original=document_pdf("facture.pdf"),
        document_rendu=document_pdf("lisible.pdf"),
        document_certificat=document_pdf("certificat.pdf"),
        **kwargs,
    )
    PieceJointeFactureFactory(facture=facture)
    return facture
