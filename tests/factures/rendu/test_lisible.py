"""The readable PDF of a deposited XML invoice, and the deposits that need none."""

import io

import pypdf
import pytest

from factures.enums import FormatFacture, ModeDepot
from factures.services import rendu
from tests.factures.factories_rendu import FactureDeposeeXmlFactory, Ligne
from tests.factures.rendu.outils import texte_pdf

pytestmark = pytest.mark.django_db


def contenu(document) -> bytes:
    with document.fichier.open("rb") as fichier:
        return fichier.read()


@pytest.mark.parametrize(
    ("format_depot", "libelle"), [(FormatFacture.UBL, "UBL 2.1"), (FormatFacture.CII, "CII D16B")]
)
def test_une_facture_xml_deposee_a_sa_representation_lisible(format_depot, libelle):
    facture = FactureDeposeeXmlFactory(
        format_depot=format_depot,
        numero="UBL-778",
        lignes=[Ligne("Maintenance des ascenseurs", "4", "312.5")],
    )
    document = rendu.facture_rendre(facture=facture)

    facture.refresh_from_db()
    assert facture.document_rendu == document
    assert document.nom == "UBL-778_lisible.pdf"
    assert document.type_mime == "application/pdf"
    data = contenu(document)
    assert pypdf.PdfReader(io.BytesIO(data)).attachments == {}
    texte = " ".join(texte_pdf(data).split())
    assert f"Représentation lisible de la facture déposée au format {libelle}" in texte
    assert "Seul le fichier déposé fait foi." in texte
    assert "UBL-778" in texte
    assert "Maintenance des ascenseurs" in texte
    assert "Net à payer 1 500,00 €" in texte


def test_les_chiffres_lus_dans_le_fichier_sont_montres_tels_quels():
    """A deposited file's totals are the file's: the page does not recompute nor refuse them
    (its findings are reported by the checks of the deposit)."""
    facture = FactureDeposeeXmlFactory()
    facture.montant_tva = facture.montant_tva + 1
    facture.montant_ttc = facture.montant_ttc + 1
    facture.montant_a_payer = facture.montant_ttc
    facture.save()

    texte = " ".join(texte_pdf(contenu(rendu.facture_rendre(facture=facture))).split())
    assert "Total TVA 201,00 €" in texte
    assert "Net à payer 1 201,00 €" in texte


@pytest.mark.parametrize(
    ("mode", "format_depot"),
    [
        (ModeDepot.UPLOAD_PORTAIL, FormatFacture.FACTURX),
        (ModeDepot.DEPOT_PDF_PORTAIL, FormatFacture.PDF),
        (ModeDepot.DEPOT_PDF_SIGNE_PORTAIL, FormatFacture.PDF_SIGNE_PADES),
    ],
)
def test_un_pdf_depose_se_lit_tel_quel(mode, format_depot):
    facture = FactureDeposeeXmlFactory(mode_depot=mode, format_depot=format_depot)
    assert rendu.facture_rendre(facture=facture) is None
    facture.refresh_from_db()
    assert facture.document_rendu is None
