"""The Organisation landing page, a structure's page, its edition and its open spaces."""

import pytest
from django.urls import reverse

from habilitations.enums import Application, Niveau
from habilitations.models import DemandeHabilitation, Rattachement
from structures.models import Structure
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.matrice.monde import construire_monde
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return construire_monde()


def url(monde, nom, *args):
    return reverse(f"structures:{nom}", args=[monde.entite.pk, *args])


# --- Organisation landing page ------------------------------------------------------------


def test_le_menu_organisation_mene_a_la_page_organisation(client, monde):
    client.force_login(monde.utilisateurs["gp"])
    response = client.get(reverse("espace", args=["organisation"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:organisation")


def test_organisation_liste_les_structures_et_les_demandes_en_attente(
    client, monde, django_assert_max_num_queries
):
    gp = monde.utilisateurs["gp"]
    demandeur = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=demandeur, structure=monde.entite)
    DemandeHabilitation.objects.create(
        utilisateur=monde.utilisateurs["consultation"],
        structure=monde.entite,
        application=Application.FACTURES_RECUES,
        niveau=Niveau.MODIFICATION,
    )
    DemandeHabilitation.objects.create(
        utilisateur=demandeur,
        structure=monde.entite,
        application=Application.FACTURES_RECUES,
        niveau=Niveau.MODIFICATION,
        statut="REFUSEE",
    )
    # A second structure he manages, and one he only consults.
    seconde = StructureFactory(raison_sociale="Zeta SARL")
    seconde.gestionnaire_principal = gp
    seconde.save()
    consultee = StructureFactory(raison_sociale="Alpha SA")
    HabilitationFactory(
        utilisateur=gp,
        structure=consultee,
        application=Application.ORGANISATION,
        niveau=Niveau.CONSULTATION,
    )
    Rattachement.objects.create(utilisateur=demandeur, structure=consultee)
    client.force_login(gp)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("structures:organisation"))
    contenu = response.content.decode()
    lignes = {ligne["structure"].raison_sociale: ligne for ligne in response.context["lignes"]}
    assert list(lignes) == ["Alpha SA", monde.entite.raison_sociale, "Zeta SARL"]
    assert lignes[monde.entite.raison_sociale]["en_attente"] == 2
    assert lignes[monde.entite.raison_sociale]["est_gestionnaire"]
    assert not lignes["Alpha SA"]["est_gestionnaire"]
    assert "2 demandes" in contenu
    assert "1 demande" not in contenu  # Alpha's request is not his to handle
    assert monde.autre_structure.raison_sociale not in contenu
    assert url(monde, "services") in contenu


def test_organisation_nombre_de_requetes_constant(client, django_assert_max_num_queries):
    user = UtilisateurFactory()
    for _ in range(25):
        structure = StructureFactory()
        Rattachement.objects.create(utilisateur=user, structure=structure, statut="ACTIF")
        Rattachement.objects.create(utilisateur=UtilisateurFactory(), structure=structure)
        HabilitationFactory(
            utilisateur=user, structure=structure, application=Application.ORGANISATION
        )
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("structures:organisation"))
    assert len(response.context["lignes"]) == 20
    assert all(ligne["en_attente"] == 1 for ligne in response.context["lignes"])
    assert client.get(reverse("structures:organisation"), {"page": 2}).status_code == 200


def test_organisation_sans_structure_404(client, monde):
    client.force_login(monde.utilisateurs["support"])
    assert client.get(reverse("structures:organisation")).status_code == 404
    client.force_login(monde.utilisateurs["gp"])
    assert client.post(reverse("structures:organisation")).status_code == 405


# --- Structure page -----------------------------------------------------------------------


def test_page_structure(client, monde, django_assert_max_num_queries):
    client.force_login(monde.utilisateurs["consultation"])
    with django_assert_max_num_queries(8):
        response = client.get(url(monde, "structure"))
    contenu = response.content.decode()
    assert monde.entite.raison_sociale in contenu
    assert monde.entite.identifiant in contenu
    assert "Présence MOA" in contenu
    assert "Modifier la structure" not in contenu
    client.force_login(monde.utilisateurs["modification"])
    assert "Modifier la structure" in client.get(url(monde, "structure")).content.decode()


def test_page_structure_etrangers(client, monde):
    for persona in ("autre", "support"):
        client.force_login(monde.utilisateurs[persona])
        assert client.get(url(monde, "structure")).status_code == 404
    client.logout()
    assert client.get(url(monde, "structure")).status_code == 302


def test_habilitation_organisation_sur_un_service_seulement(client, monde):
    agent = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=agent,
        structure=monde.entite,
        service=monde.service,
        application=Application.ORGANISATION,
        niveau=Niveau.MODIFICATION,
    )
    client.force_login(agent)
    assert client.get(url(monde, "structure")).status_code == 200
    # Not on the whole structure: not a gestionnaire.
    assert client.get(url(monde, "structure_modifier")).status_code == 403


# --- Edit ---------------------------------------------------------------------------------


def donnees(**autres):
    valeurs = {
        "raison_sociale": "Commune de Lyon",
        "libelle": "Mairie",
        "rcs": "",
        "tva_intracommunautaire": "fr 40 303265045",
        "email": "mairie@lyon.fr",
        "telephone": "04 72 10 30 30",
        "adresse": "1 place de la Comédie",
        "adresse_complement_1": "Bâtiment A",
        "adresse_complement_2": "",
        "code_postal": "69001",
        "ville": "Lyon",
        "pays": "fr",
        "non_diffusible": "",
        "code_service_obligatoire": "on",
        "numero_ej_obligatoire": "",
        "code_service_ou_ej_obligatoire": "",
        "mise_en_paiement_non_remontee": "on",
        "reception_edi": "on",
        "presence_moa": "AVEC_MOA",
        "double_authentification_obligatoire": "on",
    }
    valeurs.update(autres)
    return valeurs


def test_le_gp_modifie_la_structure(client, monde, mailoutbox):
    identifiant = monde.entite.identifiant
    client.force_login(monde.utilisateurs["gp"])
    assert client.get(url(monde, "structure_modifier")).status_code == 200
    response = client.post(url(monde, "structure_modifier"), donnees(identifiant="12345678901234"))
    assert response.status_code == 302
    assert response["Location"] == url(monde, "structure")
    entite = Structure.objects.get(pk=monde.entite.pk)
    assert entite.raison_sociale == "Commune de Lyon"
    assert entite.tva_intracommunautaire == "FR40303265045"
    assert entite.pays == "FR"
    assert entite.code_service_obligatoire and entite.reception_edi
    assert entite.mise_en_paiement_non_remontee
    assert not entite.numero_ej_obligatoire
    assert entite.presence_moa == "AVEC_MOA"
    assert entite.double_authentification_obligatoire
    assert entite.identifiant == identifiant  # not editable here
    assert mailoutbox == []
    page = client.get(response["Location"]).content.decode()
    assert "Les informations de la structure sont enregistrées." in page


def test_une_structure_privee_n_a_pas_de_parametres_publics(client):
    structure = StructureFactory()
    gp = UtilisateurFactory(gestionnaire_de=structure)
    client.force_login(gp)
    adresse = reverse("structures:structure_modifier", args=[structure.pk])
    formulaire = client.get(adresse).context["form"]
    assert "presence_moa" not in formulaire.fields
    assert "double_authentification_obligatoire" in formulaire.fields
    response = client.post(adresse, donnees(numero_ej_obligatoire="on"))
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.raison_sociale == "Commune de Lyon"
    assert not structure.code_service_obligatoire
    assert not structure.numero_ej_obligatoire


@pytest.mark.parametrize(
    ("saisie", "champ", "message"),
    [
        (
            donnees(numero_ej_obligatoire="on", code_service_ou_ej_obligatoire="on"),
            "code_service_ou_ej_obligatoire",
            "Ce paramètre ne peut pas être coché avec « numéro d'engagement obligatoire »",
        ),
        (
            donnees(code_service_ou_ej_obligatoire="on"),
            "code_service_ou_ej_obligatoire",
            "Ce paramètre ne peut pas être coché avec « code service obligatoire »",
        ),
        (
            donnees(tva_intracommunautaire="FR41303265045"),
            "tva_intracommunautaire",
            "Ce numéro de TVA intracommunautaire est invalide (clé de contrôle erronée).",
        ),
        (donnees(pays="F"), "pays", "Saisissez un code pays ISO à deux lettres"),
        (donnees(pays="ZZ"), "pays", "Saisissez un code pays ISO à deux lettres"),
        (donnees(raison_sociale=""), "raison_sociale", "Ce champ est obligatoire."),
        (donnees(presence_moa="PEUT_ETRE"), "presence_moa", "Sélectionnez un choix valide."),
        (donnees(email="pas-une-adresse"), "email", "Saisissez une adresse de courriel valide."),
    ],
)
def test_saisie_refusee_sur_le_champ_sans_rien_changer(client, monde, saisie, champ, message):
    avant = Structure.objects.values().get(pk=monde.entite.pk)
    client.force_login(monde.utilisateurs["modification"])
    response = client.post(url(monde, "structure_modifier"), saisie)
    assert response.status_code == 200
    erreurs = response.context["form"].errors
    assert list(erreurs) == [champ]
    assert any(e.startswith(message) for e in erreurs[champ]), erreurs
    assert Structure.objects.values().get(pk=monde.entite.pk) == avant


def test_modifier_en_consultation_403_etranger_404_mauvaise_methode_405(client, monde):
    client.force_login(monde.utilisateurs["consultation"])
    assert client.get(url(monde, "structure_modifier")).status_code == 403
    assert client.post(url(monde, "structure_modifier"), donnees()).status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(url(monde, "structure_modifier"), donnees()).status_code == 404
    client.force_login(monde.utilisateurs["gp"])
    assert client.put(url(monde, "structure_modifier")).status_code == 405
    monde.entite.refresh_from_db()
    assert monde.entite.raison_sociale != "Commune de Lyon"


def test_structure_inactive_plus_modifiable(client, monde):
    Structure.objects.filter(pk=monde.entite.pk).update(statut="INACTIVE")
    client.force_login(monde.utilisateurs["modification"])
    assert client.get(url(monde, "structure")).status_code == 200
    assert client.post(url(monde, "structure_modifier"), donnees()).status_code == 403


# --- Open spaces --------------------------------------------------------------------------


def test_espaces_par_defaut_affiches(client, monde):
    client.force_login(monde.utilisateurs["consultation"])
    response = client.get(url(monde, "espaces"))
    contenu = response.content.decode()
    assert "prévus par défaut pour sa catégorie" in contenu
    assert "Factures de travaux" in contenu
    assert 'name="applications"' not in contenu  # consultation: no form
    client.force_login(monde.utilisateurs["gp"])
    formulaire = client.get(url(monde, "espaces")).context["form"]
    assert formulaire.initial["applications"] == list(Application)


def test_fermer_un_espace_le_retire_du_menu(client, monde):
    utilisateur = monde.utilisateurs["consultation"]
    client.force_login(utilisateur)
    assert "Factures de travaux" in client.get(reverse("accueil")).content.decode()
    client.force_login(monde.utilisateurs["gp"])
    ouverts = [
        Application.FACTURES_EMISES,
        Application.FACTURES_RECUES,
        Application.ORGANISATION,
    ]
    response = client.post(url(monde, "espaces"), {"applications": ouverts}, follow=True)
    assert "Les espaces ouverts de la structure sont enregistrés." in response.content.decode()
    monde.entite.refresh_from_db()
    assert monde.entite.applications_ouvertes == ouverts
    # The GP's own menu follows at once.
    assert 'href="/espaces/factures-travaux/"' not in response.content.decode()
    client.force_login(utilisateur)
    accueil = client.get(reverse("accueil")).content.decode()
    assert "Factures de travaux" not in accueil
    assert "Factures reçues" in accueil
    assert client.get(reverse("espace", args=["factures-travaux"])).status_code == 404
    # Opened again: the habilitations come back into force.
    client.force_login(monde.utilisateurs["modification"])
    client.post(url(monde, "espaces"), {"applications": [*ouverts, "FACTURES_TRAVAUX"]})
    client.force_login(utilisateur)
    assert "Factures de travaux" in client.get(reverse("accueil")).content.decode()


@pytest.mark.parametrize(
    ("choix", "message"),
    [
        ([], "Au moins un espace doit rester ouvert pour la structure."),
        (["FACTURES_EMISES"], "L'espace Organisation reste ouvert"),
        (["INCONNU", "ORGANISATION"], "Sélectionnez un choix valide."),
    ],
)
def test_espaces_refuses_sans_rien_changer(client, monde, choix, message):
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(url(monde, "espaces"), {"applications": choix})
    assert response.status_code == 200
    erreurs = response.context["form"].errors["applications"]
    assert any(e.startswith(message) for e in erreurs), erreurs
    monde.entite.refresh_from_db()
    assert monde.entite.applications_ouvertes is None


def test_espaces_acces(client, monde):
    client.force_login(monde.utilisateurs["consultation"])
    assert client.post(url(monde, "espaces"), {"applications": ["ORGANISATION"]}).status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(url(monde, "espaces"), {"applications": ["ORGANISATION"]}).status_code == 404
    client.force_login(monde.utilisateurs["gp"])
    assert client.put(url(monde, "espaces")).status_code == 405
    monde.entite.refresh_from_db()
    assert monde.entite.applications_ouvertes is None
