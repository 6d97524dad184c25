"""The desk: who sees which requests, taking and assigning them, answering, asking for more,
internal notes, transferring to support, closing; filters, CSV, concurrency."""

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from habilitations.enums import Niveau
from habilitations.models import Utilisateur
from sollicitations.enums import ActionSollicitation as A
from sollicitations.enums import Destination, TypeMessage
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import Message, Sollicitation
from sollicitations.services import conversation
from tests.habilitations.factories import UtilisateurFactory
from tests.sollicitations import factories as f
from tests.structures.factories import ServiceFactory

pytestmark = pytest.mark.django_db

URL_DESK = reverse("sollicitations:desk")


@pytest.fixture
def monde():
    return f.fournisseur_et_entite()


@pytest.fixture
def question(monde):
    return f.question_envoyee(monde)


@pytest.fixture
def au_support(monde):
    return f.envoyee(monde.fournisseur, monde.fournisseur_structure, objet="Mot de passe perdu")


def url(nom, s):
    return reverse(f"sollicitations:{nom}", args=[s.pk])


def liste(client, onglet="actions", **params):
    response = client.get(URL_DESK, {"onglet": onglet, **params})
    assert response.status_code == 200
    return [s.pk for s in response.context["sollicitations"]]


def messages_de(response):
    return [str(m) for m in response.context["messages"]]


# --- Who sees what ----------------------------------------------------------------------------


def test_un_agent_du_support_ne_voit_que_les_sollicitations_du_support(
    client, question, au_support
):
    client.force_login(f.agent_support())
    assert liste(client) == [au_support.pk]
    assert client.get(url("desk_detail", question)).status_code == 404


def test_l_entite_ne_voit_que_les_siennes(client, monde, question, au_support):
    client.force_login(monde.gp_entite)
    assert liste(client) == [question.pk]
    assert client.get(url("desk_detail", au_support)).status_code == 404
    # Another entity's users see nothing of it.
    autre = f.fournisseur_et_entite()
    client.force_login(autre.gp_entite)
    assert liste(client) == []
    assert client.get(url("desk_detail", question)).status_code == 404


def test_les_droits_d_un_service_sont_respectes(client, monde, question):
    autre_service = ServiceFactory(structure=monde.entite)
    du_service = f.agent_entite(monde.entite, service=monde.service)
    d_un_autre_service = f.agent_entite(monde.entite, service=autre_service)
    client.force_login(du_service)
    assert liste(client) == [question.pk]
    client.force_login(d_un_autre_service)
    assert liste(client) == []
    assert client.get(url("desk_detail", question)).status_code == 404


def test_un_brouillon_n_apparait_jamais_au_desk(client, monde):
    brouillon = f.brouillon(
        monde.fournisseur,
        monde.fournisseur_structure,
        sous_cat=f.question_entite(),
        facture=monde.facture,
    )
    client.force_login(monde.gp_entite)
    assert liste(client) == []
    assert client.get(url("desk_detail", brouillon)).status_code == 404


def test_sans_sollicitations_recues_le_desk_n_existe_pas(client, monde):
    client.force_login(UtilisateurFactory())
    assert client.get(URL_DESK).status_code == 404


def test_en_consultation_on_lit_sans_agir(client, monde, question):
    lecteur = f.agent_entite(monde.entite, niveau=Niveau.CONSULTATION)
    client.force_login(lecteur)
    assert liste(client) == [question.pk]
    page = client.get(url("desk_detail", question))
    assert page.status_code == 200
    assert not page.context["peut_prendre"]
    for nom in ["desk_prendre", "desk_message", "desk_cloturer", "desk_transferer"]:
        assert client.post(url(nom, question), {"texte": "x"}).status_code == 403, nom
    question.refresh_from_db()
    assert question.statut == S.ENVOYEE


def test_le_support_ne_voit_de_la_facture_que_son_resume(client, monde):
    s = f.envoyee(
        monde.fournisseur,
        monde.fournisseur_structure,
        sous_cat=f.sous_categorie("SUIVI"),
        facture=monde.facture,
    )
    client.force_login(f.agent_support())
    contenu = client.get(url("desk_detail", s)).content.decode()
    assert "F2026-0042" in contenu
    assert "Commune de Sainte-Foy" in contenu
    # No link into the invoice spaces, where an agent has no right anyway.
    assert "/factures" not in contenu


# --- Taking and assigning ----------------------------------------------------------------------


def test_un_membre_du_desk_se_l_assigne(client, monde, question):
    agent = f.agent_entite(monde.entite, service=monde.service)
    client.force_login(agent)
    response = client.post(url("desk_prendre", question))
    assert response["Location"] == url("desk_detail", question)
    question.refresh_from_db()
    assert (question.statut, question.assigne_a) == (S.EN_COURS, agent)
    ligne = question.historique.last()
    assert (ligne.action, ligne.acteur) == (A.PRENDRE_EN_CHARGE, agent)


def test_la_prise_en_charge_refuse_la_mauvaise_methode(client, monde, question):
    client.force_login(monde.gp_entite)
    assert client.get(url("desk_prendre", question)).status_code == 405
    assert client.get(url("desk_message", question)).status_code == 405
    assert client.get(url("desk_assigner", question)).status_code == 405


def test_une_sollicitation_deja_prise_le_dit(client, monde, question):
    agent = f.agent_entite(monde.entite)
    f.prise_en_charge(question, agent)
    client.force_login(monde.gp_entite)
    response = client.post(url("desk_prendre", question), follow=True)
    assert any("vient d'être prise en charge par" in m for m in messages_de(response))
    question.refresh_from_db()
    assert question.assigne_a == agent


def test_le_responsable_assigne_et_l_assigne_est_prevenu(
    client, monde, question, mailoutbox, django_capture_on_commit_callbacks
):
    agent = f.agent_entite(monde.entite, service=monde.service)
    client.force_login(monde.gp_entite)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("desk_assigner", question), {"assigne": agent.pk})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.statut, question.assigne_a) == (S.EN_COURS, agent)
    [courriel] = mailoutbox
    assert courriel.to == [agent.email]
    assert question.numero in courriel.subject


def test_seul_un_responsable_assigne(client, monde, question):
    du_service = f.agent_entite(monde.entite, service=monde.service)
    autre = f.agent_entite(monde.entite, service=monde.service)
    client.force_login(du_service)
    assert client.post(url("desk_assigner", question), {"assigne": autre.pk}).status_code == 403
    # A support agent who is also staff leads the support desk.
    s = f.envoyee(monde.fournisseur, monde.fournisseur_structure)
    chef = f.agent_support(is_staff=True)
    agent = f.agent_support()
    client.force_login(agent)
    assert client.post(url("desk_assigner", s), {"assigne": chef.pk}).status_code == 403
    client.force_login(chef)
    assert client.post(url("desk_assigner", s), {"assigne": agent.pk}).status_code == 302
    s.refresh_from_db()
    assert s.assigne_a == agent


def test_on_n_assigne_pas_a_quelqu_un_hors_du_desk(client, monde, question):
    etranger = UtilisateurFactory()
    client.force_login(monde.gp_entite)
    response = client.post(url("desk_assigner", question), {"assigne": etranger.pk})
    assert response.status_code == 200
    assert "assigne" in response.context["form_assigner"].errors
    question.refresh_from_db()
    assert question.assigne_a is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_agents_qui_s_assignent_en_meme_temps_un_seul_gagne():
    f.referentiel()
    monde = f.fournisseur_et_entite()
    s = f.envoyee(monde.fournisseur, monde.fournisseur_structure)
    agents = [f.agent_support(prenom="Ana"), f.agent_support(prenom="Bob")]
    depart = threading.Barrier(2, timeout=30)
    bilans = {}

    def prendre(agent_pk):
        try:
            copie = Sollicitation.objects.get(pk=s.pk)
            agent = Utilisateur.objects.get(pk=agent_pk)
            depart.wait()
            conversation.prendre_en_charge(sollicitation=copie, acting_user=agent)
            bilans[agent_pk] = "gagne"
        except Exception as erreur:  # surfaced by the assertions below
            bilans[agent_pk] = erreur
        finally:
            connection.close()

    fils = [threading.Thread(target=prendre, args=(a.pk,)) for a in agents]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils)

    gagnants = [pk for pk, b in bilans.items() if b == "gagne"]
    perdants = [b for b in bilans.values() if b != "gagne"]
    assert len(gagnants) == 1 and len(perdants) == 1, bilans
    gagnant = Utilisateur.objects.get(pk=gagnants[0])
    assert f"vient d'être prise en charge par {gagnant.get_full_name()}" in str(perdants[0])
    s.refresh_from_db()
    assert s.assigne_a_id == gagnant.pk
    assert s.historique.filter(action=A.PRENDRE_EN_CHARGE).count() == 1


# --- Messages ---------------------------------------------------------------------------------


@pytest.fixture
def en_cours(monde, question):
    return f.prise_en_charge(question, monde.gp_entite)


def test_demander_un_complement_previent_le_demandeur(
    client, monde, en_cours, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(monde.gp_entite)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("desk_message", en_cours),
            {"action": "complement", "texte": "Quel est le numéro d'engagement ?"},
        )
    assert response.status_code == 302
    en_cours.refresh_from_db()
    assert en_cours.statut == S.EN_ATTENTE_COMPLEMENT
    message = Message.objects.get(sollicitation=en_cours)
    assert message.type == TypeMessage.DEMANDE_COMPLEMENT
    [courriel] = mailoutbox
    assert courriel.to == [monde.fournisseur.email]
    assert "numéro d'engagement" in courriel.body
    assert "&#x27;" not in courriel.body


def test_une_reponse_sans_texte_est_refusee(client, monde, en_cours):
    client.force_login(monde.gp_entite)
    response = client.post(url("desk_message", en_cours), {"action": "repondre", "texte": " "})
    assert response.status_code == 200
    assert "texte" in response.context["form_message"].errors
    en_cours.refresh_from_db()
    assert en_cours.statut == S.EN_COURS


def test_repondre_et_cloturer_en_une_fois(
    client, monde, en_cours, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(monde.gp_entite)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("desk_message", en_cours),
            {"action": "repondre_cloturer", "texte": "Payée le 15 novembre."},
        )
    en_cours.refresh_from_db()
    assert en_cours.statut == S.CLOTUREE
    assert list(en_cours.historique.values_list("action", flat=True)) == [
        A.ENVOYER,
        A.PRENDRE_EN_CHARGE,
        A.REPONDRE,
        A.CLOTURER,
    ]
    [courriel] = mailoutbox
    assert "clôturée" in courriel.subject
    assert "Payée le 15 novembre." in courriel.body


def test_seul_l_assigne_ou_un_responsable_repond(client, monde, question):
    agent = f.agent_entite(monde.entite, service=monde.service)
    collegue = f.agent_entite(monde.entite, service=monde.service)
    f.prise_en_charge(question, agent)
    client.force_login(collegue)
    response = client.post(
        url("desk_message", question), {"action": "repondre", "texte": "Moi aussi"}, follow=True
    )
    assert any("pas habilité" in m for m in messages_de(response))
    question.refresh_from_db()
    assert question.statut == S.EN_COURS
    assert not Message.objects.exists()


def test_une_action_deja_faite_est_signalee(client, monde, en_cours):
    f.repondue(en_cours, monde.gp_entite)
    client.force_login(monde.gp_entite)
    response = client.post(
        url("desk_message", en_cours), {"action": "repondre", "texte": "Encore"}, follow=True
    )
    assert any("Action impossible" in m for m in messages_de(response))
    assert Message.objects.filter(type=TypeMessage.REPONSE).count() == 1


def test_une_note_interne_n_est_lue_que_par_le_desk(
    client, monde, en_cours, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(monde.gp_entite)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("desk_message", en_cours),
            {"action": "note", "texte": "Voir avec la trésorerie avant de répondre."},
        )
    en_cours.refresh_from_db()
    assert en_cours.statut == S.EN_COURS
    assert mailoutbox == []
    assert "trésorerie" in client.get(url("desk_detail", en_cours)).content.decode()
    client.force_login(monde.fournisseur)
    assert "trésorerie" not in client.get(url("detail", en_cours)).content.decode()


def test_transferer_au_support(
    client, monde, question, mailoutbox, django_capture_on_commit_callbacks
):
    agent_support = f.agent_support()
    client.force_login(monde.gp_entite)
    assert client.get(url("desk_transferer", question)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("desk_transferer", question), {"texte": "Question de dépôt, pas de paiement."}
        )
    assert response["Location"] == URL_DESK
    question.refresh_from_db()
    assert (question.statut, question.destination, question.assigne_a) == (
        S.ENVOYEE,
        Destination.SUPPORT,
        None,
    )
    assert liste(client) == []  # gone from the entity's desk
    client.force_login(agent_support)
    assert liste(client) == [question.pk]
    assert "pas de paiement" in client.get(url("desk_detail", question)).content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [agent_support.email, monde.fournisseur.email]
    )
    # The requester is told, but never reads the internal reason.
    client.force_login(monde.fournisseur)
    assert "pas de paiement" not in client.get(url("detail", question)).content.decode()


def test_le_support_ne_transfere_pas_a_lui_meme(client, monde, au_support):
    client.force_login(f.agent_support())
    response = client.post(url("desk_transferer", au_support), follow=True)
    assert any("Action impossible" in m or "pas habilité" in m for m in messages_de(response))


def test_cloturer_avec_confirmation(client, monde, en_cours):
    client.force_login(monde.gp_entite)
    assert client.get(url("desk_cloturer", en_cours)).status_code == 200
    en_cours.refresh_from_db()
    assert en_cours.statut == S.EN_COURS
    client.post(url("desk_cloturer", en_cours), {"texte": "Doublon de SOL-2026-000001."})
    en_cours.refresh_from_db()
    assert en_cours.statut == S.CLOTUREE
    assert en_cours.messages.get().type == TypeMessage.CLOTURE


# --- The list: tabs, filters, sorting, export -------------------------------------------------


def test_les_onglets_du_desk(client, monde):
    a_prendre = f.question_envoyee(monde, objet="A")
    en_attente = f.prise_en_charge(f.question_envoyee(monde, objet="B"), monde.gp_entite)
    conversation.demander_complement(
        sollicitation=en_attente, acting_user=monde.gp_entite, texte="?"
    )
    close = f.repondue(f.question_envoyee(monde, objet="C"), monde.gp_entite)
    conversation.cloturer(sollicitation=close, acting_user=monde.gp_entite)
    client.force_login(monde.gp_entite)
    assert liste(client, "actions") == [a_prendre.pk]
    assert liste(client, "en_cours") == [en_attente.pk]
    assert liste(client, "cloturees") == [close.pk]


def test_filtres_et_recherche(client, monde):
    agent = f.agent_entite(monde.entite)
    a = f.question_envoyee(monde, objet="Retard de paiement")
    b = f.prise_en_charge(f.question_envoyee(monde, objet="Avoir manquant"), agent)
    Sollicitation.objects.filter(pk=a.pk).update(envoyee_le=timezone.now() - timedelta(days=10))
    client.force_login(monde.gp_entite)
    assert liste(client, q="retard") == [a.pk]
    assert liste(client, q=b.numero) == [b.pk]
    assert liste(client, q="Garnier") == sorted([a.pk, b.pk], reverse=True)
    assert liste(client, structure=monde.fournisseur_structure.identifiant[:6]) != []
    assert liste(client, statut=S.EN_COURS) == [b.pk]
    assert liste(client, assignation="personne") == [a.pk]
    client.force_login(agent)
    assert liste(client, assignation="moi") == [b.pk]
    debut = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert liste(client, du=debut) == [b.pk]
    assert liste(client, tri="envoyee_le") == [a.pk, b.pk]
    assert liste(client, tri="-envoyee_le") == [b.pk, a.pk]
    assert liste(client, categorie=f.question_entite().categorie_id) == [b.pk, a.pk]
    assert liste(client, categorie=f.connexion().categorie_id) == []


def test_des_dates_a_l_envers_sont_signalees(client, monde, question):
    client.force_login(monde.gp_entite)
    response = client.get(URL_DESK, {"du": "2026-12-01", "au": "2026-11-01"})
    assert "au" in response.context["filtres"].errors


def test_export_csv(client, monde):
    question = f.question_envoyee(monde, objet='=HYPERLINK("x")')
    client.force_login(monde.gp_entite)
    response = client.get(reverse("sollicitations:desk_csv"), {"onglet": "actions"})
    assert response["Content-Type"].startswith("text/csv")
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][0] == "Numéro"
    assert lignes[1][0] == question.numero
    assert lignes[1][1].startswith("'=")  # no formula for spreadsheets
    assert lignes[1][3] == "Menuiseries Garnier"
    assert lignes[1][7] == "Question pour une entité publique"


def test_le_desk_reste_sobre_en_requetes(client, monde, django_assert_max_num_queries):
    for i in range(15):
        f.question_envoyee(monde, objet=f"Question {i}")
    client.force_login(monde.gp_entite)
    with django_assert_max_num_queries(14):
        response = client.get(URL_DESK)
    assert len(response.context["sollicitations"]) == 15
    with django_assert_max_num_queries(14):
        assert client.get(reverse("sollicitations:desk_csv")).status_code == 200


def test_les_menus_menent_aux_sollicitations(client, monde):
    client.force_login(f.agent_support())
    accueil = client.get(reverse("accueil")).content.decode()
    assert f'href="{URL_DESK}"' in accueil and "Sollicitations au support" in accueil
    client.force_login(monde.gp_entite)
    assert client.get(reverse("espace", args=["sollicitations-recues"]))["Location"] == URL_DESK
    client.force_login(monde.fournisseur)
    assert client.get(reverse("espace", args=["sollicitations-emises"]))["Location"] == (
        reverse("sollicitations:emises")
    )


def test_une_action_inconnue_est_refusee_sans_rien_changer(client, monde, question):
    f.prise_en_charge(question, monde.gp_entite)
    client.force_login(monde.gp_entite)
    response = client.post(url("desk_message", question), {"action": "effacer", "texte": "x"})
    assert response.status_code == 200
    assert "action" in response.context["form_message"].errors
    assert "effacer" in response.content.decode()
    assert not Message.objects.exists()
