"""A works piece deposited as in Factures émises: a structured file read, checked and
pre-filling the piece (its number, date, amounts and lines), findings shown with their rule
and business term; or typed lines whose totals the portal computes."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from factures.enums import EtatControle, FormatFacture, Severite
from factures.enums import StatutFacture as S
from factures.models import Facture
from tests.factures.depot_outils import facturx, fichier_pdf, fichier_xml
from tests.factures.formats.conftest import SIRET_FOURNISSEUR, generer, pdf_simple
from tests.travaux.factories import Chantier
from travaux.models import DossierFacturation

pytestmark = pytest.mark.django_db


def url(role, page, *args):
    return reverse(f"travaux:{role}_{page}", args=args)


@pytest.fixture
def ch():
    chantier = Chantier()
    # The titulaire is the seller (BT-30) of the invoices the factur-x library builds here.
    chantier.titulaire.identifiant = SIRET_FOURNISSEUR
    chantier.titulaire.save()
    return chantier


def _parties(ch):
    return {
        "parties-structure": ch.titulaire.pk,
        "parties-numero_marche": "M-2026-042",
        "parties-moa": ch.moa_structure.identifiant,
        "parties-moe": ch.moe_structure.identifiant,
        "parties-service_financier": "FINANCES",
    }


def _deposer_facturx(client, ch, capture, **changements):
    client.force_login(ch.fournisseur)
    fichier = fichier_pdf("decompte-novembre.pdf", facturx(**changements))
    with capture(execute=True):  # the checks' task runs once the deposit is committed
        return client.post(
            url("fournisseur", "deposer_piece", "a4"), {**_parties(ch), "fichier": fichier}
        )


def test_un_projet_de_decompte_facturx_pre_remplit_la_piece_qui_part_a_la_moe(
    client, ch, django_capture_on_commit_callbacks
):
    response = _deposer_facturx(
        client, ch, django_capture_on_commit_callbacks, **{"BT-1": "PDM-2026-11"}
    )
    piece = Facture.objects.get()
    assert response["Location"] == url("fournisseur", "envoyer", piece.pk)
    # Read from the file, not typed: number, date, amounts, its two lines and VAT breakdown.
    assert (piece.numero, piece.date_facture, piece.format_depot) == (
        "PDM-2026-11",
        date(2025, 3, 14),
        FormatFacture.FACTURX,
    )
    assert (piece.montant_ht, piece.montant_tva, piece.montant_ttc) == (
        Decimal("400.00"),
        Decimal("70.00"),
        Decimal("470.00"),
    )
    assert [(lg.designation, lg.montant_ht) for lg in piece.lignes.order_by("ordre")] == [
        ("Réparation de la toiture", Decimal("300.00")),
        ("Main-d’œuvre", Decimal("100.00")),
    ]
    assert sorted(t.taux for t in piece.lignes_tva.all()) == [Decimal("10"), Decimal("20")]
    assert piece.numero_engagement == "EJ0012345678"  # BT-13
    # Checked as any invoice: no blocking finding.
    assert piece.etat_controle == EtatControle.TERMINE
    assert not piece.anomalies.filter(severite=Severite.BLOQUANTE).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Réparation de la toiture" in page and "470,00" in page
    # Sent, it is routed as a typed projet de décompte would be.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("fournisseur", "envoyer", piece.pk))
    piece.refresh_from_db()
    assert (piece.statut, piece.destinataire, piece.dossier.numero_marche) == (
        S.MISE_A_DISPOSITION_MOE,
        ch.moe_structure,
        "M-2026-042",
    )
    # Its data cannot be retyped: the draft form offered the file's, not fields to change.


def test_la_page_de_la_piece_suit_ses_controles_et_se_recharge_quand_ils_finissent(
    client, ch, django_capture_on_commit_callbacks
):
    client.force_login(ch.fournisseur)
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        response = client.post(
            url("fournisseur", "deposer_piece", "a4"),
            {**_parties(ch), "fichier": fichier_pdf("decompte.pdf", facturx())},
        )
    piece = Facture.objects.get()
    controles = url("fournisseur", "controles", piece.pk)
    # Until the task runs, the page that opens after the deposit says so and polls.
    assert piece.etat_controle == EtatControle.EN_COURS
    for page in ("envoyer", "detail"):
        contenu = client.get(url("fournisseur", page, piece.pk)).content.decode()
        assert "contrôles du fichier déposé sont en cours" in contenu, page
        assert f'hx-get="{controles}"' in contenu and 'http-equiv="refresh"' in contenu
    assert response["Location"] == url("fournisseur", "envoyer", piece.pk)
    assert "en cours" in client.get(controles, HTTP_HX_REQUEST="true").content.decode()
    for rappel in rappels:
        rappel()
    # Done: htmx is told to reload the page, which then shows the result, and stops polling.
    reponse = client.get(controles, HTTP_HX_REQUEST="true")
    assert reponse.status_code == 204 and reponse["HX-Refresh"] == "true"
    contenu = client.get(url("fournisseur", "envoyer", piece.pk)).content.decode()
    assert "sont en cours" not in contenu and "Récapitulatif de TVA" in contenu
    assert "hx-get" not in contenu.split("<main", 1)[1] and 'http-equiv="refresh"' not in contenu
    # Outside htmx, the address leads to the piece's page.
    assert client.get(controles)["Location"] == url("fournisseur", "detail", piece.pk)


def test_les_constats_du_fichier_s_affichent_et_une_erreur_bloquante_retient_la_piece(
    client, ch, django_capture_on_commit_callbacks
):
    _deposer_facturx(
        client, ch, django_capture_on_commit_callbacks, **{"BT-112": "480.00", "BT-115": "480.00"}
    )
    piece = Facture.objects.get()
    bloquante = piece.anomalies.filter(severite=Severite.BLOQUANTE, terme="BT-112").first()
    assert bloquante is not None
    page = client.get(url("fournisseur", "envoyer", piece.pk)).content.decode()
    assert "Erreur bloquante" in page and bloquante.regle in page and "BT-112" in page
    client.post(url("fournisseur", "envoyer", piece.pk))
    piece.refresh_from_db()
    assert piece.statut == S.BROUILLON
    detail = client.get(url("fournisseur", "detail", piece.pk)).content.decode()
    assert bloquante.regle in detail
    # The corrected file replaces the draft's data and findings: the piece may go.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("fournisseur", "modifier", piece.pk),
            {"fichier": fichier_pdf("decompte-corrige.pdf", facturx())},
        )
    piece.refresh_from_db()
    assert (piece.montant_ttc, piece.etat_controle) == (Decimal("470.00"), EtatControle.TERMINE)
    assert not piece.anomalies.filter(severite=Severite.BLOQUANTE).exists()
    client.post(url("fournisseur", "envoyer", piece.pk))
    piece.refresh_from_db()
    assert piece.statut == S.MISE_A_DISPOSITION_MOE


def test_le_fichier_d_un_autre_vendeur_est_refuse_en_nommant_bt_30(
    client, ch, django_capture_on_commit_callbacks
):
    autre = {"BG-4": {"legal_identifier": "35600000000048"}}
    response = _deposer_facturx(client, ch, django_capture_on_commit_callbacks, **autre)
    assert response.status_code == 200
    assert "BT-30" in response.content.decode()
    assert not Facture.objects.exists() and not DossierFacturation.objects.exists()


def test_le_brouillon_d_un_fichier_structure_ne_se_ressaisit_pas(
    client, ch, django_capture_on_commit_callbacks
):
    _deposer_facturx(client, ch, django_capture_on_commit_callbacks)
    piece = Facture.objects.get()
    page = client.get(url("fournisseur", "modifier", piece.pk)).content.decode()
    assert 'name="montant_ht"' not in page and 'name="commentaire"' in page
    client.post(url("fournisseur", "modifier", piece.pk), {"commentaire": "Situation n° 3"})
    piece.refresh_from_db()
    assert (piece.commentaire, piece.montant_ttc) == ("Situation n° 3", Decimal("470.00"))


def _ligne(rang, designation, quantite, prix, taux):
    prefixe = f"lignes-{rang}-"
    return {
        f"{prefixe}designation": designation,
        f"{prefixe}quantite": quantite,
        f"{prefixe}unite": "C62",
        f"{prefixe}prix_unitaire_ht": prix,
        f"{prefixe}taux_tva": taux,
    }


def test_la_saisie_d_un_projet_avec_deux_lignes_et_deux_taux_calcule_les_totaux(
    client, ch, django_capture_on_commit_callbacks
):
    client.force_login(ch.fournisseur)
    formulaire = {
        **_parties(ch),
        "numero": "PDM-2026-12",
        "date_facture": "2026-12-01",
        "montant_ht": "1",  # the lines' totals prevail over a typed one
        "lignes-TOTAL_FORMS": "2",
        "lignes-INITIAL_FORMS": "0",
        **_ligne(0, "Terrassement", "10", "1500", "20"),
        **_ligne(1, "Fourniture de béton", "3", "200", "10"),
    }
    # "Ajouter une ligne" shows one more line and saves nothing.
    response = client.post(
        url("fournisseur", "deposer_piece", "a4"), {**formulaire, "_action": "ajouter_ligne"}
    )
    assert 'name="lignes-2-designation"' in response.content.decode()
    assert not Facture.objects.exists()
    client.post(url("fournisseur", "deposer_piece", "a4"), formulaire)
    piece = Facture.objects.get()
    assert (piece.montant_ht, piece.montant_tva, piece.montant_ttc, piece.montant_a_payer) == (
        Decimal("15600.00"),
        Decimal("3060.00"),
        Decimal("18660.00"),
        Decimal("18660.00"),
    )
    assert [(t.taux, t.base_ht, t.montant_tva) for t in piece.lignes_tva.order_by("-taux")] == [
        (Decimal("20.00"), Decimal("15000.00"), Decimal("3000.00")),
        (Decimal("10.00"), Decimal("600.00"), Decimal("60.00")),
    ]
    assert list(piece.lignes.order_by("ordre").values_list("designation", flat=True)) == [
        "Terrassement",
        "Fourniture de béton",
    ]
    # The draft keeps its lines when edited: one line less, totals recomputed.
    page = client.get(url("fournisseur", "modifier", piece.pk)).content.decode()
    assert 'value="Fourniture de béton"' in page
    client.post(
        url("fournisseur", "modifier", piece.pk),
        {
            "numero": "PDM-2026-12",
            "date_facture": "2026-12-01",
            "lignes-TOTAL_FORMS": "2",
            "lignes-INITIAL_FORMS": "2",
            **_ligne(0, "Terrassement", "10", "1500", "20"),
            **_ligne(1, "Fourniture de béton", "3", "200", "10"),
            "lignes-1-DELETE": "on",
        },
    )
    piece.refresh_from_db()
    assert (piece.montant_ttc, piece.lignes.count()) == (Decimal("18000.00"), 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("fournisseur", "envoyer", piece.pk))
    piece.refresh_from_db()
    assert piece.statut == S.MISE_A_DISPOSITION_MOE


def test_sans_montant_ni_lignes_ni_fichier_la_piece_est_refusee(client, ch):
    client.force_login(ch.fournisseur)
    response = client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {**_parties(ch), "numero": "PDM-9", "date_facture": "2026-12-01"},
    )
    assert "Saisissez le montant HT, ou les lignes de la pièce." in response.content.decode()
    response = client.post(url("fournisseur", "deposer_piece", "a4"), _parties(ch))
    page = response.content.decode()
    assert "Saisissez le numéro de la pièce." in page and "Saisissez la date de la pièce." in page
    assert not Facture.objects.exists() and not DossierFacturation.objects.exists()


def test_un_pdf_complete_ce_que_l_utilisateur_a_laisse_vide(client, ch):
    texte = (
        "Batiments Test\nProjet de decompte mensuel\nFacture n° PDM-2026-88\n"
        "Date : 02/11/2026\nTotal HT : 12 500,00 EUR\nTotal TTC : 15 000,00 EUR"
    )
    client.force_login(ch.fournisseur)
    client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {
            **_parties(ch),
            "montant_tva": "2500",
            "fichier": fichier_pdf("decompte.pdf", pdf_simple(texte)),
        },
    )
    piece = Facture.objects.get()
    assert (piece.numero, piece.date_facture, piece.montant_ht, piece.montant_ttc) == (
        "PDM-2026-88",
        date(2026, 11, 2),
        Decimal("12500.00"),
        Decimal("15000.00"),
    )
    assert (piece.format_depot, piece.etat_controle) == (
        FormatFacture.PDF,
        EtatControle.SANS_OBJET,
    )


@pytest.mark.parametrize(
    ("syntaxe", "format_"), [("ubl", FormatFacture.UBL), ("cii", FormatFacture.CII)]
)
def test_un_projet_ubl_ou_cii_se_depose_comme_un_facturx(
    client, ch, django_capture_on_commit_callbacks, syntaxe, format_
):
    client.force_login(ch.fournisseur)
    fichier = fichier_xml("decompte.xml", generer(syntaxe, **{"BT-1": "PDM-XML-1"}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("fournisseur", "deposer_piece", "a4"), {**_parties(ch), "fichier": fichier})
    piece = Facture.objects.get()
    assert (piece.numero, piece.format_depot, piece.montant_ttc, piece.lignes.count()) == (
        "PDM-XML-1",
        format_,
        Decimal("470.00"),
        2,
    )
    assert piece.etat_controle == EtatControle.TERMINE
    assert not piece.anomalies.filter(severite=Severite.BLOQUANTE).exists()
