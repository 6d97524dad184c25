"""Services of a structure: list, create, edit, activate and deactivate."""

import datetime

import pytest
from django.urls import reverse

from structures.models import Service
from tests.matrice.monde import construire_monde
from tests.structures.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return construire_monde()


def url(monde, nom, *args):
    return reverse(f"structures:{nom}", args=[monde.entite.pk, *args])


def donnees(**autres):
    valeurs = {
        "code": "COMPTA",
        "libelle": "Comptabilité",
        "description": "Reçoit les factures de fournitures.",
        "date_debut": "2026-01-01",
        "date_fin": "",
        "engagement_obligatoire": "on",
        "adresse": "1 place de la Mairie",
        "code_postal": "69001",
        "ville": "Lyon",
    }
    valeurs.update(autres)
    return valeurs


# --- List ---------------------------------------------------------------------------------


def test_liste_filtres_et_pagination(client, monde, django_assert_max_num_queries):
    ServiceFactory.create_batch(24, structure=monde.entite)
    ServiceFactory(structure=monde.entite, code="ZZ-FERME", libelle="Fermé", statut="INACTIF")
    ServiceFactory(structure=monde.autre_structure, code="AILLEURS")
    client.force_login(monde.utilisateurs["consultation"])
    with django_assert_max_num_queries(8):
        response = client.get(url(monde, "services"))
    contenu = response.content.decode()
    assert "26 services" in contenu
    assert len(response.context["page_obj"]) == 20
    assert "AILLEURS" not in contenu
    assert "Créer un service" not in contenu  # consultation only
    page_2 = client.get(url(monde, "services"), {"page": 2})
    assert len(page_2.context["page_obj"]) == 6
    inactifs = client.get(url(monde, "services"), {"statut": "INACTIF"})
    assert [s.code for s in inactifs.context["page_obj"]] == ["ZZ-FERME"]
    cherche = client.get(url(monde, "services"), {"q": "fermé"})
    assert [s.code for s in cherche.context["page_obj"]] == ["ZZ-FERME"]
    tri = client.get(url(monde, "services"), {"tri": "-date_debut", "statut": "ACTIF"})
    assert tri.status_code == 200
    assert "ZZ-FERME" not in tri.content.decode()


def test_liste_en_nombre_de_requetes_constant(client, monde, django_assert_max_num_queries):
    client.force_login(monde.utilisateurs["gp"])
    with django_assert_max_num_queries(8):
        client.get(url(monde, "services"))
    ServiceFactory.create_batch(30, structure=monde.entite)
    with django_assert_max_num_queries(8):
        response = client.get(url(monde, "services"))
    assert "Créer un service" in response.content.decode()


def test_liste_refuse_post(client, monde):
    client.force_login(monde.utilisateurs["gp"])
    assert client.post(url(monde, "services")).status_code == 405


# --- Create -------------------------------------------------------------------------------


def test_le_gp_cree_un_service(client, monde, mailoutbox):
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(url(monde, "service_creer"), donnees(date_fin="2026-12-31"))
    assert response.status_code == 302
    assert response["Location"] == url(monde, "services")
    service = monde.entite.services.get(code="COMPTA")
    assert service.libelle == "Comptabilité"
    assert service.date_debut == datetime.date(2026, 1, 1)
    assert service.date_fin == datetime.date(2026, 12, 31)
    assert service.engagement_obligatoire is True
    assert service.statut == "ACTIF"
    assert mailoutbox == []
    suite = client.get(response["Location"])
    assert "Le service « COMPTA » est créé." in suite.content.decode()


def test_date_de_fin_egale_au_debut_acceptee(client, monde):
    client.force_login(monde.utilisateurs["modification"])
    response = client.post(url(monde, "service_creer"), donnees(date_fin="2026-01-01"))
    assert response.status_code == 302


def test_le_meme_code_peut_exister_dans_une_autre_structure(client, monde):
    ServiceFactory(structure=monde.autre_structure, code="COMPTA")
    client.force_login(monde.utilisateurs["gp"])
    assert client.post(url(monde, "service_creer"), donnees()).status_code == 302


@pytest.mark.parametrize(
    ("saisie", "erreurs_attendues"),
    [
        (
            donnees(code="serv-a"),
            {
                "code": "Le code « serv-a » est déjà utilisé par un autre service de cette "
                "structure."
            },
        ),
        (
            donnees(date_debut="2026-06-01", date_fin="2026-05-31"),
            {
                "date_fin": "La date de fin d'activation doit être postérieure ou égale à la "
                "date de début."
            },
        ),
        (
            donnees(code="SERV-A", date_debut="2026-06-01", date_fin="2026-01-01"),
            {
                "code": "Le code « SERV-A » est déjà utilisé",
                "date_fin": "La date de fin d'activation doit être postérieure",
            },
        ),
        (donnees(date_debut=""), {"date_debut": "Ce champ est obligatoire."}),
        (donnees(code="  "), {"code": "Ce champ est obligatoire."}),
    ],
)
def test_saisie_refusee_sur_le_champ_sans_rien_creer(client, monde, saisie, erreurs_attendues):
    ServiceFactory(structure=monde.entite, code="Serv-A")
    avant = Service.objects.count()
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(url(monde, "service_creer"), saisie)
    assert response.status_code == 200
    erreurs = response.context["form"].errors
    assert set(erreurs) == set(erreurs_attendues)
    for champ, message in erreurs_attendues.items():
        assert any(e.startswith(message) for e in erreurs[champ]), erreurs[champ]
    assert Service.objects.count() == avant


def test_creer_en_consultation_403_etranger_404_mauvaise_methode_405(client, monde):
    client.force_login(monde.utilisateurs["consultation"])
    assert client.get(url(monde, "service_creer")).status_code == 403
    assert client.post(url(monde, "service_creer"), donnees()).status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(url(monde, "service_creer"), donnees()).status_code == 404
    client.force_login(monde.utilisateurs["gp"])
    assert client.put(url(monde, "service_creer")).status_code == 405
    assert not Service.objects.filter(code="COMPTA").exists()


def test_structure_inactive_en_consultation_seulement(client, monde):
    monde.entite.statut = "INACTIVE"
    monde.entite.save()
    client.force_login(monde.utilisateurs["modification"])
    assert client.get(url(monde, "services")).status_code == 200
    assert client.post(url(monde, "service_creer"), donnees()).status_code == 403


# --- Edit ---------------------------------------------------------------------------------


def test_modifier_un_service(client, monde):
    service = monde.service
    client.force_login(monde.utilisateurs["modification"])
    assert client.get(url(monde, "service_modifier", service.pk)).status_code == 200
    response = client.post(
        url(monde, "service_modifier", service.pk),
        donnees(code=service.code.lower(), libelle="Nouveau libellé", engagement_obligatoire=""),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.libelle == "Nouveau libellé"
    assert service.code == monde.service.code.lower()
    assert service.engagement_obligatoire is False


def test_modifier_vers_le_code_d_un_autre_service_refuse(client, monde):
    ServiceFactory(structure=monde.entite, code="ACHATS")
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(
        url(monde, "service_modifier", monde.service.pk), donnees(code="achats", libelle="X")
    )
    assert response.status_code == 200
    assert "déjà utilisé" in response.context["form"].errors["code"][0]
    monde.service.refresh_from_db()
    assert monde.service.libelle != "X"


def test_modifier_un_service_d_une_autre_structure_404(client, monde):
    ailleurs = ServiceFactory(structure=monde.autre_structure)
    client.force_login(monde.utilisateurs["gp"])
    assert client.get(url(monde, "service_modifier", ailleurs.pk)).status_code == 404
    client.force_login(monde.utilisateurs["consultation"])
    assert (
        client.post(url(monde, "service_modifier", monde.service.pk), donnees()).status_code == 403
    )


# --- Activate / deactivate ----------------------------------------------------------------


def test_desactiver_avec_confirmation(client, monde):
    ServiceFactory(structure=monde.entite, code="AUTRE")
    service = monde.service
    client.force_login(monde.utilisateurs["gp"])
    page = client.get(url(monde, "service_statut", service.pk))
    assert f"Désactiver le service {service.code} ?" in page.content.decode()
    service.refresh_from_db()
    assert service.statut == "ACTIF"
    response = client.post(
        url(monde, "service_statut", service.pk), {"action": "desactiver"}, follow=True
    )
    service.refresh_from_db()
    assert service.statut == "INACTIF"
    assert f"Le service « {service.code} » est désactivé." in response.content.decode()
    # Then activated again.
    page = client.get(url(monde, "service_statut", service.pk))
    assert f"Activer le service {service.code} ?" in page.content.decode()
    client.post(url(monde, "service_statut", service.pk), {"action": "activer"})
    service.refresh_from_db()
    assert service.statut == "ACTIF"


def test_le_dernier_service_actif_reste_actif(client, monde):
    ServiceFactory(structure=monde.entite, code="FERME", statut="INACTIF")
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(
        url(monde, "service_statut", monde.service.pk), {"action": "desactiver"}, follow=True
    )
    assert "dernier service actif de la structure" in response.content.decode()
    monde.service.refresh_from_db()
    assert monde.service.statut == "ACTIF"


def test_desactiver_un_service_deja_inactif_est_refuse(client, monde):
    ServiceFactory(structure=monde.entite, code="AUTRE")
    inactif = ServiceFactory(structure=monde.entite, code="FERME", statut="INACTIF")
    client.force_login(monde.utilisateurs["modification"])
    response = client.post(
        url(monde, "service_statut", inactif.pk), {"action": "desactiver"}, follow=True
    )
    assert "Ce service est déjà inactif." in response.content.decode()
    response = client.post(
        url(monde, "service_statut", monde.service.pk), {"action": "activer"}, follow=True
    )
    assert "Ce service est déjà actif." in response.content.decode()


def test_statut_acces(client, monde):
    ServiceFactory(structure=monde.entite, code="AUTRE")
    adresse = url(monde, "service_statut", monde.service.pk)
    client.force_login(monde.utilisateurs["consultation"])
    assert client.get(adresse).status_code == 403
    assert client.post(adresse, {"action": "desactiver"}).status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(adresse, {"action": "desactiver"}).status_code == 404
    client.force_login(monde.utilisateurs["gp"])
    assert client.delete(adresse).status_code == 405
    monde.service.refresh_from_db()
    assert monde.service.statut == "ACTIF"
