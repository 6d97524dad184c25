"""Every real sample of ../shared/samples deposited through the whole pipeline (view,
service, storage, checks task): with its parties put on the portal and in the directory it
becomes a draft matching the file, checked, with its findings stored; without them it is
refused with a message naming the missing business term. None crashes."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factures.enums import EtatControle, Severite, SourceControle
from factures.models import Facture
from tests.factures.depot_outils import inscrire_les_parties, lue_de
from tests.factures.formats.conftest import CII, FACTURX_VALIDES, PDF_BLANKO, UBL, echantillon
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

NORMES = (SourceControle.XSD, SourceControle.EN16931)


def _nom(chemin: str) -> str:
    # Some sample names pass the 50-character limit: the content is what is deposited.
    return "facture" + chemin[chemin.rindex(".") :].lower()


def _deposer(client, structure, chemin):
    return client.post(
        reverse("factures:emises_deposer"),
        {
            "fournisseur": structure.pk,
            "cadre": "A1_FACTURE_FOURNISSEUR",
            "fichier": SimpleUploadedFile(_nom(chemin), echantillon(chemin)),
        },
    )


@pytest.fixture
def utilisateur(client):
    """A supplier user whose own structure is not the samples' seller."""
    user = UtilisateurFactory(gestionnaire_de=StructureFactory())
    client.force_login(user)
    return user


@pytest.mark.parametrize("chemin", UBL + CII + FACTURX_VALIDES)
def test_sans_ses_parties_dans_l_annuaire_l_echantillon_est_refuse_en_nommant_le_terme(
    client, utilisateur, chemin
):
    structure = utilisateur.structures_gerees.get()
    response = _deposer(client, structure, chemin)
    assert response.status_code == 200
    erreurs = " ".join(response.context["form"].errors["fichier"])
    assert "BT-30 : " in erreurs  # the seller is not the user's structure
    assert "BT-47 : " in erreurs  # the buyer is not in the directory
    assert not Facture.objects.exists()


@pytest.mark.parametrize("chemin", UBL + CII + FACTURX_VALIDES)
def test_avec_ses_parties_l_echantillon_devient_un_brouillon_controle(
    client, utilisateur, chemin, django_capture_on_commit_callbacks
):
    lue = lue_de(echantillon(chemin), _nom(chemin))
    if not lue.identifiants_destinataire:
        # The file names no buyer at all: nothing to put in the directory.
        response = _deposer(client, utilisateur.structures_gerees.get(), chemin)
        assert "BT-47 : le fichier n'indique pas" in unescape(response.content.decode())
        return
    vendeur, acheteur = inscrire_les_parties(lue, utilisateur)
    with django_capture_on_commit_callbacks(execute=True):
        response = _deposer(client, vendeur, chemin)
    assert response.status_code == 302, response.context["form"].errors
    facture = Facture.objects.get()
    assert (facture.fournisseur, facture.destinataire) == (vendeur, acheteur)
    assert (facture.numero, facture.date_facture) == (lue.numero[:20], lue.date_facture)
    assert facture.lignes.count() == len(lue.lignes)
    assert facture.montant_ttc == lue.montant_ttc
    if lue.code_service:
        assert facture.service_destinataire.code == lue.code_service
    assert facture.etat_controle == EtatControle.TERMINE
    # These files pass EN 16931: no blocking finding from the norm's side.
    normes = facture.anomalies.filter(severite=Severite.BLOQUANTE, source__in=NORMES)
    assert list(normes.values_list("regle", flat=True)) == []


@pytest.mark.parametrize("chemin", PDF_BLANKO)
def test_un_pdf_simple_des_echantillons_devient_un_brouillon_a_completer(
    client, utilisateur, chemin
):
    response = _deposer(client, utilisateur.structures_gerees.get(), chemin)
    assert response.status_code == 302
    facture = Facture.objects.get()
    assert facture.mode_depot == "DEPOT_PDF_PORTAIL"
    assert facture.etat_controle == EtatControle.SANS_OBJET


@pytest.mark.parametrize(
    ("chemin", "extrait"),
    [
        ("facturx/corrupt-factur-x-waytoosmall.pdf", "illisible ou endommagé"),
        ("facturx/corruptedV2PDF.pdf", "endommagé"),
    ],
)
def test_un_echantillon_endommage_est_refuse_clairement(client, utilisateur, chemin, extrait):
    response = _deposer(client, utilisateur.structures_gerees.get(), chemin)
    assert extrait in " ".join(response.context["form"].errors["fichier"])
    assert not Facture.objects.exists()


def test_le_xml_invalide_d_un_facturx_bloque_l_envoi_en_nommant_le_probleme(
    client, utilisateur, django_capture_on_commit_callbacks
):
    chemin = "facturx/XMLinvalidV2PDF.pdf"
    lue = lue_de(echantillon(chemin), "facture.pdf")
    vendeur, _acheteur = inscrire_les_parties(lue, utilisateur)
    with django_capture_on_commit_callbacks(execute=True):
        _deposer(client, vendeur, chemin)
    facture = Facture.objects.get()
    xsd = facture.anomalies.filter(source=SourceControle.XSD, severite=Severite.BLOQUANTE)
    assert xsd.exists()
    page = client.get(reverse("factures:emises_envoyer", args=[facture.pk])).content.decode()
    assert "erreur(s) bloquante(s)" in page
