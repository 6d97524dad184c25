"""The requester's side of the conversation: the awaited complement, more information, closing
after an answer, sending a closed request back; his files, never the desk's internal ones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chorus.models import Notification
from sollicitations.enums import ActionSollicitation as A
from sollicitations.enums import StatutSollicitation as S
from sollicitations.enums import TypeMessage
from sollicitations.models import Message
from sollicitations.services import conversation
from tests.sollicitations import factories as f
from tests.structures.factories_gestion import pdf_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return f.fournisseur_et_entite()


@pytest.fixture
def agent(monde):
    return f.agent_entite(monde.entite, service=monde.service, prenom="Sophie")


@pytest.fixture
def en_attente(monde, agent):
    s = f.prise_en_charge(f.question_envoyee(monde), agent)
    conversation.demander_complement(
        sollicitation=s, acting_user=agent, texte="Joignez le bon de commande."
    )
    s.refresh_from_db()
    return s


def url(nom, s, *args):
    return reverse(f"sollicitations:{nom}", args=[s.pk, *args])


def messages_de(response):
    return [str(m) for m in response.context["messages"]]


def test_le_complement_avec_une_piece_jointe_revient_a_l_agent(
    client, monde, agent, en_attente, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(monde.fournisseur)
    page = client.get(url("detail", en_attente)).content.decode()
    assert "Un complément vous est demandé" in page
    assert "Joignez le bon de commande." in page
    bon = SimpleUploadedFile("bon-de-commande.pdf", pdf_minimal(), content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("ecrire", en_attente), {"texte": "Le voici.", "fichiers": [bon]})

    assert response["Location"] == url("detail", en_attente)
    en_attente.refresh_from_db()
    assert en_attente.statut == S.EN_COURS
    message = Message.objects.get(type=TypeMessage.COMPLEMENT)
    assert message.auteur == monde.fournisseur
    [piece] = message.pieces_jointes.all()
    assert piece.document.nom == "bon-de-commande.pdf"
    # Only the assignee is told, not the whole desk.
    [courriel] = mailoutbox
    assert courriel.to == [agent.email]
    assert "complément" in courriel.subject.lower()
    # The agent downloads the file.
    client.force_login(agent)
    telechargement = client.get(url("piece", en_attente, piece.pk))
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content).startswith(b"%PDF")


def test_une_information_ajoutee_pendant_le_traitement_ne_change_pas_le_statut(
    client, monde, agent
):
    s = f.prise_en_charge(f.question_envoyee(monde), agent)
    client.force_login(monde.fournisseur)
    client.post(url("ecrire", s), {"texte": "J'ajoute le numéro de marché : M-12."})
    s.refresh_from_db()
    assert s.statut == S.EN_COURS
    assert Message.objects.get().type == TypeMessage.MESSAGE
    assert Notification.objects.filter(destinataire=agent).exists()


def test_sans_assigne_tout_le_desk_est_prevenu(
    client, monde, mailoutbox, django_capture_on_commit_callbacks
):
    agent = f.agent_entite(monde.entite)
    s = f.question_envoyee(monde)
    client.force_login(monde.fournisseur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("ecrire", s), {"texte": "Précision."})
    assert sorted(m.to[0] for m in mailoutbox) == sorted([agent.email, monde.gp_entite.email])


def test_ecrire_apres_la_reponse_invite_a_renvoyer(client, monde, agent):
    s = f.repondue(f.question_envoyee(monde), agent)
    client.force_login(monde.fournisseur)
    response = client.post(url("ecrire", s), {"texte": "Et alors ?"}, follow=True)
    assert any("renvoyez-la" in m for m in messages_de(response))
    assert not Message.objects.filter(type=TypeMessage.MESSAGE).exists()


def test_un_message_vide_est_refuse(client, monde, en_attente):
    client.force_login(monde.fournisseur)
    response = client.post(url("ecrire", en_attente), {"texte": ""})
    assert response.status_code == 200
    assert "texte" in response.context["form"].errors
    en_attente.refresh_from_db()
    assert en_attente.statut == S.EN_ATTENTE_COMPLEMENT


def test_le_demandeur_satisfait_cloture(client, monde, agent):
    s = f.repondue(f.question_envoyee(monde), agent)
    client.force_login(monde.fournisseur)
    client.post(url("cloturer", s))
    s.refresh_from_db()
    assert s.statut == S.CLOTUREE
    assert s.historique.last().acteur == monde.fournisseur


def test_cloturer_avant_toute_reponse_est_impossible(client, monde, agent):
    s = f.prise_en_charge(f.question_envoyee(monde), agent)
    client.force_login(monde.fournisseur)
    response = client.post(url("cloturer", s), follow=True)
    assert any("pas habilité" in m or "Action impossible" in m for m in messages_de(response))
    s.refresh_from_db()
    assert s.statut == S.EN_COURS


def test_renvoyer_une_sollicitation_cloturee_la_remet_au_desk(
    client, monde, agent, mailoutbox, django_capture_on_commit_callbacks
):
    s = f.repondue(f.question_envoyee(monde), agent)
    conversation.cloturer(sollicitation=s, acting_user=agent)
    client.force_login(monde.fournisseur)
    assert client.get(url("renvoyer", s)).status_code == 200
    # The reason is required.
    response = client.post(url("renvoyer", s), {"motif": ""})
    assert "motif" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("renvoyer", s), {"motif": "La date annoncée est passée."})
    s.refresh_from_db()
    assert (s.statut, s.assigne_a) == (S.RENVOYEE, agent)
    ligne = s.historique.last()
    assert (ligne.action, ligne.motif) == (A.RENVOYER, "La date annoncée est passée.")
    [courriel] = mailoutbox
    assert courriel.to == [agent.email]
    # Back in the desk's "Actions requises".
    client.force_login(agent)
    response = client.get(reverse("sollicitations:desk"), {"onglet": "actions"})
    assert [x.pk for x in response.context["sollicitations"]] == [s.pk]
    # The assignee takes it again.
    client.post(url("desk_prendre", s))
    s.refresh_from_db()
    assert s.statut == S.EN_COURS


def test_on_ne_renvoie_pas_une_sollicitation_en_cours(client, monde, agent):
    s = f.prise_en_charge(f.question_envoyee(monde), agent)
    client.force_login(monde.fournisseur)
    response = client.post(url("renvoyer", s), {"motif": "Trop long"}, follow=True)
    assert any("Action impossible" in m for m in messages_de(response))
    s.refresh_from_db()
    assert s.statut == S.EN_COURS


def test_le_demandeur_ne_telecharge_pas_les_pieces_des_notes_internes(client, monde, agent):
    s = f.prise_en_charge(f.question_envoyee(monde), agent)
    note = conversation.note_interne(
        sollicitation=s,
        acting_user=agent,
        texte="Relevé interne",
        fichiers=[SimpleUploadedFile("interne.pdf", pdf_minimal())],
    )
    [piece] = note.pieces_jointes.all()
    client.force_login(monde.fournisseur)
    assert client.get(url("piece", s, piece.pk)).status_code == 404
    client.force_login(agent)
    assert client.get(url("piece", s, piece.pk)).status_code == 200
    # A stranger gets nothing either.
    client.force_login(f.agent_support())
    assert client.get(url("piece", s, piece.pk)).status_code == 404


def test_le_fil_d_evenements_du_demandeur(client, monde, agent, django_capture_on_commit_callbacks):
    s = f.prise_en_charge(f.question_envoyee(monde), agent)
    with django_capture_on_commit_callbacks(execute=True):
        conversation.repondre(sollicitation=s, acting_user=agent, texte="Réglée.")
    client.force_login(monde.fournisseur)
    accueil = client.get(reverse("accueil")).content.decode()
    assert f"Réponse à votre sollicitation {s.numero}" in accueil
