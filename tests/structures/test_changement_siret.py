"""Change of SIRET: a gestionnaire declares that the company moved; everything is carried over
to the structure of the new SIRET and the old one stays visible, read-only, to the same users."""

import pytest
from django.urls import reverse

from chorus.models import Document
from habilitations import acces
from habilitations.enums import Application, Niveau
from habilitations.models import Habilitation, Rattachement, Utilisateur
from structures.enums import CategorieStructure, PresenceMoa, StatutStructure
from structures.models import CoordonneeBancaire, Service, Structure
from structures.services.changement_siret import (
    ChangementSiretRefuse,
    structure_changer_siret,
)
from tests.habilitations.factories import (
    HabilitationFactory,
    RattachementFactory,
    UtilisateurFactory,
)
from tests.structures.factories import ServiceFactory, StructureFactory, siret_valide

pytestmark = pytest.mark.django_db

NOUVEAU_SIRET = siret_valide(800001)


@pytest.fixture
def ancienne():
    return StructureFactory(
        raison_sociale="Bâtiments du Rhône",
        rcs="RCS Lyon 123",
        adresse="3 quai Perrache",
        numero_ej_obligatoire=True,
        presence_moa=PresenceMoa.AVEC_MOA,
        applications_ouvertes=[Application.FACTURES_EMISES, Application.ORGANISATION],
    )


@pytest.fixture
def gp(ancienne):
    return UtilisateurFactory(gestionnaire_de=ancienne)


@pytest.fixture
def service(ancienne):
    return ServiceFactory(structure=ancienne, code="ACHATS", libelle="Achats")


@pytest.fixture
def employe(ancienne, service):
    """Attached to the ACHATS service, with one right on it and one on the whole structure."""
    user = UtilisateurFactory()
    RattachementFactory(utilisateur=user, structure=ancienne, service=service, statut="ACTIF")
    HabilitationFactory(
        utilisateur=user,
        structure=ancienne,
        service=service,
        application=Application.FACTURES_EMISES,
        niveau=Niveau.MODIFICATION,
    )
    HabilitationFactory(
        utilisateur=user,
        structure=ancienne,
        application=Application.ORGANISATION,
        niveau=Niveau.CONSULTATION,
    )
    return user


@pytest.fixture
def document():
    return Document.objects.create(
        fichier="documents/rib.pdf",
        nom="rib.pdf",
        extension=".pdf",
        type_mime="application/pdf",
        taille=10,
        sha256="0" * 64,
    )


@pytest.fixture
def coordonnee(ancienne, document):
    return CoordonneeBancaire.objects.create(
        structure=ancienne,
        libelle="Compte principal",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        document_rib=document,
    )


def url(structure):
    return reverse("structures:changement_siret", args=[structure.pk])


def frais(user):
    """The user as a new request would see him (rights are cached per request)."""
    return Utilisateur.objects.get(pk=user.pk)


def rien_n_a_change(ancienne):
    ancienne.refresh_from_db()
    assert ancienne.statut == StatutStructure.ACTIVE
    assert ancienne.remplacee_par is None
    assert not Structure.objects.filter(identifiant=NOUVEAU_SIRET).exists()


# --- The pages ----------------------------------------------------------------------------


def test_le_gp_voit_le_formulaire_puis_une_confirmation_qui_resume_le_changement(
    client, ancienne, gp, employe, coordonnee
):
    client.force_login(gp)
    assert client.get(url(ancienne)).status_code == 200

    response = client.post(url(ancienne), {"nouveau_siret": NOUVEAU_SIRET})

    assert response.status_code == 200
    assert response.templates[0].name == "structures/support/changement_siret_confirmer.html"
    page = response.content.decode()
    assert NOUVEAU_SIRET in page
    assert "2 utilisateurs rattachés" in page
    assert "1 coordonnée bancaire" in page
    rien_n_a_change(ancienne)


def test_apres_confirmation_tout_est_reporte_et_l_ancienne_structure_est_desactivee(
    client, ancienne, gp, service, employe, coordonnee, document
):
    client.force_login(gp)
    response = client.post(url(ancienne), {"nouveau_siret": NOUVEAU_SIRET, "confirmer": "oui"})

    nouvelle = Structure.objects.get(identifiant=NOUVEAU_SIRET)
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:structure", args=[nouvelle.pk])
    # General data, parameters and spaces copied.
    assert nouvelle.categorie == ancienne.categorie
    assert nouvelle.raison_sociale == "Bâtiments du Rhône"
    assert nouvelle.rcs == "RCS Lyon 123"
    assert nouvelle.adresse == "3 quai Perrache"
    assert nouvelle.numero_ej_obligatoire is True
    assert nouvelle.presence_moa == PresenceMoa.AVEC_MOA
    assert nouvelle.applications_ouvertes == ancienne.applications_ouvertes
    assert nouvelle.statut == StatutStructure.ACTIVE
    assert nouvelle.gestionnaire_principal == gp
    # Services, attachments, habilitations, bank details.
    nouveau_service = Service.objects.get(structure=nouvelle, code="ACHATS")
    assert nouveau_service.libelle == "Achats"
    assert Rattachement.objects.filter(
        utilisateur=employe, structure=nouvelle, service=nouveau_service, statut="ACTIF"
    ).exists()
    assert Rattachement.objects.filter(utilisateur=gp, structure=nouvelle, statut="ACTIF").exists()
    assert set(
        Habilitation.objects.filter(utilisateur=employe, structure=nouvelle).values_list(
            "service", "application", "niveau"
        )
    ) == {
        (nouveau_service.pk, Application.FACTURES_EMISES, Niveau.MODIFICATION),
        (None, Application.ORGANISATION, Niveau.CONSULTATION),
    }
    [copie] = CoordonneeBancaire.objects.filter(structure=nouvelle)
    assert copie.pk != coordonnee.pk
    assert (copie.iban, copie.bic, copie.document_rib) == (coordonnee.iban, "AGRIFRPP", document)
    assert CoordonneeBancaire.objects.filter(structure=ancienne).count() == 1
    # The old structure: inactive, replaced, still there.
    ancienne.refresh_from_db()
    assert ancienne.statut == StatutStructure.INACTIVE
    assert ancienne.remplacee_par == nouvelle
    # Rights: modification moves to the new structure.
    assert acces.can(
        frais(employe), Application.FACTURES_EMISES, Niveau.MODIFICATION, nouvelle, nouveau_service
    )
    assert acces.est_gestionnaire(frais(gp), nouvelle)


@pytest.mark.parametrize("persona", ["gp", "employe"])
def test_l_ancienne_structure_reste_consultable_par_les_memes_utilisateurs(
    ancienne, gp, employe, persona
):
    structure_changer_siret(structure=ancienne, nouveau_siret=NOUVEAU_SIRET, acting_user=gp)
    user = frais({"gp": gp, "employe": employe}[persona])
    assert acces.can(user, Application.ORGANISATION, Niveau.CONSULTATION, ancienne)
    assert not acces.can(user, Application.ORGANISATION, Niveau.MODIFICATION, ancienne)
    assert ancienne.pk in acces.structures_for(
        user, Application.ORGANISATION, Niveau.CONSULTATION
    ).values_list("pk", flat=True)


def test_un_second_changement_depuis_la_structure_remplacee_est_refuse(client, ancienne, gp):
    structure_changer_siret(structure=ancienne, nouveau_siret=NOUVEAU_SIRET, acting_user=gp)
    ancienne.refresh_from_db()
    with pytest.raises(ChangementSiretRefuse):
        structure_changer_siret(
            structure=ancienne, nouveau_siret=siret_valide(800002), acting_user=frais(gp)
        )
    assert not Structure.objects.filter(identifiant=siret_valide(800002)).exists()
    client.force_login(gp)  # the old structure is read-only now: no page to change it
    response = client.post(
        url(ancienne), {"nouveau_siret": siret_valide(800002), "confirmer": "oui"}
    )
    assert response.status_code == 403
    assert not Structure.objects.filter(identifiant=siret_valide(800002)).exists()


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("12345678901234", "clé de contrôle"),
        ("1234", "14 chiffres"),
        ("", "obligatoire"),
    ],
)
def test_un_siret_invalide_est_signale_sur_le_champ(client, ancienne, gp, saisie, message):
    client.force_login(gp)
    response = client.post(url(ancienne), {"nouveau_siret": saisie, "confirmer": "oui"})
    assert response.status_code == 200
    assert message in response.context["form"].errors["nouveau_siret"][0]
    rien_n_a_change(ancienne)


def test_le_nouveau_siret_doit_differer_de_l_actuel(client, ancienne, gp):
    client.force_login(gp)
    response = client.post(
        url(ancienne), {"nouveau_siret": ancienne.identifiant, "confirmer": "oui"}
    )
    assert "différent" in response.context["form"].errors["nouveau_siret"][0]
    ancienne.refresh_from_db()
    assert ancienne.statut == StatutStructure.ACTIVE


def test_un_etranger_ne_voit_pas_la_page(client, ancienne, gp):
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory()))
    assert client.get(url(ancienne)).status_code == 404
    response = client.post(url(ancienne), {"nouveau_siret": NOUVEAU_SIRET, "confirmer": "oui"})
    assert response.status_code == 404
    rien_n_a_change(ancienne)


def test_un_utilisateur_en_consultation_recoit_un_403(client, ancienne, gp, employe):
    client.force_login(employe)
    response = client.post(url(ancienne), {"nouveau_siret": NOUVEAU_SIRET, "confirmer": "oui"})
    assert response.status_code == 403
    rien_n_a_change(ancienne)


def test_un_utilisateur_organisation_modification_peut_changer_le_siret(client, ancienne, gp):
    adjoint = UtilisateurFactory()
    RattachementFactory(utilisateur=adjoint, structure=ancienne, statut="ACTIF")
    HabilitationFactory(
        utilisateur=adjoint, structure=ancienne, application=Application.ORGANISATION
    )
    client.force_login(adjoint)
    response = client.post(url(ancienne), {"nouveau_siret": NOUVEAU_SIRET, "confirmer": "oui"})
    assert response.status_code == 302
    nouvelle = Structure.objects.get(identifiant=NOUVEAU_SIRET)
    assert nouvelle.gestionnaire_principal == gp  # the GP stays the old GP


def test_les_autres_methodes_sont_refusees(client, ancienne, gp):
    client.force_login(gp)
    assert client.put(url(ancienne)).status_code == 405
    assert client.delete(url(ancienne)).status_code == 405


def test_une_structure_sans_siret_n_a_pas_cette_page(client):
    structure = StructureFactory(type_identifiant="HORS_UE", identifiant="US-123")
    client.force_login(UtilisateurFactory(gestionnaire_de=structure))
    assert client.get(url(structure)).status_code == 404


# --- When the new SIRET already has a structure -------------------------------------------


def test_une_structure_existante_recoit_les_donnees_sans_doublon_et_garde_son_gp(
    ancienne, gp, service, employe
):
    cible = StructureFactory(identifiant=NOUVEAU_SIRET, raison_sociale="Déjà là")
    gp_cible = UtilisateurFactory(gestionnaire_de=cible)
    ServiceFactory(structure=cible, code="ACHATS", libelle="Achats de la cible")
    HabilitationFactory(
        utilisateur=employe,
        structure=cible,
        application=Application.ORGANISATION,
        niveau=Niveau.MODIFICATION,
    )

    retour = structure_changer_siret(
        structure=ancienne, nouveau_siret=NOUVEAU_SIRET, acting_user=gp
    )

    assert retour == cible
    cible.refresh_from_db()
    assert cible.raison_sociale == "Déjà là"
    assert cible.gestionnaire_principal == gp_cible
    [achats] = Service.objects.filter(structure=cible, code="ACHATS")
    assert achats.libelle == "Achats de la cible"
    assert (
        Habilitation.objects.get(
            utilisateur=employe, structure=cible, application=Application.ORGANISATION
        ).niveau
        == Niveau.MODIFICATION
    )
    assert Habilitation.objects.filter(
        utilisateur=employe, structure=cible, service=achats
    ).exists()
    ancienne.refresh_from_db()
    assert ancienne.remplacee_par == cible


def test_une_structure_existante_sans_gp_prend_l_ancien_gp(ancienne, gp):
    cible = StructureFactory(identifiant=NOUVEAU_SIRET)
    structure_changer_siret(structure=ancienne, nouveau_siret=NOUVEAU_SIRET, acting_user=gp)
    cible.refresh_from_db()
    assert cible.gestionnaire_principal == gp


def test_un_siret_d_une_autre_categorie_est_refuse_clairement(client, ancienne, gp):
    StructureFactory(identifiant=NOUVEAU_SIRET, categorie=CategorieStructure.PUBLIQUE)
    client.force_login(gp)
    response = client.post(url(ancienne), {"nouveau_siret": NOUVEAU_SIRET, "confirmer": "oui"})
    assert "autre catégorie" in response.context["form"].errors["nouveau_siret"][0]
    ancienne.refresh_from_db()
    assert ancienne.statut == StatutStructure.ACTIVE
    assert ancienne.remplacee_par is None


def test_un_siret_d_une_structure_deja_remplacee_est_refuse(ancienne, gp):
    cible = StructureFactory(identifiant=NOUVEAU_SIRET)
    autre = StructureFactory()
    Structure.objects.filter(pk=cible.pk).update(remplacee_par=autre)
    with pytest.raises(ChangementSiretRefuse, match="remplacée"):
        structure_changer_siret(structure=ancienne, nouveau_siret=NOUVEAU_SIRET, acting_user=gp)
    ancienne.refresh_from_db()
    assert ancienne.statut == StatutStructure.ACTIVE
    assert not Rattachement.objects.filter(structure=cible).exists()


def test_le_service_refuse_un_acteur_qui_n_est_pas_gestionnaire(ancienne, gp, employe):
    with pytest.raises(ChangementSiretRefuse):
        structure_changer_siret(
            structure=ancienne, nouveau_siret=NOUVEAU_SIRET, acting_user=employe
        )
    rien_n_a_change(ancienne)
