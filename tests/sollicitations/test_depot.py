"""Sollicitations émises: a signed-in user writes a draft (category, issuing structure,
invoice, attachments), then "Valider et envoyer"; the list with its tabs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chorus.models import Document, Notification
from habilitations.enums import Application, Niveau
from sollicitations.enums import ActionSollicitation, Destination
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import PieceJointeSollicitation, Sollicitation, SollicitationHistorique
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.sollicitations import factories as f
from tests.structures.factories import ServiceFactory, StructureFactory
from tests.structures.factories_gestion import PNG_MINIMAL, pdf_minimal

pytestmark = pytest.mark.django_db

URL_CREER = reverse("sollicitations:creer")
URL_LISTE = reverse("sollicitations:emises")


@pytest.fixture
def monde():
    return f.fournisseur_et_entite()


def donnees(monde, sous_cat=None, **autres):
    sc = sous_cat or f.question_entite()
    return {
        "categorie": sc.categorie_id,
        "sous_categorie": sc.pk,
        "structure_emettrice": monde.fournisseur_structure.pk,
        "objet": "Date de paiement de ma facture",
        "description": "La facture F2026-0042 a été mise à disposition il y a 40 jours.",
        "numero_facture": "F2026-0042",
        **autres,
    }


def erreurs(response):
    return response.context["form"].errors


# --- Drafts -----------------------------------------------------------------------------------


def test_une_question_pour_l_entite_va_au_destinataire_de_la_facture(client, monde):
    client.force_login(monde.fournisseur)
    assert client.get(URL_CREER).status_code == 200

    response = client.post(URL_CREER, donnees(monde))

    s = Sollicitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sollicitations:detail", args=[s.pk])
    assert s.statut == S.BROUILLON
    assert s.numero == f"SOL-{s.cree_le:%Y}-{s.pk:06d}"
    assert s.destination == Destination.ENTITE_PUBLIQUE
    assert s.structure_destinataire == monde.entite
    assert s.service_destinataire == monde.service
    assert s.facture == monde.facture
    assert s.demandeur == monde.fournisseur
    assert s.email_contact == monde.fournisseur.email
    # A draft bothers nobody and writes no history.
    assert not Notification.objects.exists()
    assert not s.historique.exists()


def test_une_autre_categorie_va_au_support_meme_avec_une_facture(client, monde):
    client.force_login(monde.fournisseur)
    client.post(URL_CREER, donnees(monde, sous_cat=f.sous_categorie("SUIVI")))
    s = Sollicitation.objects.get()
    assert s.destination == Destination.SUPPORT
    assert s.structure_destinataire is None
    assert s.facture == monde.facture


def test_la_facture_est_obligatoire_pour_une_question_a_une_entite(client, monde):
    client.force_login(monde.fournisseur)
    response = client.post(URL_CREER, donnees(monde, numero_facture=""))
    assert response.status_code == 200
    assert "Indiquez la facture concernée" in str(erreurs(response)["numero_facture"])
    assert not Sollicitation.objects.exists()


def test_une_facture_d_une_autre_structure_est_refusee(client, monde):
    autre = FactureFactory(mise_a_disposition=True, numero="AUTRE-1")
    client.force_login(monde.fournisseur)
    response = client.post(URL_CREER, donnees(monde, numero_facture=autre.numero))
    assert "Aucune facture déposée par la structure émettrice" in str(
        erreurs(response)["numero_facture"]
    )
    assert not Sollicitation.objects.exists()


def test_un_brouillon_de_facture_ne_peut_pas_etre_cite(client, monde):
    FactureFactory(fournisseur=monde.fournisseur_structure, numero="BROUILLON-1")
    client.force_login(monde.fournisseur)
    response = client.post(URL_CREER, donnees(monde, numero_facture="BROUILLON-1"))
    assert "numero_facture" in erreurs(response)


def test_la_sous_categorie_doit_appartenir_a_la_categorie(client, monde):
    client.force_login(monde.fournisseur)
    autre_categorie = f.connexion().categorie_id
    response = client.post(URL_CREER, donnees(monde, categorie=autre_categorie))
    assert "Choisissez une sous-catégorie de la catégorie choisie." in str(
        erreurs(response)["sous_categorie"]
    )


def test_une_structure_dont_on_n_est_pas_membre_n_est_pas_proposee(client, monde):
    client.force_login(monde.fournisseur)
    response = client.post(URL_CREER, donnees(monde, structure_emettrice=monde.entite.pk))
    assert "structure_emettrice" in erreurs(response)
    assert not Sollicitation.objects.exists()


def test_le_service_emetteur_doit_etre_de_la_structure_emettrice(client, monde):
    autre_service = ServiceFactory(structure=StructureFactory())
    mon_service = ServiceFactory(structure=monde.fournisseur_structure)
    client.force_login(monde.fournisseur)
    response = client.post(URL_CREER, donnees(monde, service_emetteur=autre_service.pk))
    assert "service_emetteur" in erreurs(response)
    client.post(URL_CREER, donnees(monde, service_emetteur=mon_service.pk))
    assert Sollicitation.objects.get().service_emetteur == mon_service


def test_le_lien_depuis_une_facture_preremplit_la_question(client, monde):
    client.force_login(monde.fournisseur)
    response = client.get(URL_CREER + f"?facture={monde.facture.pk}")
    form = response.context["form"]
    assert form.initial["numero_facture"] == "F2026-0042"
    assert form.initial["sous_categorie"] == str(f.question_entite().pk)
    # Someone else's invoice prefills nothing.
    autre = FactureFactory(mise_a_disposition=True)
    response = client.get(URL_CREER + f"?facture={autre.pk}")
    assert "numero_facture" not in response.context["form"].initial


# --- Attachments --------------------------------------------------------------------------------


def test_les_pieces_jointes_sont_enregistrees_avec_le_brouillon(client, monde):
    client.force_login(monde.fournisseur)
    fichiers = [
        SimpleUploadedFile("releve.pdf", pdf_minimal(), content_type="application/pdf"),
        SimpleUploadedFile("capture.png", PNG_MINIMAL, content_type="image/png"),
    ]
    client.post(URL_CREER, {**donnees(monde), "fichiers": fichiers})
    s = Sollicitation.objects.get()
    noms = sorted(p.document.nom for p in s.pieces_jointes.all())
    assert noms == ["capture.png", "releve.pdf"]
    assert all(
        p.message is None and p.ajoutee_par == monde.fournisseur for p in s.pieces_jointes.all()
    )


def test_un_fichier_refuse_fait_refuser_tout_l_envoi_sans_rien_ecrire(client, monde):
    client.force_login(monde.fournisseur)
    fichiers = [
        SimpleUploadedFile("releve.pdf", pdf_minimal(), content_type="application/pdf"),
        SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 pas un pdf", content_type="application/pdf"),
    ]
    response = client.post(URL_CREER, {**donnees(monde), "fichiers": fichiers})
    assert response.status_code == 200
    message = str(erreurs(response)["fichiers"])
    assert "faux.pdf" in message
    assert not Sollicitation.objects.exists()
    assert not Document.objects.exists()


def test_un_fichier_trop_gros_est_refuse(client, monde, settings):
    settings.DOCUMENT_TAILLE_MAX = 1024
    client.force_login(monde.fournisseur)
    gros = SimpleUploadedFile("gros.txt", b"a" * 2048, content_type="text/plain")
    response = client.post(URL_CREER, {**donnees(monde), "fichiers": [gros]})
    assert "taille maximale" in str(erreurs(response)["fichiers"])
    assert not Sollicitation.objects.exists()


def test_la_taille_totale_de_la_sollicitation_est_plafonnee(client, monde, settings):
    settings.DOCUMENTS_TAILLE_TOTALE_MAX = 3000
    client.force_login(monde.fournisseur)
    premier = SimpleUploadedFile("un.txt", b"a" * 2000, content_type="text/plain")
    client.post(URL_CREER, {**donnees(monde), "fichiers": [premier]})
    s = Sollicitation.objects.get()
    second = SimpleUploadedFile("deux.txt", b"b" * 2000, content_type="text/plain")
    response = client.post(
        reverse("sollicitations:modifier", args=[s.pk]), {**donnees(monde), "fichiers": [second]}
    )
    assert "taille totale" in str(erreurs(response)["fichiers"])
    assert PieceJointeSollicitation.objects.count() == 1


# --- Sending ------------------------------------------------------------------------------------


def test_valider_et_envoyer_demande_une_confirmation_puis_previent_le_desk(
    client, monde, mailoutbox, django_capture_on_commit_callbacks
):
    agent = f.agent_entite(monde.entite, service=monde.service)
    f.agent_entite(monde.entite, niveau=Niveau.CONSULTATION)  # reads only: not told
    s = f.brouillon(
        monde.fournisseur,
        monde.fournisseur_structure,
        sous_cat=f.question_entite(),
        facture=monde.facture,
    )
    client.force_login(monde.fournisseur)
    url = reverse("sollicitations:envoyer", args=[s.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Confirmer l'envoi" in page.content.decode()
    s.refresh_from_db()
    assert s.statut == S.BROUILLON  # the confirmation page changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    s.refresh_from_db()
    assert s.statut == S.ENVOYEE
    assert s.envoyee_le is not None and s.en_attente_depuis == s.envoyee_le
    [ligne] = SollicitationHistorique.objects.filter(objet=s)
    assert (ligne.action, ligne.statut_avant, ligne.statut_apres, ligne.acteur) == (
        ActionSollicitation.ENVOYER,
        S.BROUILLON,
        S.ENVOYEE,
        monde.fournisseur,
    )
    # The entity's handlers: its GP and the service's agent; never the requester.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([monde.gp_entite.email, agent.email])
    assert all(s.numero in m.subject for m in mailoutbox)


def test_envoyer_deux_fois_dit_que_c_est_deja_fait(client, monde):
    s = f.envoyee(monde.fournisseur, monde.fournisseur_structure)
    client.force_login(monde.fournisseur)
    response = client.post(reverse("sollicitations:envoyer", args=[s.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("déjà été envoyée" in m for m in messages)
    assert s.historique.count() == 1


def test_un_brouillon_envoye_ne_se_modifie_plus(client, monde):
    s = f.envoyee(monde.fournisseur, monde.fournisseur_structure)
    client.force_login(monde.fournisseur)
    response = client.post(
        reverse("sollicitations:modifier", args=[s.pk]), donnees(monde, objet="Autre"), follow=True
    )
    assert any("ne peut plus être modifiée" in str(m) for m in response.context["messages"])
    s.refresh_from_db()
    assert s.objet != "Autre"


def test_l_envoi_reverifie_les_droits_du_demandeur(client, monde):
    # He also files for another structure, where his right is then withdrawn.
    ailleurs = StructureFactory()
    droit = HabilitationFactory(
        utilisateur=monde.fournisseur,
        structure=ailleurs,
        application=Application.SOLLICITATIONS_EMISES,
    )
    s = f.brouillon(monde.fournisseur, ailleurs)
    droit.delete()
    client.force_login(monde.fournisseur)
    response = client.post(reverse("sollicitations:envoyer", args=[s.pk]), follow=True)
    assert any("pas habilité à émettre" in str(m) for m in response.context["messages"])
    s.refresh_from_db()
    assert s.statut == S.BROUILLON
    assert not s.historique.exists()


def test_les_categories_s_affichent_dans_la_langue_de_l_utilisateur(client, monde):
    from django.utils import translation

    client.force_login(monde.fournisseur)
    with translation.override("en"):
        form = client.get(URL_CREER, HTTP_ACCEPT_LANGUAGE="en").context["form"]
        libelles = [libelle for _code, libelle in form.fields["categorie"].choices]
    assert "Issued invoices" in libelles


def test_supprimer_un_brouillon(client, monde):
    s = f.brouillon(monde.fournisseur, monde.fournisseur_structure)
    client.force_login(monde.fournisseur)
    url = reverse("sollicitations:supprimer", args=[s.pk])
    assert client.get(url).status_code == 200
    assert client.post(url)["Location"] == URL_LISTE
    s.refresh_from_db()
    assert s.statut == S.SUPPRIMEE
    assert client.get(reverse("sollicitations:detail", args=[s.pk])).status_code == 404


# --- Who may -----------------------------------------------------------------------------------


def test_les_actions_refusent_la_mauvaise_methode(client, monde):
    s = f.envoyee(monde.fournisseur, monde.fournisseur_structure)
    client.force_login(monde.fournisseur)
    for nom in ["ecrire", "cloturer"]:
        assert client.get(reverse(f"sollicitations:{nom}", args=[s.pk])).status_code == 405
    assert client.put(reverse("sollicitations:envoyer", args=[s.pk])).status_code == 405


def test_la_sollicitation_d_un_autre_est_introuvable(client, monde):
    s = f.brouillon(monde.fournisseur, monde.fournisseur_structure)
    collegue = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=collegue,
        structure=monde.fournisseur_structure,
        application=Application.SOLLICITATIONS_EMISES,
    )
    client.force_login(collegue)
    for nom in ["detail", "modifier", "envoyer", "supprimer", "renvoyer"]:
        assert client.get(reverse(f"sollicitations:{nom}", args=[s.pk])).status_code == 404, nom
    assert client.post(reverse("sollicitations:envoyer", args=[s.pk])).status_code == 404
    s.refresh_from_db()
    assert s.statut == S.BROUILLON


def test_en_consultation_on_suit_mais_on_ne_depose_pas(client, monde):
    lecteur = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=lecteur,
        structure=monde.fournisseur_structure,
        application=Application.SOLLICITATIONS_EMISES,
        niveau=Niveau.CONSULTATION,
    )
    client.force_login(lecteur)
    assert client.get(URL_LISTE).status_code == 200
    assert client.get(URL_CREER).status_code == 403
    assert client.post(URL_CREER, donnees(monde)).status_code == 403


def test_sans_l_espace_les_pages_n_existent_pas(client):
    client.force_login(UtilisateurFactory())
    assert client.get(URL_LISTE).status_code == 404
    assert client.get(URL_CREER).status_code == 404


# --- The list ------------------------------------------------------------------------------------


def test_les_onglets_rangent_les_sollicitations_selon_qui_doit_agir(client, monde):
    agent = f.agent_entite(monde.entite)
    brouillon = f.brouillon(monde.fournisseur, monde.fournisseur_structure, objet="Mon brouillon")
    envoyee = f.envoyee(monde.fournisseur, monde.fournisseur_structure, objet="Envoyée au support")
    repondue = f.repondue(f.question_envoyee(monde, objet="Question répondue"), agent)
    client.force_login(monde.fournisseur)

    def onglet(code):
        response = client.get(URL_LISTE + f"?onglet={code}")
        return [s.pk for s in response.context["sollicitations"]]

    assert onglet("actions") == [repondue.pk]
    assert onglet("en_cours") == [envoyee.pk]
    assert onglet("cloturees") == []
    assert onglet("brouillons") == [brouillon.pk]
    # The default tab is the one that needs the user.
    assert client.get(URL_LISTE).context["actif"] == "actions"


def test_la_liste_reste_sobre_en_requetes(client, monde, django_assert_max_num_queries):
    for i in range(12):
        f.envoyee(monde.fournisseur, monde.fournisseur_structure, objet=f"Question {i}")
    client.force_login(monde.fournisseur)
    with django_assert_max_num_queries(12):
        response = client.get(URL_LISTE + "?onglet=en_cours")
    assert len(response.context["sollicitations"]) == 12
