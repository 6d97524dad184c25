import pytest
from django.test import Client
from django.urls import path

from chorus import urls as chorus_urls


def vue_en_erreur(request):
    raise RuntimeError("boom")


urlpatterns = [*chorus_urls.urlpatterns, path("erreur/", vue_en_erreur)]
handler403 = chorus_urls.handler403
handler404 = chorus_urls.handler404
handler500 = chorus_urls.handler500


@pytest.mark.django_db
def test_une_page_inconnue_donne_la_page_404_du_portail(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    from tests.habilitations.factories import UtilisateurFactory

    client.force_login(UtilisateurFactory())
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_une_erreur_inattendue_donne_une_page_500_sobre_en_francais():
    client = Client(raise_request_exception=False)
    from tests.habilitations.factories import UtilisateurFactory

    client.force_login(UtilisateurFactory())
    response = client.get("/erreur/")
    assert response.status_code == 500
    contenu = response.content.decode()
    assert "Erreur inattendue" in contenu
    assert "boom" not in contenu


@pytest.mark.django_db
def test_la_page_403_explique_quoi_faire(rf):
    from django.contrib.auth.models import AnonymousUser

    from chorus.views import erreur_403

    request = rf.get("/")
    request.user = AnonymousUser()
    response = erreur_403(request)
    assert response.status_code == 403
    assert "demandez l'habilitation" in response.content.decode().replace("&#x27;", "'")
