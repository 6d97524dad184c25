"""Deposit of an invoice file: each step of the pipeline, the draft pre-filled from the file,
routing by its content (or a refusal naming the business term), the checks in a task with
their findings next to the fields, hostile files refused with nothing left behind."""

import copy
import io
from html import unescape

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from factures.enums import EtatControle, FormatFacture, ModeDepot, Severite
from factures.enums import StatutFacture as S
from factures.models import Facture
from factures.services import depot
from tests.factures.depot_outils import facturx, fichier_pdf, fichier_xml
from tests.factures.factories import FactureFactory
from tests.factures.formats.conftest import SIRET_COMMUNE, SIRET_FOURNISSEUR, generer, pdf_simple
from tests.factures.formats.test_detection import TEXTE, pdf_signe_pades, signature_xades
from tests.factures.formats.test_hostiles import MILLIARD_DE_RIRES, XXE
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

URL = "factures:emises_deposer"


@pytest.fixture
def fournisseur():
    return StructureFactory(identifiant=SIRET_FOURNISSEUR, raison_sociale="Bâtiments Durand")


@pytest.fixture
def commune():
    commune = StructureFactory(
        publique=True, identifiant=SIRET_COMMUNE, raison_sociale="Commune de Démoville"
    )
    ServiceFactory(structure=commune, code="SERV-FIN", libelle="Finances")
    return commune


@pytest.fixture
def facture_cii():
    return generer("cii")


def fichiers_stockes(settings):
    racine = settings.MEDIA_ROOT / "documents"
    return sorted(p for p in racine.rglob("*") if p.is_file()) if racine.exists() else []


def deposer(client, fournisseur, fichier, signature=None, cadre="A1_FACTURE_FOURNISSEUR"):
    donnees = {"fournisseur": fournisseur.pk, "cadre": cadre, "fichier": fichier}
    if signature is not None:
        donnees["signature"] = signature
    return client.post(reverse(URL), donnees)


def message(response) -> str:
    return unescape(response.content.decode())


# --- The steps, one by one ------------------------------------------------------------


def test_etape_detecter_puis_lire(facture_cii):
    detection = depot.detecter(facture_cii, "facture.xml")
    assert detection.format == FormatFacture.CII
    lue = depot.lire(detection, facture_cii)
    assert (lue.numero, lue.siret_destinataire, lue.code_service) == (
        "FA-2025-0042",
        SIRET_COMMUNE,
        "SERV-FIN",
    )


def test_etape_pre_remplir(facture_cii, fournisseur):
    lue = depot.lire(depot.detecter(facture_cii, "f.xml"), facture_cii)
    brouillon = depot.pre_remplir(lue, fournisseur=fournisseur)
    assert brouillon.champs["numero"] == "FA-2025-0042"
    assert str(brouillon.champs["montant_ttc"]) == "470.00"
    assert [(lg.designation, str(lg.montant_ht)) for lg in brouillon.lignes] == [
        ("Réparation de la toiture", "300.00"),
        ("Main-d’œuvre", "100.00"),
    ]
    assert [(t.taux, str(t.montant_tva)) for t in brouillon.tva] == [(20, "60.00"), (10, "10.00")]


def test_etape_router_nomme_les_termes_manquants(fournisseur):
    from django.core.exceptions import ValidationError

    data = generer("cii", **{"BG-7": {"legal_identifier": None}, "BT-10": None})
    lue = depot.lire(depot.detecter(data, "f.xml"), data)
    with pytest.raises(ValidationError) as erreur:
        depot.router(
            lue,
            structure_choisie=fournisseur,
            structures_permises=type(fournisseur).objects.filter(pk=fournisseur.pk),
            structuree=True,
        )
    assert "BT-47" in " ".join(erreur.value.messages)


# --- Deposits that go through ---------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "fabrique", "format_"),
    [
        ("facture.xml", lambda: generer("cii"), FormatFacture.CII),
        ("facture.xml", lambda: generer("ubl"), FormatFacture.UBL),
        ("facture.pdf", facturx, FormatFacture.FACTURX),
    ],
    ids=["cii", "ubl", "factur-x"],
)
def test_un_fichier_structure_donne_un_brouillon_complet_et_controle(
    client, fournisseur, commune, nom, fabrique, format_, django_capture_on_commit_callbacks
):
    gp = UtilisateurFactory(gestionnaire_de=fournisseur)
    client.force_login(gp)
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        response = deposer(client, fournisseur, SimpleUploadedFile(nom, fabrique()))
    facture = Facture.objects.get()
    assert response["Location"] == reverse("factures:emises_modifier", args=[facture.pk])
    assert (facture.statut, facture.mode_depot, facture.format_depot) == (
        S.BROUILLON,
        ModeDepot.UPLOAD_PORTAIL,
        format_,
    )
    assert (facture.fournisseur, facture.destinataire, facture.service_destinataire.code) == (
        fournisseur,
        commune,
        "SERV-FIN",
    )
    assert (facture.numero, facture.numero_engagement, facture.numero_marche) == (
        "FA-2025-0042",
        "EJ0012345678",
        "MARCHE-2024-17",
    )
    assert str(facture.montant_ttc) == "470.00" and facture.lignes.count() == 2
    assert facture.document_original.nom == nom
    # Until the task runs, the page says the checks are running, and polls.
    assert facture.etat_controle == EtatControle.EN_COURS
    page = client.get(response["Location"]).content.decode()
    assert "Contrôles du fichier en cours" in page and 'hx-trigger="every 1s"' in page
    controles = reverse("factures:emises_controles", args=[facture.pk])
    assert (
        "Contrôles du fichier en cours"
        in client.get(controles, HTTP_HX_REQUEST="true").content.decode()
    )
    for rappel in rappels:
        rappel()
    facture.refresh_from_db()
    assert facture.etat_controle == EtatControle.TERMINE
    assert not facture.anomalies.filter(severite=Severite.BLOQUANTE).exists()
    reponse = client.get(controles, HTTP_HX_REQUEST="true")
    assert reponse.status_code == 204 and reponse["HX-Refresh"] == "true"


def test_le_fichier_deposee_s_envoie_et_recoit_sa_version_lisible(
    client, fournisseur, commune, django_capture_on_commit_callbacks
):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    with django_capture_on_commit_callbacks(execute=True):
        deposer(client, fournisseur, fichier_xml("facture.xml", generer("ubl")))
    facture = Facture.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("factures:emises_envoyer", args=[facture.pk]))
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert facture.document_rendu.nom.endswith("_lisible.pdf")
    assert facture.document_certificat is not None


def test_une_anomalie_s_affiche_a_cote_de_son_champ(
    client, fournisseur, commune, django_capture_on_commit_callbacks
):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    faux_total = generer("cii", **{"BT-112": "480.00", "BT-115": "480.00"})
    with django_capture_on_commit_callbacks(execute=True):
        deposer(client, fournisseur, fichier_xml("facture.xml", faux_total))
    facture = Facture.objects.get()
    bloquantes = facture.anomalies.filter(severite=Severite.BLOQUANTE)
    assert bloquantes.filter(terme="BT-112").exists()
    page = client.get(reverse("factures:emises_modifier", args=[facture.pk]))
    rubriques = {r.champ: r for r in page.context["rubriques"]}
    regles = {a.regle for a in rubriques["montant_ttc"].anomalies}
    assert regles & {a.regle for a in bloquantes.filter(terme="BT-112")}
    contenu = page.content.decode()
    ligne_ttc = contenu[contenu.index('id="donnee-montant_ttc"') :].split("</dd>")[0]
    assert "BT-112" in ligne_ttc and "Erreur bloquante" in ligne_ttc
    # It cannot be sent.
    client.post(reverse("factures:emises_envoyer", args=[facture.pk]))
    facture.refresh_from_db()
    assert facture.statut == S.BROUILLON


def test_un_pdf_est_pre_rempli_de_ce_que_son_texte_revele(client, fournisseur, commune):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    texte = (
        "FACTURE N° FA-2025-77\nDate de facture : 14/03/2025\n"
        f"SIRET du client : {SIRET_COMMUNE}\nTotal HT : 100,00 EUR\nTVA : 20,00 EUR\n"
        "Total TTC : 120,00 EUR\nEngagement : EJ-7788"
    )
    response = deposer(client, fournisseur, fichier_pdf("facture.pdf", pdf_simple(texte)))
    facture = Facture.objects.get()
    assert response["Location"] == reverse("factures:emises_modifier", args=[facture.pk])
    assert (facture.mode_depot, facture.format_depot, facture.etat_controle) == (
        ModeDepot.DEPOT_PDF_PORTAIL,
        FormatFacture.PDF,
        EtatControle.SANS_OBJET,
    )
    assert facture.numero == "FA-2025-77"
    assert str(facture.montant_ttc) == "120.00"
    assert facture.destinataire == commune
    # The user completes it in the form, totals typed (no lines required).
    form = client.get(response["Location"]).context["form"]
    assert "montant_ht" in form.fields and form.initial["numero"] == "FA-2025-77"


def test_un_pdf_signe_pades_ou_xades(client, fournisseur):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    deposer(client, fournisseur, fichier_pdf("signee.pdf", pdf_signe_pades()))
    pdf = pdf_simple(TEXTE)
    deposer(
        client,
        fournisseur,
        fichier_pdf("facture.pdf", pdf),
        signature=fichier_xml("signature.xml", signature_xades(pdf)),
    )
    pades, xades = Facture.objects.order_by("pk")
    assert (pades.format_depot, pades.mode_depot) == (
        FormatFacture.PDF_SIGNE_PADES,
        ModeDepot.DEPOT_PDF_SIGNE_PORTAIL,
    )
    assert xades.format_depot == FormatFacture.PDF_SIGNE_XADES
    assert xades.document_signature.nom == "signature.xml"


# --- Deposits refused by their routing data ------------------------------------------


@pytest.mark.parametrize(
    ("changements", "terme", "extrait"),
    [
        (
            {"BG-7": {"legal_identifier": None}},
            "BT-47",
            "n'indique pas l'identifiant de l'acheteur",
        ),
        (
            {"BG-7": {"legal_identifier": "21690001600011"}},
            "BT-47",
            "n'est pas une entité publique",
        ),
        ({"BT-10": "INCONNU"}, "BT-10", "« INCONNU » n'est pas un service actif"),
        ({"BG-4": {"legal_identifier": "40483304800022"}}, "BT-30", "n'est pas une structure pour"),
    ],
    ids=["sans-acheteur", "acheteur-inconnu", "service-inconnu", "vendeur-etranger"],
)
def test_un_fichier_mal_achemine_est_refuse_en_nommant_le_terme(
    client, fournisseur, commune, settings, changements, terme, extrait
):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    response = deposer(client, fournisseur, fichier_xml("f.xml", generer("cii", **changements)))
    assert response.status_code == 200
    texte = message(response)
    assert f"{terme} : " in texte and extrait in texte
    assert not Facture.objects.exists()
    assert fichiers_stockes(settings) == []


def test_les_exigences_du_destinataire_sont_rappelees(client, fournisseur, commune):
    commune.numero_ej_obligatoire = True
    commune.save()
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    response = deposer(client, fournisseur, fichier_xml("f.xml", generer("ubl", **{"BT-13": None})))
    assert (
        "BT-13 : le destinataire « Commune de Démoville » exige un numéro d'engagement"
        in message(response)
    )
    assert not Facture.objects.exists()


def test_un_doublon_est_refuse_au_depot(client, fournisseur, commune):
    from datetime import date

    existante = FactureFactory(
        fournisseur=fournisseur, numero="FA-2025-0042", date_facture=date(2025, 1, 2), deposee=True
    )
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    response = deposer(client, fournisseur, fichier_xml("f.xml", generer("cii")))
    assert "Doublon : la facture n° FA-2025-0042 de 2025" in message(response)
    assert list(Facture.objects.all()) == [existante]


# --- Hostile files ---------------------------------------------------------------------


def _pdf_chiffre():
    ecrivain = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_simple("Facture 1"))))
    ecrivain.encrypt("secret")
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def _trop_de_lignes():
    arbre = etree.fromstring(generer("cii"), etree.XMLParser(remove_blank_text=True))
    transaction = arbre.find("{*}SupplyChainTradeTransaction")
    ligne = transaction.find("{*}IncludedSupplyChainTradeLineItem")
    for _ in range(10_001 - 2):
        transaction.insert(0, copy.deepcopy(ligne))
    return etree.tostring(arbre, xml_declaration=True, encoding="UTF-8")


HOSTILES = [
    ("xxe.xml", lambda: XXE, "DOCTYPE refusée"),
    ("rires.xml", lambda: MILLIARD_DE_RIRES, "DOCTYPE refusée"),
    ("chiffre.pdf", _pdf_chiffre, "protégé par un mot de passe"),
    ("tronque.pdf", lambda: pdf_simple("FACTURE N° 12")[:400], "illisible ou endommagé"),
    ("facture.xml", lambda: pdf_simple(TEXTE), "ne correspond pas au contenu"),
    ("vide.pdf", lambda: b"", "est vide"),
    ("gros.xml", lambda: generer("cii") + b"<!--" + b"x" * (11 * 1024 * 1024) + b"-->", "10 Mo"),
    ("scan.pdf", lambda: pdf_simple(), "ne contient pas de texte"),
    (
        "latin1.xml",
        lambda: generer("cii").replace("Démoville".encode(), "Démoville".encode("latin-1")),
        "mal formé",
    ),
    (
        "absurde.xml",
        lambda: generer(
            "cii", **{"BT-109": "12345678901234567.00", "BT-112": "12345678901234637.00"}
        ),
        "hors des limites",
    ),
    ("lignes.xml", _trop_de_lignes, "10 000 au plus"),
    ("bizarre.xml", lambda: b"<?xml version='1.0'?><commande/>", "facture"),
]


@pytest.mark.parametrize(("nom", "fabrique", "extrait"), HOSTILES, ids=[h[0] for h in HOSTILES])
def test_un_fichier_hostile_est_refuse_sans_rien_laisser(
    client, fournisseur, commune, settings, nom, fabrique, extrait
):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    response = deposer(client, fournisseur, SimpleUploadedFile(nom, fabrique()))
    assert response.status_code == 200
    assert extrait in message(response).replace("\u202f", " ").replace("\xa0", " ")
    assert not Facture.objects.exists()
    assert fichiers_stockes(settings) == []


def test_un_echec_au_stockage_ne_laisse_aucun_fichier(
    client, fournisseur, commune, settings, monkeypatch
):
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))

    def panne(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr("factures.services.depot.copier_instances", panne)  # the lines' write
    with pytest.raises(RuntimeError):
        deposer(client, fournisseur, fichier_xml("f.xml", generer("cii")))
    assert not Facture.objects.exists()
    assert fichiers_stockes(settings) == []


# --- Access ----------------------------------------------------------------------------


def test_deposer_demande_la_modification(client, fournisseur):
    from tests.habilitations.factories import HabilitationFactory

    lecteur = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=lecteur,
        structure=fournisseur,
        application="FACTURES_EMISES",
        niveau="CONSULTATION",
    )
    client.force_login(lecteur)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(UtilisateurFactory())
    assert client.get(reverse(URL)).status_code == 404


def test_etape_lire_l_envoi_rembobine_le_fichier():
    envoi = SimpleUploadedFile("f.xml", generer("cii"))
    data = depot.lire_l_envoi(envoi)
    assert data == envoi.read()  # rewound: the storage step reads it whole


def test_etape_valider_refuse_ce_qu_aucun_brouillon_ne_tiendrait():
    from django.core.exceptions import ValidationError

    data = _trop_de_lignes()
    detection = depot.detecter(data, "f.xml")
    with pytest.raises(ValidationError, match="10001 lignes"):
        depot.valider(detection, depot.lire(detection, data))
    data = generer("cii", **{"BT-112": "12345678901234637.00"})
    detection = depot.detecter(data, "f.xml")
    with pytest.raises(ValidationError, match="hors des limites"):
        depot.valider(detection, depot.lire(detection, data))


def test_le_vendeur_et_l_acheteur_sont_cherches_dans_l_annuaire_en_une_lecture(
    client, fournisseur, commune, django_assert_num_queries
):
    """The seller and the buyer of a structured file, found in one query of the directory;
    a structure carrying the buyer's identifier but private is not the recipient."""
    from factures.services import routage

    data = generer("cii")
    lue = depot.lire(depot.detecter(data, "f.xml"), data)
    vendeur, acheteur = (routage.identifiants_de(lue, p) for p in ("fournisseur", "destinataire"))
    structures = type(fournisseur).objects
    with django_assert_num_queries(1):
        annuaire = routage.Annuaire((vendeur, structures.all()), (acheteur, structures.publiques()))
        trouve = routage.structure_designee(vendeur, structures.all(), (annuaire, bool))
        trajet_structure = routage.structure_designee(
            acheteur, structures.publiques(), (annuaire, lambda s: s.categorie == "PUBLIQUE")
        )
    assert (trouve, trajet_structure) == (fournisseur, commune)
    assert (
        routage.structure_designee(acheteur, structures.none(), (annuaire, lambda s: False)) is None
    )
