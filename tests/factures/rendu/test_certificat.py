"""The certificat de dépôt: what it attests, and that it is established once."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from chorus.models import Document
from factures.enums import StatutFacture
from factures.rendu import RenduImpossible
from factures.services import rendu
from tests.factures.factories_rendu import FactureDeposeeXmlFactory, FactureSaisieFactory
from tests.factures.rendu.outils import texte_pdf

pytestmark = pytest.mark.django_db


def contenu(document) -> bytes:
    with document.fichier.open("rb") as fichier:
        return fichier.read()


def texte_du_certificat(facture) -> str:
    return " ".join(texte_pdf(contenu(rendu.facture_etablir_certificat(facture=facture))).split())


@override_settings(PORTAIL_NOM="Chorus Pro (recette)")
def test_le_certificat_d_une_facture_deposee_atteste_son_fichier():
    facture = FactureDeposeeXmlFactory(
        numero="UBL-2026-15",
        deposee_le=datetime(2026, 7, 14, 21, 30, 5, tzinfo=UTC),
    )
    texte = texte_du_certificat(facture)

    original = facture.document_original
    assert original.sha256 == hashlib.sha256(contenu(original)).hexdigest()
    for attendu in [
        "Chorus Pro (recette)",
        "Certificat de dépôt",
        f"CD-20260714-{facture.pk:08d}",
        "14/07/2026 à 23:30:05 (heure de Paris)",  # 21:30 UTC is 23:30 in Paris in summer
        "UBL-2026-15",
        facture.fournisseur.raison_sociale,
        facture.destinataire.raison_sociale,
        "service SERV-FIN",
        "A1 – Dépôt par un fournisseur",
        "1 200,00 €",
        "facture-ubl.xml (UBL 2.1)",
        original.sha256,
        "point de départ du délai de paiement",
    ]:
        assert attendu in texte, attendu


def test_l_empreinte_d_une_facture_saisie_est_celle_de_son_factur_x():
    facture = FactureSaisieFactory(
        numero="F2026-0099", deposee_le=datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    )
    texte = texte_du_certificat(facture)

    facture.refresh_from_db()
    facturx = facture.document_rendu
    assert facturx is not None  # rendered first, to be fingerprinted
    assert facturx.sha256 == hashlib.sha256(contenu(facturx)).hexdigest()
    assert facturx.sha256 in texte
    assert "05/01/2026 à 09:00:00 (heure de Paris)" in texte
    assert "F2026-0099_facturx.pdf (Factur-X)" in texte
    assert facture.document_certificat.nom == "F2026-0099_certificat_depot.pdf"


def test_le_certificat_n_est_etabli_qu_une_fois():
    facture = FactureDeposeeXmlFactory()
    premier = rendu.facture_etablir_certificat(facture=facture)
    octets = contenu(premier)
    documents_avant = Document.objects.count()

    facture.refresh_from_db()
    second = rendu.facture_etablir_certificat(facture=facture)
    relue = type(facture).objects.get(pk=facture.pk)
    troisieme = rendu.facture_etablir_certificat(facture=relue)

    assert premier == second == troisieme
    assert Document.objects.count() == documents_avant
    assert contenu(troisieme) == octets


@pytest.mark.parametrize("statut", [StatutFacture.BROUILLON, StatutFacture.SUPPRIMEE])
def test_pas_de_certificat_ni_de_rendu_avant_le_depot(statut):
    facture = FactureSaisieFactory(statut=statut, deposee_le=None)
    with pytest.raises(RenduImpossible, match="déposée"):
        rendu.facture_etablir_certificat(facture=facture)
    with pytest.raises(RenduImpossible, match="déposée"):
        rendu.facture_rendre(facture=facture)
    facture.refresh_from_db()
    assert (facture.document_rendu, facture.document_certificat) == (None, None)
    assert not Document.objects.exclude(pk=facture.coordonnee_bancaire.document_rib_id).exists()
