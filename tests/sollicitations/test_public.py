"""Without an account: the contact form and its defences against robots, the number shown and
e-mailed, the follow-up by signed link, the support agent's answer reaching the requester."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sollicitations import antirobot, liens
from sollicitations.enums import Destination, TypeMessage
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import CourrielPublic, Message, Sollicitation
from sollicitations.services import avis, conversation
from tests.sollicitations import factories as f
from tests.structures.factories_gestion import pdf_minimal

pytestmark = pytest.mark.django_db

URL_CONTACT = reverse("sollicitations:contact")


@pytest.fixture(autouse=True)
def _sans_delai(settings):
    # Humans take seconds; tests need not wait (one test checks the delay itself).
    settings.SOLLICITATIONS_CONTACT_DELAI_MIN = 0
    cache.clear()
    yield
    cache.clear()


def formulaire(client, **autres):
    """Shows the form, answers its sum: the data a person would send."""
    page = client.get(URL_CONTACT)
    form = page.context["form"]
    # The token travels in the page, as the browser would send it back.
    assert f'name="jeton" value="{form.question.jeton}"' in page.content.decode()
    sc = f.connexion()
    return {
        "email": "Jeanne.Martin@exemple.fr",
        "categorie": sc.categorie_id,
        "sous_categorie": sc.pk,
        "objet": "Je ne reçois pas le lien d'activation",
        "description": "Inscrite hier, aucun courriel reçu, même dans les indésirables.",
        "jeton": form.question.jeton,
        "reponse": str(form.question.a + form.question.b),
        "site_web": "",
        **autres,
    }


def lien_du_courriel(courriel) -> str:
    return re.search(r"https?://[^/\s]+(/contact/suivi/\S+/)", courriel.body).group(1)


def test_une_demande_sans_compte_est_numerotee_et_envoyee_par_courriel(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    f.referentiel()
    agent = f.agent_support()
    donnees = formulaire(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL_CONTACT, donnees)

    s = Sollicitation.objects.get()
    assert (s.statut, s.destination, s.demandeur) == (S.ENVOYEE, Destination.SUPPORT, None)
    assert s.email_contact == "jeanne.martin@exemple.fr"
    assert s.historique.get().acteur is None
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert s.numero in page.content.decode()
    # One acknowledgement to the requester (number and link), one notice to the agent.
    [accuse] = [m for m in mailoutbox if m.to == ["jeanne.martin@exemple.fr"]]
    assert s.numero in accuse.subject
    assert lien_du_courriel(accuse) == response["Location"]
    assert [m.to for m in mailoutbox if m is not accuse] == [[agent.email]]


def test_le_support_repond_et_le_demandeur_lit_par_le_lien(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    agent = f.agent_support()
    s = f.publique()
    f.prise_en_charge(s, agent)
    conversation.note_interne(sollicitation=s, acting_user=agent, texte="Compte en doublon")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversation.demander_complement(
            sollicitation=s, acting_user=agent, texte="Quelle adresse avez-vous utilisée ?"
        )
    [courriel] = mailoutbox
    assert courriel.to == [s.email_contact]
    assert "Quelle adresse avez-vous utilisée ?" in courriel.body
    lien = lien_du_courriel(courriel)

    page = client.get(lien)
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "Quelle adresse avez-vous utilisée ?" in contenu
    assert "Compte en doublon" not in contenu  # internal note

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            lien + "ecrire/",
            {
                "texte": "jeanne@exemple.fr",
                "fichiers": [SimpleUploadedFile("capture.pdf", pdf_minimal())],
            },
        )
    assert response["Location"] == lien
    s.refresh_from_db()
    assert s.statut == S.EN_COURS
    message = Message.objects.get(type=TypeMessage.COMPLEMENT)
    assert message.auteur is None
    assert s.historique.last().acteur is None and s.historique.last().role == "DEMANDEUR"
    assert [m.to for m in mailoutbox] == [[agent.email]]
    # The requester downloads his own file through the link.
    [piece] = message.pieces_jointes.all()
    assert client.get(lien + f"pieces/{piece.pk}/").status_code == 200


def test_le_demandeur_sans_compte_renvoie_puis_cloture(client):
    agent = f.agent_support()
    s = f.repondue(f.publique(), agent)
    lien = liens.chemin_suivi(s)
    response = client.post(lien + "renvoyer/", {"renvoi-motif": ""})
    assert "motif" in response.context["form_renvoi"].errors
    client.post(lien + "renvoyer/", {"renvoi-motif": "Toujours bloqué."})
    s.refresh_from_db()
    assert s.statut == S.RENVOYEE
    f.repondue(s, agent, texte="Débloqué.")
    client.post(lien + "cloturer/")
    s.refresh_from_db()
    assert s.statut == S.CLOTUREE


def test_un_lien_falsifie_ou_expire_ne_montre_rien(client, settings):
    s = f.publique()
    jeton = liens.jeton(s)
    falsifie = jeton[:-2] + ("AA" if not jeton.endswith("AA") else "BB")
    response = client.get(reverse("sollicitations:suivi", args=[falsifie]))
    assert response.status_code == 404
    assert "n'est pas valide" in response.content.decode()
    assert s.objet not in response.content.decode()
    # A token signed for another id does not open this request (signatures differ).
    autre = signing.dumps({"s": s.pk + 1000}, salt=liens.SEL)
    assert client.get(reverse("sollicitations:suivi", args=[autre])).status_code == 404
    # An old link has expired.
    ancien = signing.TimestampSigner(salt=liens.SEL)
    vieux = ancien.sign_object({"s": s.pk})
    original = time.time
    try:
        time.time = lambda: original() + liens.DUREE_DE_VALIDITE.total_seconds() + 60
        response = client.get(reverse("sollicitations:suivi", args=[vieux]))
    finally:
        time.time = original
    assert response.status_code == 404
    assert "expiré" in response.content.decode()


def test_le_lien_ne_sert_pas_pour_la_sollicitation_d_un_utilisateur(client):
    monde = f.fournisseur_et_entite()
    s = f.envoyee(monde.fournisseur, monde.fournisseur_structure)
    assert client.get(liens.chemin_suivi(s)).status_code == 404
    assert client.post(liens.chemin_suivi(s) + "ecrire/", {"texte": "x"}).status_code == 404


def test_les_actions_par_lien_refusent_la_mauvaise_methode(client):
    lien = liens.chemin_suivi(f.publique())
    for action in ["ecrire/", "renvoyer/", "cloturer/"]:
        assert client.get(lien + action).status_code == 405


# --- Defences against robots ------------------------------------------------------------


def test_le_pot_de_miel_rempli_est_refuse(client):
    response = client.post(URL_CONTACT, formulaire(client, site_web="http://spam.example"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Sollicitation.objects.exists()


def test_un_mauvais_calcul_est_refuse_et_une_nouvelle_question_posee(client):
    donnees = formulaire(client)
    donnees["reponse"] = str(int(donnees["reponse"]) + 1)
    response = client.post(URL_CONTACT, donnees)
    form = response.context["form"]
    assert "La réponse au calcul est inexacte." in form.errors["reponse"]
    assert form.data["jeton"] != donnees["jeton"]  # a fresh question
    assert form.data["objet"] == donnees["objet"]  # nothing typed is lost
    assert not Sollicitation.objects.exists()


def test_un_envoi_trop_rapide_est_refuse(client, settings):
    settings.SOLLICITATIONS_CONTACT_DELAI_MIN = 3
    response = client.post(URL_CONTACT, formulaire(client))
    assert "trop vite" in " ".join(response.context["form"].non_field_errors())
    assert not Sollicitation.objects.exists()


def test_un_jeton_forge_est_refuse(client):
    faux = signing.dumps({"a": 1, "b": 1, "t": 0}, salt="autre-chose")
    response = client.post(URL_CONTACT, formulaire(client, jeton=faux, reponse="2"))
    assert "rechargez la page" in " ".join(response.context["form"].non_field_errors())
    assert not Sollicitation.objects.exists()


def test_un_formulaire_trop_vieux_est_refuse(client):
    vieux = signing.dumps(
        {"a": 2, "b": 3, "t": int(time.time()) - antirobot.DELAI_MAX - 10}, salt=antirobot.SEL
    )
    response = client.post(URL_CONTACT, formulaire(client, jeton=vieux, reponse="5"))
    assert "expiré" in " ".join(response.context["form"].non_field_errors())


def test_le_nombre_de_demandes_par_heure_est_limite(client, settings):
    settings.SOLLICITATIONS_CONTACT_LIMITE_PAR_HEURE = 2
    for i in range(2):
        assert client.post(URL_CONTACT, formulaire(client, objet=f"Demande {i}")).status_code == 302
    response = client.post(URL_CONTACT, formulaire(client, objet="Troisième"))
    assert response.status_code == 200
    assert "plusieurs demandes dans l'heure" in " ".join(
        response.context["form"].non_field_errors()
    )
    assert Sollicitation.objects.count() == 2


def test_une_question_pour_une_entite_n_est_pas_proposee_sans_compte(client):
    sc = f.question_entite()
    page = client.get(URL_CONTACT).content.decode()
    assert "Question pour une entité publique" not in page
    response = client.post(
        URL_CONTACT, formulaire(client, categorie=sc.categorie_id, sous_categorie=sc.pk)
    )
    assert "sous_categorie" in response.context["form"].errors
    assert not Sollicitation.objects.exists()


def test_la_liste_des_sous_categories_suit_la_categorie(client):
    sc = f.connexion()
    response = client.get(
        reverse("sollicitations:sous_categories"),
        {"categorie": sc.categorie_id, "sans_compte": "1"},
        headers={"HX-Request": "true"},
    )
    contenu = response.content.decode()
    assert "Connexion et mot de passe" in contenu
    assert "Dépôt et saisie" not in contenu  # another category's


# --- The e-mails to requesters without an account ------------------------------------------


def test_un_courriel_public_n_est_envoye_qu_une_fois(mailoutbox):
    s = f.publique()
    courriel = CourrielPublic.objects.get(sollicitation=s)
    assert avis.courriel_public_envoyer(courriel.pk) is True
    assert avis.courriel_public_envoyer(courriel.pk) is False
    assert len(mailoutbox) == 1
    courriel.refresh_from_db()
    assert courriel.envoye_le is not None


def test_le_courriel_public_est_dans_la_langue_du_demandeur(mailoutbox):
    s = f.publique(langue="en")
    avis.courriel_public_envoyer(CourrielPublic.objects.get(sollicitation=s).pk)
    [courriel] = mailoutbox
    assert "is registered" in courriel.subject
