"""The help centre: public articles, the search, and the suggestions shown while a request is
being written (htmx fragment; without JavaScript, on the confirmation page)."""

import pytest
from django.urls import reverse

from sollicitations.models import ArticleAide
from sollicitations.services import aide
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _articles():
    f.referentiel()


def slugs(articles):
    return [a.slug for a in articles]


def test_les_articles_sont_publics(client):
    response = client.get(reverse("sollicitations:aide"))
    assert response.status_code == 200
    assert len(response.context["articles"]) == ArticleAide.objects.count() >= 6
    article = client.get(reverse("sollicitations:article", args=["deposer-une-facture"]))
    assert article.status_code == 200
    assert "Factur-X" in article.content.decode()


def test_un_article_non_publie_est_introuvable(client):
    ArticleAide.objects.filter(slug="factures-de-travaux").update(publie=False)
    url = reverse("sollicitations:article", args=["factures-de-travaux"])
    assert client.get(url).status_code == 404
    assert "factures-de-travaux" not in slugs(aide.rechercher("travaux décompte"))


def test_les_mots_vides_et_les_repetitions_sont_ignores():
    assert aide.mots("Comment DÉPOSER une facture, une facture ?") == ["déposer", "facture"]
    assert aide.mots("le la de 2026") == []
    assert list(aide.rechercher("")) == []


def test_la_recherche_simple_trouve_chaque_mot_sans_casse():
    trouves = slugs(
        aide.recherche_simple(ArticleAide.objects.publies(), ["annuaire", "verrouillé"])
    )
    assert "annuaire-des-structures-publiques" in trouves
    assert "connexion-et-mot-de-passe" in trouves


@pytest.mark.postgres
def test_la_recherche_plein_texte_comprend_le_francais():
    # Stemming: "rejetées", "suspendue" find the article about rejected invoices; ranked first.
    assert slugs(aide.rechercher("Mes factures rejetées et suspendues"))[0] == (
        "facture-rejetee-ou-suspendue"
    )
    assert slugs(aide.rechercher("activer mon compte"))[0] == "creer-un-compte"
    assert slugs(aide.rechercher("décomptes de travaux"))[0] == "factures-de-travaux"
    assert slugs(aide.rechercher("xylophone quantique")) == []


@pytest.mark.postgres
def test_un_article_modifie_dans_l_administration_est_retrouve():
    article = ArticleAide.objects.get(slug="annuaire-des-structures-publiques")
    article.mots_cles += " hippocampe"
    article.save()
    assert slugs(aide.rechercher("hippocampe")) == ["annuaire-des-structures-publiques"]


def test_les_suggestions_en_fragment_pour_htmx(client):
    response = client.get(
        reverse("sollicitations:suggestions"),
        {"objet": "facture rejetée"},
        headers={"HX-Request": "true"},
    )
    contenu = response.content.decode()
    assert "<html" not in contenu
    assert "Ma facture a été rejetée ou suspendue" in contenu


def test_sans_javascript_les_suggestions_sont_une_page_de_l_aide(client):
    response = client.get(reverse("sollicitations:suggestions"), {"objet": "annuaire"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "annuaire-des-structures-publiques" in slugs(response.context["articles"])


def test_la_confirmation_d_envoi_propose_les_articles(client):
    monde = f.fournisseur_et_entite()
    s = f.brouillon(monde.fournisseur, monde.fournisseur_structure, objet="Ma facture est rejetée")
    client.force_login(monde.fournisseur)
    page = client.get(reverse("sollicitations:envoyer", args=[s.pk])).content.decode()
    assert "Ces articles répondent peut-être à votre question" in page
    assert reverse("sollicitations:article", args=["facture-rejetee-ou-suspendue"]) in page


def test_l_aide_ne_propose_d_ecrire_une_sollicitation_qu_a_qui_peut_le_faire(client):
    from tests.habilitations.factories import UtilisateurFactory
    from tests.structures.factories import StructureFactory

    nouvelle = reverse("sollicitations:creer")
    contact = reverse("sollicitations:contact")
    article = reverse("sollicitations:article", args=["deposer-une-facture"])
    # A support agent has no Sollicitations émises: the contact form, not a page he can't open.
    client.force_login(UtilisateurFactory(est_agent_support=True))
    contenu = client.get(article).content.decode()
    assert nouvelle not in contenu and contact in contenu
    assert client.get(nouvelle).status_code == 404
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory()))
    assert nouvelle in client.get(article).content.decode()
