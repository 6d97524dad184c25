"""A structure's users: the list and its CSV export, one user's page, attaching an account by
e-mail, his habilitations, copying rights, detaching."""

import csv
import io

import pytest
from django.urls import reverse

from habilitations.enums import APPLICATIONS_PAR_DEFAUT, Application, Niveau
from habilitations.models import Habilitation, Rattachement, RattachementHistorique
from tests.habilitations.factories import UtilisateurFactory
from tests.habilitations.factories_gestion import (
    consultant,
    gestionnaire,
    habiliter,
    rattache,
    structure_et_gp,
)
from tests.structures.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return structure_et_gp()


@pytest.fixture
def structure(monde):
    return monde[0]


@pytest.fixture
def service(monde):
    return monde[1]


@pytest.fixture
def gp(monde):
    return monde[2]


def url(nom, structure, *args):
    return reverse(f"habilitations:{nom}", args=[structure.pk, *args])


def messages_de(response):
    return [str(m) for m in response.wsgi_request._messages]


def habilitations_de(utilisateur, structure):
    return sorted(
        Habilitation.objects.filter(utilisateur=utilisateur, structure=structure).values_list(
            "service_id", "application", "niveau"
        ),
        key=str,
    )


# --- The list ------------------------------------------------------------------------------


def test_la_liste_montre_les_utilisateurs_rattaches_et_le_gp(
    client, structure, service, gp, django_assert_max_num_queries
):
    alice = rattache(structure, prenom="Alice", nom="Martin")
    bruno = rattache(structure, service, prenom="Bruno", nom="Petit")
    en_attente = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=en_attente, structure=structure)
    parti = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=parti, structure=structure, statut="DETACHE")
    ailleurs = rattache(structure_et_gp()[0])
    client.force_login(gp)

    with django_assert_max_num_queries(10):
        response = client.get(url("utilisateurs", structure))

    contenu = response.content.decode()
    for present in (alice, bruno, gp):
        assert present.email in contenu
    for absent in (en_attente, parti, ailleurs):
        assert absent.email not in contenu
    assert contenu.count("Gestionnaire principal</p>") == 1
    assert service.libelle in contenu
    assert "3 utilisateurs" in contenu


def test_la_liste_est_paginee_et_sobre_en_requetes(
    client, structure, service, gp, django_assert_max_num_queries
):
    for i in range(30):
        rattache(structure, service if i % 2 else None, nom=f"Nom{i:02d}")
    client.force_login(gp)

    with django_assert_max_num_queries(10):
        page1 = client.get(url("utilisateurs", structure)).content.decode()
    with django_assert_max_num_queries(10):
        page2 = client.get(url("utilisateurs", structure) + "?page=2").content.decode()

    assert page1.count("<tr>") - 1 == 20
    assert page2.count("<tr>") - 1 == 11
    assert "fr-pagination" in page1


def test_filtres_et_tri(client, structure, service, gp):
    rattache(structure, prenom="Alice", nom="Zola", email="alice@exemple.fr")
    rattache(structure, service, prenom="Bruno", nom="Abel", email="bruno@exemple.fr")
    client.force_login(gp)

    cherche = client.get(url("utilisateurs", structure), {"q": "zol"}).content.decode()
    assert "alice@exemple.fr" in cherche
    assert "bruno@exemple.fr" not in cherche

    par_service = client.get(
        url("utilisateurs", structure), {"service": service.pk}
    ).content.decode()
    assert "bruno@exemple.fr" in par_service
    assert "alice@exemple.fr" not in par_service

    croissant = client.get(url("utilisateurs", structure), {"tri": "nom"}).content.decode()
    assert croissant.index("bruno@") < croissant.index("alice@")
    decroissant = client.get(url("utilisateurs", structure), {"tri": "-nom"}).content.decode()
    assert decroissant.index("alice@") < decroissant.index("bruno@")


def test_l_export_csv_suit_les_filtres(client, structure, service, gp):
    rattache(structure, service, prenom="Élodie", nom="Durand", email="elodie@exemple.fr")
    rattache(structure, prenom="Marc", nom="Vidal", email="marc@exemple.fr")
    client.force_login(gp)

    response = client.get(url("utilisateurs_csv", structure))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    brut = response.content.decode("utf-8")
    assert brut.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(brut[1:]), delimiter=";"))
    assert lignes[0][:3] == ["Nom", "Prénom", "Adresse électronique"]
    par_email = {ligne[2]: ligne for ligne in lignes[1:]}
    assert set(par_email) == {"elodie@exemple.fr", "marc@exemple.fr", gp.email}
    assert par_email["elodie@exemple.fr"][:5] == [
        "Durand",
        "Élodie",
        "elodie@exemple.fr",
        service.libelle,
        "non",
    ]
    assert par_email[gp.email][3:5] == ["Toute la structure", "oui"]

    filtre = client.get(url("utilisateurs_csv", structure), {"q": "vidal"}).content.decode()
    assert "marc@exemple.fr" in filtre
    assert "elodie@" not in filtre


def test_l_export_csv_neutralise_les_formules(client, structure, gp):
    rattache(structure, prenom="=HYPERLINK(1)", nom="-2+3")
    client.force_login(gp)

    brut = client.get(url("utilisateurs_csv", structure)).content.decode("utf-8")

    assert "'-2+3;'=HYPERLINK(1);" in brut


def test_la_liste_et_l_export_sont_fermes_aux_etrangers(client, structure):
    client.force_login(structure_et_gp()[2])

    assert client.get(url("utilisateurs", structure)).status_code == 404
    assert client.get(url("utilisateurs_csv", structure)).status_code == 404


def test_en_consultation_on_voit_la_liste_sans_les_actions(client, structure):
    client.force_login(consultant(structure))

    contenu = client.get(url("utilisateurs", structure)).content.decode()

    assert "Rattacher un utilisateur" not in contenu
    assert client.post(url("utilisateurs", structure)).status_code == 405


# --- One user's page -----------------------------------------------------------------------


def test_la_fiche_montre_les_habilitations_sur_cette_structure_seulement(client, structure, gp):
    alice = rattache(structure)
    habiliter(alice, structure, Application.FACTURES_TRAVAUX, Niveau.CONSULTATION)
    autre_structure = structure_et_gp()[0]
    habiliter(alice, autre_structure, Application.FACTURES_RECUES, Niveau.MODIFICATION)
    client.force_login(gp)

    contenu = client.get(url("utilisateur", structure, alice.pk)).content.decode()

    assert "Factures de travaux" in contenu
    assert "Factures reçues" not in contenu
    assert "Modifier les habilitations" in contenu


def test_la_fiche_d_un_utilisateur_non_rattache_est_introuvable(client, structure, gp):
    client.force_login(gp)
    ailleurs = rattache(structure_et_gp()[0])
    parti = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=parti, structure=structure, statut="DETACHE")

    assert client.get(url("utilisateur", structure, ailleurs.pk)).status_code == 404
    assert client.get(url("utilisateur", structure, parti.pk)).status_code == 404


# --- Attach by e-mail ----------------------------------------------------------------------


def test_rattacher_par_courriel_a_un_service(client, structure, service, gp):
    compte = UtilisateurFactory(email="nouveau@exemple.fr")
    client.force_login(gp)

    response = client.post(
        url("utilisateur_rattacher", structure),
        {"email": " Nouveau@Exemple.fr ", "service": service.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == url("utilisateur", structure, compte.pk)
    rattachement = Rattachement.objects.get(utilisateur=compte, structure=structure)
    assert (rattachement.statut, rattachement.service) == ("ACTIF", service)
    [ligne] = RattachementHistorique.objects.filter(objet=rattachement)
    assert (ligne.acteur, ligne.action) == (gp, "APPROUVER")
    assert sorted(a for _s, a, _n in habilitations_de(compte, structure)) == sorted(
        APPLICATIONS_PAR_DEFAUT
    )


def test_rattacher_a_toute_la_structure_par_organisation_modification(client, structure):
    compte = UtilisateurFactory()
    client.force_login(gestionnaire(structure))

    client.post(url("utilisateur_rattacher", structure), {"email": compte.email, "service": ""})

    rattachement = Rattachement.objects.get(utilisateur=compte, structure=structure)
    assert (rattachement.statut, rattachement.service) == ("ACTIF", None)


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("inconnu", "doit d'abord créer son compte"),
        ("deja", "déjà rattaché"),
        ("en_attente", "approuvez sa demande dans Approbations"),
        ("desactive", "Ce compte est désactivé"),
    ],
)
def test_rattacher_un_compte_impossible_donne_un_message_sur_le_champ(
    client, structure, gp, situation, message
):
    if situation == "inconnu":
        email = "personne@exemple.fr"
    elif situation == "deja":
        email = rattache(structure).email
    elif situation == "en_attente":
        demandeur = UtilisateurFactory()
        Rattachement.objects.create(utilisateur=demandeur, structure=structure)
        email = demandeur.email
    else:
        email = UtilisateurFactory(is_active=False).email
    avant = Rattachement.objects.count()
    client.force_login(gp)

    response = client.post(url("utilisateur_rattacher", structure), {"email": email})

    assert response.status_code == 200
    assert message in response.context["form"].errors["email"][0]
    assert Rattachement.objects.count() == avant


def test_rattacher_est_reserve_aux_gestionnaires(client, structure):
    compte = UtilisateurFactory()
    client.force_login(consultant(structure))
    assert client.get(url("utilisateur_rattacher", structure)).status_code == 403
    assert (
        client.post(url("utilisateur_rattacher", structure), {"email": compte.email}).status_code
        == 403
    )

    client.force_login(structure_et_gp()[2])
    assert (
        client.post(url("utilisateur_rattacher", structure), {"email": compte.email}).status_code
        == 404
    )
    assert not Rattachement.objects.filter(utilisateur=compte).exists()


def test_rattacher_refuse_les_autres_methodes(client, structure, gp):
    client.force_login(gp)
    assert client.put(url("utilisateur_rattacher", structure)).status_code == 405


# --- Habilitations of a user ---------------------------------------------------------------


def definir(client, structure, utilisateur, application, niveau, service=None):
    return client.post(
        url("utilisateur_habilitations", structure, utilisateur.pk),
        {
            "operation": "definir",
            "portee": service.pk if service else "",
            "application": application,
            "niveau": niveau,
        },
    )


def test_ajouter_changer_et_retirer_une_habilitation(client, structure, service, gp):
    alice = rattache(structure)
    client.force_login(gp)

    response = definir(client, structure, alice, "FACTURES_TRAVAUX", "CONSULTATION", service)
    assert response.status_code == 302
    assert habilitations_de(alice, structure) == [(service.pk, "FACTURES_TRAVAUX", "CONSULTATION")]

    definir(client, structure, alice, "FACTURES_TRAVAUX", "MODIFICATION", service)
    [habilitation] = Habilitation.objects.filter(utilisateur=alice)
    assert habilitation.niveau == "MODIFICATION"

    page = client.get(url("utilisateur_habilitations", structure, alice.pk)).content.decode()
    assert "Retirer" in page

    response = client.post(
        url("utilisateur_habilitations", structure, alice.pk),
        {"operation": "supprimer", "habilitation": habilitation.pk},
    )
    assert response.status_code == 302
    assert habilitations_de(alice, structure) == []


def test_seuls_les_espaces_ouverts_par_la_structure_sont_attribuables(client, structure, gp):
    # A private structure does not open Factures reçues.
    alice = rattache(structure)
    client.force_login(gp)

    page = client.get(url("utilisateur_habilitations", structure, alice.pk)).content.decode()
    assert 'value="FACTURES_RECUES"' not in page

    response = definir(client, structure, alice, "FACTURES_RECUES", "MODIFICATION")
    assert response.status_code == 400
    assert response.context["form"].errors["application"]
    assert habilitations_de(alice, structure) == []


def test_un_gestionnaire_ne_change_pas_ses_propres_droits(client, structure):
    moi = gestionnaire(structure)
    client.force_login(moi)
    avant = habilitations_de(moi, structure)

    page = client.get(url("utilisateur_habilitations", structure, moi.pk)).content.decode()
    assert "Vous ne pouvez pas modifier vos propres droits." in page

    response = definir(client, structure, moi, "FACTURES_TRAVAUX", "MODIFICATION")
    assert response.status_code == 400
    assert "propres droits" in str(response.context["form"].non_field_errors())

    [mienne] = Habilitation.objects.filter(utilisateur=moi)
    response = client.post(
        url("utilisateur_habilitations", structure, moi.pk),
        {"operation": "supprimer", "habilitation": mienne.pk},
    )
    assert messages_de(response) == ["Vous ne pouvez pas modifier vos propres droits."]
    assert habilitations_de(moi, structure) == avant


def test_les_droits_du_gp_ne_se_retirent_pas(client, structure, gp):
    explicite = habiliter(gp, structure, Application.FACTURES_TRAVAUX, Niveau.MODIFICATION)
    client.force_login(gestionnaire(structure))

    response = client.post(
        url("utilisateur_habilitations", structure, gp.pk),
        {"operation": "supprimer", "habilitation": explicite.pk},
    )

    [message] = messages_de(response)
    assert "viennent avec son rôle" in message
    assert Habilitation.objects.filter(pk=explicite.pk).exists()
    response = definir(client, structure, gp, "FACTURES_TRAVAUX", "CONSULTATION")
    assert response.status_code == 400
    explicite.refresh_from_db()
    assert explicite.niveau == "MODIFICATION"


def test_habilitations_acces_et_methodes(client, structure, gp):
    alice = rattache(structure)
    [a_elle] = [habiliter(alice, structure, Application.FACTURES_EMISES, Niveau.MODIFICATION)]
    bruno = rattache(structure)
    [a_lui] = [habiliter(bruno, structure, Application.FACTURES_EMISES, Niveau.MODIFICATION)]
    cible = url("utilisateur_habilitations", structure, alice.pk)

    client.force_login(consultant(structure))
    assert client.get(cible).status_code == 403
    assert definir(client, structure, alice, "FACTURES_TRAVAUX", "MODIFICATION").status_code == 403

    client.force_login(structure_et_gp()[2])
    assert client.get(cible).status_code == 404

    client.force_login(gp)
    assert client.delete(cible).status_code == 405
    # Bruno's habilitation cannot be removed through Alice's page.
    response = client.post(cible, {"operation": "supprimer", "habilitation": a_lui.pk})
    assert response.status_code == 404
    assert habilitations_de(alice, structure) == [(None, "FACTURES_EMISES", "MODIFICATION")]
    assert Habilitation.objects.filter(pk__in=[a_elle.pk, a_lui.pk]).count() == 2
    # A user who is not attached has no page here.
    etranger = rattache(structure_et_gp()[0])
    assert client.get(url("utilisateur_habilitations", structure, etranger.pk)).status_code == 404


# --- Copy rights ---------------------------------------------------------------------------


def test_copier_les_droits_apres_confirmation(client, structure, service, gp):
    source = rattache(structure)
    habiliter(source, structure, Application.FACTURES_TRAVAUX, Niveau.CONSULTATION, service)
    habiliter(source, structure, Application.ORGANISATION, Niveau.MODIFICATION)
    cible = rattache(structure)
    habiliter(cible, structure, Application.SOLLICITATIONS_EMISES, Niveau.MODIFICATION)
    page = url("utilisateur_copier_droits", structure, source.pk)
    client.force_login(gp)

    assert cible.email in client.get(page).content.decode()
    confirmation = client.post(page, {"cible": cible.pk})
    assert confirmation.status_code == 200
    assert "Confirmer la copie" in confirmation.content.decode()
    assert habilitations_de(cible, structure) == [(None, "SOLLICITATIONS_EMISES", "MODIFICATION")]

    response = client.post(page, {"cible": cible.pk, "confirme": "True"})

    assert response.status_code == 302
    assert habilitations_de(cible, structure) == habilitations_de(source, structure)


def test_copier_vers_soi_ou_depuis_le_gp_est_refuse(client, structure, gp):
    moi = gestionnaire(structure)
    source = rattache(structure)
    habiliter(source, structure, Application.FACTURES_TRAVAUX, Niveau.MODIFICATION)
    autre = rattache(structure)
    client.force_login(moi)

    response = client.post(
        url("utilisateur_copier_droits", structure, source.pk),
        {"cible": moi.pk, "confirme": "True"},
    )
    assert response.status_code == 400
    assert "propres droits" in response.context["form"].errors["cible"][0]

    response = client.post(
        url("utilisateur_copier_droits", structure, gp.pk),
        {"cible": autre.pk, "confirme": "True"},
    )
    assert "viennent avec son rôle" in response.context["form"].errors["cible"][0]

    response = client.post(
        url("utilisateur_copier_droits", structure, source.pk),
        {"cible": gp.pk, "confirme": "True"},
    )
    assert "viennent avec son rôle" in response.context["form"].errors["cible"][0]
    assert habilitations_de(autre, structure) == []
    assert habilitations_de(moi, structure) == [(None, "ORGANISATION", "MODIFICATION")]


def test_copier_acces_et_methodes(client, structure, gp):
    source, cible = rattache(structure), rattache(structure)
    habiliter(source, structure, Application.FACTURES_TRAVAUX, Niveau.MODIFICATION)
    page = url("utilisateur_copier_droits", structure, source.pk)
    donnees = {"cible": cible.pk, "confirme": "True"}

    client.force_login(consultant(structure))
    assert client.post(page, donnees).status_code == 403
    client.force_login(structure_et_gp()[2])
    assert client.post(page, donnees).status_code == 404
    client.force_login(gp)
    assert client.put(page, donnees).status_code == 405
    # Someone who is not attached is not offered, nor accepted.
    etranger = rattache(structure_et_gp()[0])
    response = client.post(page, {"cible": etranger.pk, "confirme": "True"})
    assert response.context["form"].errors["cible"]
    assert habilitations_de(cible, structure) == []


# --- Detach --------------------------------------------------------------------------------


def test_detacher_apres_confirmation(client, structure, service, gp):
    alice = rattache(structure)
    Rattachement.objects.create(
        utilisateur=alice, structure=structure, service=service, statut="ACTIF"
    )
    habiliter(alice, structure, Application.FACTURES_EMISES, Niveau.MODIFICATION)
    ailleurs = structure_et_gp()[0]
    habiliter(alice, ailleurs, Application.FACTURES_EMISES, Niveau.MODIFICATION)
    page = url("utilisateur_detacher", structure, alice.pk)
    client.force_login(gp)

    confirmation = client.get(page).content.decode()
    assert "Confirmer le détachement" in confirmation
    assert Rattachement.objects.filter(utilisateur=alice, statut="ACTIF").count() == 2

    response = client.post(page)

    assert response.status_code == 302
    assert response["Location"] == url("utilisateurs", structure)
    assert set(Rattachement.objects.filter(utilisateur=alice).values_list("statut", flat=True)) == {
        "DETACHE"
    }
    assert RattachementHistorique.objects.filter(objet__utilisateur=alice).count() == 2
    assert habilitations_de(alice, structure) == []
    assert Habilitation.objects.filter(utilisateur=alice, structure=ailleurs).exists()
    assert client.get(url("utilisateur", structure, alice.pk)).status_code == 404


def test_le_gp_et_soi_meme_ne_se_detachent_pas_ici(client, structure, gp):
    moi = gestionnaire(structure)
    client.force_login(moi)

    response = client.post(url("utilisateur_detacher", structure, gp.pk))
    assert "transférez d'abord son rôle" in messages_de(response)[0]
    client.get(url("utilisateurs", structure))  # shows (and consumes) the message
    response = client.post(url("utilisateur_detacher", structure, moi.pk))
    assert messages_de(response) == ["Vous ne pouvez pas modifier vos propres droits."]
    assert (
        "transférez d&#x27;abord"
        in client.get(url("utilisateur_detacher", structure, gp.pk)).content.decode()
    )
    assert Rattachement.objects.filter(structure=structure, statut="ACTIF").count() == 2


def test_detacher_acces_et_methodes(client, structure, gp):
    alice = rattache(structure)
    page = url("utilisateur_detacher", structure, alice.pk)

    client.force_login(consultant(structure))
    assert client.post(page).status_code == 403
    client.force_login(structure_et_gp()[2])
    assert client.post(page).status_code == 404
    client.force_login(gp)
    assert client.put(page).status_code == 405
    assert Rattachement.objects.get(utilisateur=alice).statut == "ACTIF"


def test_un_service_d_une_autre_structure_n_est_pas_propose(client, structure, gp):
    autre_service = ServiceFactory()
    compte = UtilisateurFactory()
    client.force_login(gp)

    response = client.post(
        url("utilisateur_rattacher", structure),
        {"email": compte.email, "service": autre_service.pk},
    )

    assert response.context["form"].errors["service"]
    assert not Rattachement.objects.filter(utilisateur=compte).exists()
