"""Factures reçues pages: the recipient lists, downloads and processes invoices."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Telechargement
from tests.factures.factories_emises import facture_avec_documents
from tests.factures.factories_recues import scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scene()


def url(nom, *args):
    return reverse(f"factures:{nom}", args=args)


def contenu(response):
    return response.content.decode()


# --- Synthèse and lists -----------------------------------------------------------------


def test_la_synthese_liste_les_factures_a_traiter_les_plus_anciennes_d_abord(
    client, s, django_assert_max_num_queries
):
    maintenant = timezone.now()
    recente = s.facture(numero="F-RECENTE", deposee_le=maintenant - timedelta(days=1))
    ancienne = s.facture(numero="F-ANCIENNE", deposee_le=maintenant - timedelta(days=12))
    completee = s.facture(
        numero="F-COMPLETEE", statut=S.COMPLETEE, deposee_le=maintenant - timedelta(days=5)
    )
    s.facture(numero="F-PAYEE", statut=S.MISE_EN_PAIEMENT)
    s.facture(numero="F-ECOLES", service_destinataire=s.autre_service)
    client.force_login(s.gp_entite)
    with django_assert_max_num_queries(12):
        response = client.get(url("recues_synthese"))
    assert response.status_code == 200
    numeros = [ligne["facture"].numero for ligne in response.context["lignes"]]
    assert numeros[:3] == ["F-ANCIENNE", "F-COMPLETEE", "F-RECENTE"]
    assert "F-PAYEE" not in numeros
    assert "F-ECOLES" in numeros  # the GP sees every service
    page = contenu(response)
    assert "12 jours" in page
    assert "Traiter les factures cochées" in page
    del recente, ancienne, completee


def test_un_agent_de_service_ne_voit_que_son_service(client, s):
    s.facture(numero="F-FINANCES")
    s.facture(numero="F-ECOLES", service_destinataire=s.autre_service)
    client.force_login(s.agent)
    response = client.get(url("recues_synthese"))
    assert [ligne["facture"].numero for ligne in response.context["lignes"]] == ["F-FINANCES"]
    ecoles = s.facture(service_destinataire=s.autre_service)
    assert client.get(url("recues_detail", ecoles.pk)).status_code == 404


def test_en_consultation_pas_de_traitement_propose(client, s):
    facture = s.facture()
    client.force_login(s.lecteur)
    assert "Traiter les factures cochées" not in contenu(client.get(url("recues_synthese")))
    page = contenu(client.get(url("recues_detail", facture.pk)))
    assert "Traiter la facture" not in page
    assert client.get(url("recues_traiter", facture.pk), {"action": A.SUSPENDRE}).status_code == 403


def test_rechercher_par_fournisseur_statut_et_deja_telechargee(
    client, s, django_assert_max_num_queries
):
    vue = s.facture(numero="F-VUE")
    s.facture(numero="F-PAS-VUE")
    s.facture(numero="F-AUTRE-FOURNISSEUR", fournisseur=s.titulaire)
    Telechargement.objects.create(facture=vue, utilisateur=s.agent, type_document="FACTURE")
    client.force_login(s.gp_entite)
    with django_assert_max_num_queries(14):
        response = client.get(url("recues_rechercher"), {"telechargee": "oui"})
    assert [ligne["facture"].numero for ligne in response.context["lignes"]] == ["F-VUE"]
    response = client.get(url("recues_rechercher"), {"telechargee": "non", "fournisseur": "Morel"})
    assert [ligne["facture"].numero for ligne in response.context["lignes"]] == ["F-PAS-VUE"]
    response = client.get(url("recues_rechercher"), {"statut": "PAS_UN_STATUT"})
    assert response.status_code == 200
    assert response.context["page_obj"] is None


def test_l_export_csv_contient_les_factures_recues(client, s):
    s.facture(numero="F-CSV-1", numero_mandat="M-9")
    client.force_login(s.gp_entite)
    response = client.get(url("recues_export"))
    texte = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "F-CSV-1" in texte
    assert "Peintures Morel" in texte
    assert "M-9" in texte


def test_le_tableau_de_bord_compte_par_statut(client, s):
    s.facture()
    s.facture(statut=S.SERVICE_FAIT)
    client.force_login(s.gp_entite)
    response = client.get(url("recues_tableau_de_bord"))
    assert {b.statut: b.nombre for b in response.context["barres"]} == {
        S.MISE_A_DISPOSITION: 1,
        S.SERVICE_FAIT: 1,
    }


# --- Downloads --------------------------------------------------------------------------


def test_les_telechargements_sont_enregistres_et_affiches(client, s):
    facture = facture_avec_documents(
        fournisseur=s.fournisseur, destinataire=s.entite, service_destinataire=s.service
    )
    piece = facture.pieces_jointes.get()
    client.force_login(s.agent)
    assert "Pas encore téléchargée" in contenu(client.get(url("recues_detail", facture.pk)))
    for reponse in (
        client.get(url("recues_original", facture.pk)),
        client.get(url("recues_rendu", facture.pk)),
        client.get(url("recues_piece_jointe", facture.pk, piece.pk)),
    ):
        assert reponse.status_code == 200
        b"".join(reponse.streaming_content)
    assert sorted(facture.telechargements.values_list("type_document", flat=True)) == [
        "FACTURE",
        "PIECE_JOINTE",
        "RENDU",
    ]
    page = contenu(client.get(url("recues_detail", facture.pk)))
    assert "Téléchargée par le destinataire" in page
    # The supplier sees it on his own page.
    client.force_login(s.gp_fournisseur)
    assert "Téléchargée par le destinataire" in contenu(
        client.get(reverse("factures:emises_detail", args=[facture.pk]))
    )


# --- One action -------------------------------------------------------------------------


def test_suspendre_une_facture_avec_confirmation(
    client, s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = s.facture(numero="F-SUSPENDUE")
    client.force_login(s.agent)
    detail = contenu(client.get(url("recues_detail", facture.pk)))
    assert f"{url('recues_traiter', facture.pk)}?action=SUSPENDRE" in detail
    confirmation = client.get(url("recues_traiter", facture.pk), {"action": "SUSPENDRE"})
    assert "Cette action est définitive" in contenu(confirmation)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("recues_traiter", facture.pk),
            {"action": "SUSPENDRE", "motif": "Il manque le bon de commande"},
        )
    assert response.status_code == 302
    assert response["Location"] == url("recues_detail", facture.pk)
    facture.refresh_from_db()
    assert facture.statut == S.SUSPENDUE
    [courriel] = mailoutbox
    assert courriel.to == ["gp@peintures-morel.fr"]
    assert "Il manque le bon de commande" in courriel.body


def test_un_motif_manquant_est_signale_sans_rien_changer(client, s):
    facture = s.facture()
    client.force_login(s.agent)
    response = client.post(url("recues_traiter", facture.pk), {"action": "REJETER", "motif": " "})
    assert response.status_code == 200
    assert "Le motif est obligatoire pour cette action." in contenu(response)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION


def test_mandater_enregistre_le_numero_de_mandat(client, s):
    facture = s.facture(statut=S.SERVICE_FAIT)
    client.force_login(s.agent)
    page = contenu(client.get(url("recues_traiter", facture.pk), {"action": "MANDATER"}))
    assert "Numéro de mandat" in page
    client.post(url("recues_traiter", facture.pk), {"action": "MANDATER", "numero_mandat": "M-42"})
    facture.refresh_from_db()
    assert (facture.statut, facture.numero_mandat) == (S.MANDATEE, "M-42")


def test_une_page_perimee_donne_un_message_pas_une_erreur(client, s):
    facture = s.facture(statut=S.MISE_EN_PAIEMENT)
    client.force_login(s.agent)
    response = client.post(
        url("recues_traiter", facture.pk), {"action": "CONSTATER_SERVICE_FAIT"}, follow=True
    )
    assert response.status_code == 200
    assert "Action impossible : l&#x27;objet est au statut « Mise en paiement »" in contenu(
        response
    )
    # A link to an action no longer offered: back to the page, with a message.
    response = client.get(url("recues_traiter", facture.pk), {"action": "SUSPENDRE"}, follow=True)
    assert "Cette action n&#x27;est pas possible" in contenu(response)


def test_traiter_les_refus(client, s):
    facture = s.facture()
    client.force_login(s.inconnu)
    assert client.get(url("recues_detail", facture.pk)).status_code == 404
    assert client.post(url("recues_traiter", facture.pk), {"action": "REJETER"}).status_code == 404
    client.force_login(s.agent)
    assert client.put(url("recues_traiter", facture.pk)).status_code == 405
    assert client.post(url("recues_detail", facture.pk)).status_code == 405


# --- Batches ----------------------------------------------------------------------------


def test_un_lot_confirme_puis_rend_compte_par_facture(
    client, s, mailoutbox, django_capture_on_commit_callbacks
):
    bonnes = [s.facture(numero=f"F-LOT-{i}") for i in range(3)]
    payee = s.facture(numero="F-LOT-PAYEE", statut=S.MISE_EN_PAIEMENT)
    ailleurs = s.facture(numero="F-AILLEURS", destinataire=s.titulaire)
    ids = [f.pk for f in [*bonnes, payee, ailleurs]]
    client.force_login(s.agent)
    confirmation = client.post(
        url("recues_lot"),
        {"factures": ids, "action": "CONSTATER_SERVICE_FAIT", "retour": "/factures-recues/"},
    )
    page = contenu(confirmation)
    assert confirmation.status_code == 200
    assert "« Service fait » s'appliquera à 3 factures" in page
    assert "F-AILLEURS" not in page  # not his: silently left out
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("recues_lot"),
            {"factures": ids, "action": "CONSTATER_SERVICE_FAIT", "confirmer": "1"},
        )
    assert response["Location"] == url("recues_lot_rapport")
    rapport = client.get(url("recues_lot_rapport"))
    lignes = {ligne["numero"]: ligne for ligne in rapport.context["lignes"]}
    assert sorted(lignes) == ["F-LOT-0", "F-LOT-1", "F-LOT-2", "F-LOT-PAYEE"]
    assert not lignes["F-LOT-PAYEE"]["reussi"]
    assert "Mise en paiement" in lignes["F-LOT-PAYEE"]["message"]
    assert "3 factures traitées" in contenu(rapport)
    assert len(mailoutbox) == 3  # one per invoice to its supplier
    for facture in bonnes:
        facture.refresh_from_db()
        assert facture.statut == S.SERVICE_FAIT


def test_un_lot_sans_selection_ou_sans_motif(client, s):
    facture = s.facture()
    client.force_login(s.agent)
    response = client.post(
        url("recues_lot"), {"action": "REJETER", "retour": "/factures-recues/"}, follow=True
    )
    assert "Cochez au moins une facture." in contenu(response)
    response = client.post(
        url("recues_lot"), {"factures": [facture.pk], "action": "REJETER", "confirmer": "1"}
    )
    assert response.status_code == 200
    assert "Le motif est obligatoire pour cette action." in contenu(response)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION


def test_un_lot_en_consultation_est_interdit(client, s):
    facture = s.facture()
    client.force_login(s.lecteur)
    response = client.post(
        url("recues_lot"), {"factures": [facture.pk], "action": "CONSTATER_SERVICE_FAIT"}
    )
    assert response.status_code == 403
