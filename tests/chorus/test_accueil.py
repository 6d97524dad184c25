from django.urls import reverse


def test_accueil_public_presente_le_portail_et_la_connexion(client, db):
    response = client.get(reverse("accueil"))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Facturez la sphère publique" in contenu
    assert 'name="username"' in contenu
