"""Valider et envoyer: the confirmation page, the sending through the engine, the routing
and the documents that follow, the duplicate rule (also under concurrency)."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chorus.workflow import ActionImpossible
from factures.enums import Cadre, EtatControle, Severite, SourceControle
from factures.enums import StatutFacture as S
from factures.models import Anomalie, Facture
from factures.services import envoi
from habilitations.models import Utilisateur
from tests.factures.factories import FactureFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


def url(nom, facture):
    return reverse(f"factures:{nom}", args=[facture.pk])


def erreur_bloquante(facture):
    """A blocking EN 16931 finding of the checks, on `facture`."""
    return Anomalie.objects.create(
        facture=facture,
        regle="BR-CO-15",
        severite=Severite.BLOQUANTE,
        source=SourceControle.EN16931,
        terme="BT-112",
        message="Le total TTC n'est pas la somme du HT et de la TVA.",
    )


@pytest.fixture
def brouillon(fournisseur, commune):
    """A complete typed draft, ready to send."""
    return FactureFactory(
        fournisseur=fournisseur, destinataire=commune, numero="F2026-100", avec_lignes=True
    )


def test_la_page_de_confirmation_recapitule_sans_rien_changer(client_gp, brouillon):
    response = client_gp.get(url("emises_envoyer", brouillon))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Confirmer l'envoi" in contenu and "Commune de Démoville" in contenu
    brouillon.refresh_from_db()
    assert brouillon.statut == S.BROUILLON


def test_envoyer_depose_puis_achemine_chez_le_destinataire(
    client_gp, brouillon, gp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_gp.post(url("emises_envoyer", brouillon))
    assert response["Location"] == url("emises_detail", brouillon)
    brouillon.refresh_from_db()
    assert brouillon.statut == S.MISE_A_DISPOSITION
    assert brouillon.deposee_le is not None and brouillon.mise_a_disposition_le is not None
    assert [(h.action, h.acteur, h.statut_apres) for h in brouillon.historique.all()] == [
        ("VALIDER_ET_ENVOYER", gp, S.DEPOSEE),
        ("ACHEMINER", None, S.EN_COURS_ACHEMINEMENT),
        ("METTRE_A_DISPOSITION", None, S.MISE_A_DISPOSITION),
    ]
    # The certificate and the Factur-X were made by their tasks.
    assert brouillon.document_certificat is not None
    assert brouillon.document_rendu is not None
    page = client_gp.get(response["Location"]).content.decode()
    assert "La facture n° F2026-100 est envoyée" in page
    assert "Mise à disposition du destinataire" in page
    certificat = client_gp.get(url("emises_certificat", brouillon))
    assert certificat.status_code == 200
    assert b"".join(certificat.streaming_content).startswith(b"%PDF")


def test_une_facture_de_sous_traitant_va_au_titulaire(
    client_gp, brouillon, django_capture_on_commit_callbacks
):
    titulaire = StructureFactory()
    Facture.objects.filter(pk=brouillon.pk).update(
        cadre=Cadre.A9_FACTURE_SOUSTRAITANT, valideur_1=titulaire
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.A_VALIDER_1
    assert brouillon.echeance_action - brouillon.soumise_a_validation_le == timedelta(days=15)


def test_un_brouillon_incomplet_ne_part_pas(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, destinataire=None, numero="")
    page = client_gp.get(url("emises_envoyer", facture)).content.decode()
    assert "Choisissez le destinataire" in page and "Indiquez le numéro" in page
    assert "Confirmer l'envoi" not in page
    response = client_gp.post(url("emises_envoyer", facture))
    assert response["Location"] == url("emises_envoyer", facture)
    facture.refresh_from_db()
    assert facture.statut == S.BROUILLON and facture.historique.count() == 0


def test_une_facture_deja_payee_n_a_rien_a_payer(client_gp, brouillon):
    Facture.objects.filter(pk=brouillon.pk).update(cadre=Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE)
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.BROUILLON  # 1,200.00 left to pay: refused
    Facture.objects.filter(pk=brouillon.pk).update(montant_a_payer=0)
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.DEPOSEE


def test_une_anomalie_bloquante_ou_des_controles_en_cours_empechent_l_envoi(client_gp, brouillon):
    Facture.objects.filter(pk=brouillon.pk).update(
        mode_depot="UPLOAD_PORTAIL", format_depot="UBL", etat_controle=EtatControle.EN_COURS
    )
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.BROUILLON
    Facture.objects.filter(pk=brouillon.pk).update(etat_controle=EtatControle.TERMINE)
    erreur_bloquante(brouillon)
    page = client_gp.get(url("emises_envoyer", brouillon)).content.decode()
    assert "1 erreur(s) bloquante(s)" in page
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.BROUILLON


def test_un_doublon_est_refuse_en_nommant_la_facture_existante(client_gp, brouillon, fournisseur):
    existante = FactureFactory(
        fournisseur=fournisseur,
        numero="F2026-100",
        date_facture=date(2026, 1, 5),
        mise_a_disposition=True,
        deposee_le=timezone.make_aware(timezone.datetime(2026, 1, 6, 10)),
    )
    response = client_gp.post(url("emises_envoyer", brouillon), follow=True)
    contenu = response.content.decode()
    assert "Doublon : la facture n° F2026-100 de 2026 a déjà été déposée le 06/01/2026" in contenu
    assert "Mise à disposition du destinataire" in contenu  # its status
    brouillon.refresh_from_db()
    existante.refresh_from_db()
    assert brouillon.statut == S.BROUILLON
    assert existante.statut == S.MISE_A_DISPOSITION and existante.historique.count() == 0


def test_meme_numero_une_autre_annee_ou_un_autre_fournisseur_n_est_pas_un_doublon(
    client_gp, brouillon, fournisseur
):
    FactureFactory(
        fournisseur=fournisseur, numero="F2026-100", date_facture=date(2025, 12, 1), deposee=True
    )
    FactureFactory(numero="F2026-100", date_facture=date(2026, 11, 2), deposee=True)
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.DEPOSEE


def test_un_brouillon_supprime_ou_un_autre_brouillon_n_est_pas_un_doublon(
    client_gp, brouillon, fournisseur
):
    FactureFactory(fournisseur=fournisseur, numero="F2026-100", statut=S.SUPPRIMEE)
    FactureFactory(fournisseur=fournisseur, numero="F2026-100")
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.DEPOSEE


def test_envoyer_deux_fois_n_envoie_qu_une_fois(client_gp, brouillon):
    client_gp.post(url("emises_envoyer", brouillon))
    response = client_gp.post(url("emises_envoyer", brouillon), follow=True)
    assert "Cette facture a déjà été envoyée." in response.content.decode()
    brouillon.refresh_from_db()
    assert brouillon.historique.filter(action="VALIDER_ET_ENVOYER").count() == 1


def test_le_service_refuse_un_envoi_illegal(brouillon, gp):
    envoi.facture_envoyer(facture=brouillon, acting_user=gp)
    with pytest.raises(ActionImpossible):
        envoi.facture_envoyer(facture=Facture.objects.get(pk=brouillon.pk), acting_user=gp)


@pytest.mark.postgres  # the lock shows as FOR UPDATE, which SQLite does not write
def test_l_envoi_lit_le_brouillon_une_fois_avec_ce_que_ses_verifications_comptent(brouillon, gp):
    with CaptureQueriesContext(connection) as capture:
        envoi.facture_envoyer(facture=brouillon, acting_user=gp)
    lectures = [q["sql"] for q in capture.captured_queries if "factures_facture" in q["sql"]]
    [verrou] = [sql for sql in lectures if "FOR UPDATE" in sql]
    assert not [sql for sql in lectures if sql.startswith("SELECT") and sql != verrou]
    assert Facture.objects.get(pk=brouillon.pk).statut == S.DEPOSEE


def test_le_service_refuse_encore_un_doublon_un_brouillon_sans_ligne_et_une_erreur_bloquante(
    fournisseur, commune, gp
):
    def refus(facture):
        with pytest.raises(ValidationError) as erreur:
            envoi.facture_envoyer(facture=facture, acting_user=gp)
        assert Facture.objects.get(pk=facture.pk).statut == S.BROUILLON
        return " ".join(" ".join(m) for m in erreur.value.message_dict.values())

    FactureFactory(
        fournisseur=fournisseur, numero="F-DBL", date_facture=date(2026, 3, 1), deposee=True
    )
    doublon = FactureFactory(
        fournisseur=fournisseur,
        destinataire=commune,
        numero="F-DBL",
        date_facture=date(2026, 4, 1),
        avec_lignes=True,
    )
    assert "Doublon : la facture n° F-DBL de 2026" in refus(doublon)

    sans_ligne = FactureFactory(fournisseur=fournisseur, destinataire=commune, numero="F-VIDE")
    assert "ligne" in refus(sans_ligne)

    bloquee = FactureFactory(
        fournisseur=fournisseur,
        destinataire=commune,
        numero="F-BLOQ",
        avec_lignes=True,
        mode_depot="UPLOAD_PORTAIL",
        format_depot="UBL",
        etat_controle=EtatControle.TERMINE,
    )
    erreur_bloquante(bloquee)
    assert "1 erreur(s) bloquante(s)" in refus(bloquee)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_envois_simultanes_du_meme_numero_un_seul_passe(fournisseur, gp, commune):
    premiere, seconde = (
        FactureFactory(
            fournisseur=fournisseur, destinataire=commune, numero="COURSE-1", avec_lignes=True
        )
        for _ in range(2)
    )
    depart = threading.Barrier(2, timeout=30)
    resultats = []

    def envoyer(facture_pk):
        try:
            facture = Facture.objects.get(pk=facture_pk)
            acteur = Utilisateur.objects.get(pk=gp.pk)
            depart.wait()
            try:
                envoi.facture_envoyer(facture=facture, acting_user=acteur)
                resultats.append("envoyée")
            except ValidationError as erreur:
                resultats.append(erreur)
        except Exception as erreur:  # surfaced by the assertions below
            resultats.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=envoyer, args=(f.pk,)) for f in (premiere, seconde)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils)

    assert resultats.count("envoyée") == 1, resultats
    [refus] = [r for r in resultats if r != "envoyée"]
    assert isinstance(refus, ValidationError), refus
    assert "Doublon : la facture n° COURSE-1" in " ".join(refus.messages)
    # The winner was sent (and routed on commit); the loser is still a draft, untouched.
    statuts = sorted(Facture.objects.filter(numero="COURSE-1").values_list("statut", flat=True))
    assert statuts == [S.BROUILLON, S.MISE_A_DISPOSITION]
    perdante = Facture.objects.get(numero="COURSE-1", statut=S.BROUILLON)
    assert perdante.historique.count() == 0 and perdante.deposee_le is None
    assert Decimal(perdante.montant_ttc) == Decimal("1200.00")


def test_un_virement_demande_des_coordonnees_bancaires(client_gp, brouillon):
    from tests.structures.factories_gestion import CoordonneeBancaireFactory

    Facture.objects.filter(pk=brouillon.pk).update(mode_paiement="VIREMENT")
    page = client_gp.get(url("emises_envoyer", brouillon)).content.decode()
    assert "Un paiement par virement demande vos coordonnées bancaires" in page
    coordonnee = CoordonneeBancaireFactory(structure=brouillon.fournisseur)
    Facture.objects.filter(pk=brouillon.pk).update(coordonnee_bancaire=coordonnee)
    client_gp.post(url("emises_envoyer", brouillon))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.DEPOSEE


def test_une_remise_plus_grande_que_le_ttc_est_refusee(client_gp, brouillon):
    Facture.objects.filter(pk=brouillon.pk).update(
        montant_remise_globale_ttc=Decimal("5000"), motif_remise_globale="Geste"
    )
    page = client_gp.get(url("emises_envoyer", brouillon)).content.decode()
    assert "La remise globale est comprise entre zéro et le montant TTC." in page
