"""Mon compte: what a user manages about himself (information, attachments, habilitations,
spaces, deactivation). Two-factor authentication: test_double_authentification.py."""

import csv
import html
import io

import pytest
from django.urls import reverse

from habilitations.enums import Application, Niveau
from habilitations.models import DemandeHabilitation, Habilitation, Rattachement
from habilitations.services import compte as services
from tests.habilitations.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


def rattacher(user, structure, service=None, niveau=Niveau.MODIFICATION, applications=()):
    rattachement = Rattachement.objects.create(
        utilisateur=user, structure=structure, service=service, statut="ACTIF"
    )
    for application in applications:
        Habilitation.objects.create(
            utilisateur=user,
            structure=structure,
            service=service,
            application=application,
            niveau=niveau,
        )
    return rattachement


def demander(structure):
    url = reverse("habilitations:compte_rattachement_demander", args=[structure.pk])
    return f"{url}?identifiant={structure.identifiant}"


def contenu(response):
    return html.unescape(response.content.decode())


def messages_de(response):
    return [str(m) for m in response.context["messages"]]


# --- Hub ----------------------------------------------------------------------------------


def test_le_hub_mene_a_chaque_rubrique(client):
    client.force_login(UtilisateurFactory())
    page = contenu(client.get(reverse("habilitations:mon_compte")))
    for nom in (
        "compte_modifier",
        "mot_de_passe_changer",
        "double_authentification",
        "mes_rattachements",
        "mes_habilitations",
        "mes_abonnements",
        "compte_desactiver",
    ):
        assert reverse(f"habilitations:{nom}") in page, nom


def test_un_visiteur_est_envoye_a_la_connexion(client):
    response = client.get(reverse("habilitations:compte_modifier"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("habilitations:connexion"))


# --- Mes informations ---------------------------------------------------------------------

DONNEES = {
    "prenom": "Claire",
    "nom": "Durand",
    "email_contact": "claire.contact@exemple.fr",
    "telephone": "01 23 45 67 89",
    "telephone_mobile": "+33 6 12 34 56 78",
    "langue": "en",
    "notifications_actives": "",
}


def test_modifier_mes_informations_et_ma_langue(client):
    user = UtilisateurFactory()
    client.force_login(user)
    response = client.post(reverse("habilitations:compte_modifier"), DONNEES)
    assert response.status_code == 302
    assert response["Location"] == reverse("habilitations:mon_compte")
    assert response.cookies["chorus_langue"].value == "en"
    user.refresh_from_db()
    assert (user.prenom, user.nom, user.email_contact) == (
        "Claire",
        "Durand",
        "claire.contact@exemple.fr",
    )
    assert user.telephone == "01 23 45 67 89"
    assert user.telephone_mobile == "+33 6 12 34 56 78"
    assert user.langue == "en"
    assert user.notifications_actives is False


def test_contact_vide_reprend_l_adresse_de_connexion(client):
    user = UtilisateurFactory(email_contact="ancien@exemple.fr")
    client.force_login(user)
    client.post(reverse("habilitations:compte_modifier"), {**DONNEES, "email_contact": ""})
    user.refresh_from_db()
    assert user.email_contact == user.email


def test_telephone_invalide_message_sur_le_champ_et_rien_ne_change(client):
    user = UtilisateurFactory(telephone="0102030405")
    client.force_login(user)
    response = client.post(
        reverse("habilitations:compte_modifier"), {**DONNEES, "telephone": "appelez-moi"}
    )
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone" in response.context["form"].errors["telephone"][0]
    user.refresh_from_db()
    assert user.telephone == "0102030405"
    assert user.prenom != "Claire"


def test_nom_obligatoire(client):
    user = UtilisateurFactory()
    client.force_login(user)
    response = client.post(reverse("habilitations:compte_modifier"), {**DONNEES, "nom": ""})
    assert response.status_code == 200
    assert "nom" in response.context["form"].errors


def test_un_gp_ne_peut_pas_refuser_les_notifications(client):
    gp = UtilisateurFactory(gestionnaire_de=StructureFactory())
    client.force_login(gp)
    page = client.get(reverse("habilitations:compte_modifier"))
    assert "en tant que gestionnaire principal" in contenu(page)
    assert page.context["form"].fields["notifications_actives"].disabled
    # Even a forged post without the checkbox keeps the notifications on.
    response = client.post(reverse("habilitations:compte_modifier"), DONNEES)
    assert response.status_code == 302
    gp.refresh_from_db()
    assert gp.notifications_actives is True
    assert gp.prenom == "Claire"


def test_le_service_refuse_qu_un_gp_coupe_les_notifications():
    from django.core.exceptions import ValidationError

    gp = UtilisateurFactory(gestionnaire_de=StructureFactory())
    donnees = {**DONNEES, "notifications_actives": False}
    with pytest.raises(ValidationError) as erreur:
        services.compte_modifier(utilisateur=gp, **donnees)
    assert "gestionnaire principal" in str(erreur.value)
    gp.refresh_from_db()
    assert gp.notifications_actives is True


def test_le_gp_d_une_structure_inactive_peut_refuser_les_notifications(client):
    ancien = UtilisateurFactory(gestionnaire_de=StructureFactory(inactive=True))
    client.force_login(ancien)
    client.post(reverse("habilitations:compte_modifier"), DONNEES)
    ancien.refresh_from_db()
    assert ancien.notifications_actives is False


def test_modifier_mes_informations_refuse_les_autres_methodes(client):
    client.force_login(UtilisateurFactory())
    assert client.put(reverse("habilitations:compte_modifier")).status_code == 405


# --- Mes rattachements --------------------------------------------------------------------


def test_mes_rattachements_liste_et_filtre(client, django_assert_max_num_queries):
    user = UtilisateurFactory()
    actif = rattacher(user, StructureFactory(raison_sociale="Alpha"))
    Rattachement.objects.create(utilisateur=user, structure=StructureFactory(raison_sociale="Beta"))
    Rattachement.objects.create(
        utilisateur=UtilisateurFactory(), structure=StructureFactory(raison_sociale="Gamma")
    )
    client.force_login(user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("habilitations:mes_rattachements"))
    texte = contenu(page)
    assert "Alpha" in texte and "Beta" in texte and "Gamma" not in texte
    assert reverse("habilitations:compte_rattachement_detacher", args=[actif.pk]) in texte
    filtre = contenu(client.get(reverse("habilitations:mes_rattachements"), {"statut": "ACTIF"}))
    assert "Alpha" in filtre and "Beta" not in filtre


def test_mes_rattachements_pagines_par_20(client):
    user = UtilisateurFactory()
    for _ in range(21):
        Rattachement.objects.create(utilisateur=user, structure=StructureFactory())
    client.force_login(user)
    page = client.get(reverse("habilitations:mes_rattachements"))
    assert len(page.context["page"].object_list) == 20
    assert (
        len(
            client.get(reverse("habilitations:mes_rattachements"), {"page": 2})
            .context["page"]
            .object_list
        )
        == 1
    )


def test_trouver_une_structure_par_son_siret(client):
    structure = StructureFactory(raison_sociale="Boulangerie Martin")
    client.force_login(UtilisateurFactory())
    siret = structure.identifiant
    saisi = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    page = client.get(reverse("habilitations:mes_rattachements"), {"identifiant": saisi})
    assert "Boulangerie Martin" in contenu(page)
    assert demander(structure) in contenu(page)


def test_sans_le_bon_identifiant_la_page_de_demande_n_existe_pas(client):
    structure = StructureFactory()
    client.force_login(UtilisateurFactory())
    url = reverse("habilitations:compte_rattachement_demander", args=[structure.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?identifiant=12345678901234").status_code == 404
    assert client.post(url, {"service": ""}).status_code == 404
    assert client.get(demander(structure)).status_code == 200
    assert not Rattachement.objects.exists()


def test_identifiant_inconnu_message_clair(client):
    client.force_login(UtilisateurFactory())
    page = client.get(reverse("habilitations:mes_rattachements"), {"identifiant": "99999999999999"})
    assert "Aucune structure active n'a cet identifiant" in contenu(page)


def test_une_structure_inactive_n_est_pas_proposee(client):
    structure = StructureFactory(inactive=True)
    client.force_login(UtilisateurFactory())
    page = client.get(
        reverse("habilitations:mes_rattachements"), {"identifiant": structure.identifiant}
    )
    assert page.context["resultats"] == []
    url = demander(structure)
    assert client.get(url).status_code == 404


def test_demander_un_rattachement_previent_le_gp(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    structure = StructureFactory(raison_sociale="Boulangerie Martin")
    gp = UtilisateurFactory(gestionnaire_de=structure)
    user = UtilisateurFactory(prenom="Paul", nom="Petit")
    client.force_login(user)
    url = demander(structure)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"service": "", "commentaire": "Je suis le comptable."})
    assert response.status_code == 302
    assert response["Location"] == reverse("habilitations:mes_rattachements")
    demande = Rattachement.objects.get(utilisateur=user)
    assert (demande.structure, demande.service, demande.statut) == (structure, None, "EN_ATTENTE")
    assert demande.commentaire == "Je suis le comptable."
    [mail] = mailoutbox
    assert mail.to == [gp.email_contact]
    assert "Boulangerie Martin" in mail.subject
    assert "Paul Petit" in mail.body and "Je suis le comptable." in mail.body
    assert "/organisation/" in mail.body


def test_demander_un_service(client, mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory()
    UtilisateurFactory(gestionnaire_de=structure)
    service = ServiceFactory(structure=structure)
    user = UtilisateurFactory()
    client.force_login(user)
    url = demander(structure)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"service": service.pk, "commentaire": ""})
    assert Rattachement.objects.get(utilisateur=user).service == service
    [mail] = mailoutbox
    assert service.libelle in mail.body


def test_un_service_inactif_ou_d_une_autre_structure_est_refuse(client):
    structure = StructureFactory()
    inactif = ServiceFactory(structure=structure, statut="INACTIF")
    ailleurs = ServiceFactory()
    client.force_login(UtilisateurFactory())
    url = demander(structure)
    for service in (inactif, ailleurs):
        response = client.post(url, {"service": service.pk})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.context["form"].errors["service"][0]
    assert not Rattachement.objects.exists()


def test_une_demande_en_double_est_refusee(client, mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory()
    UtilisateurFactory(gestionnaire_de=structure)
    user = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=user, structure=structure)
    client.force_login(user)
    url = demander(structure)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"service": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["service"] == [
        "Vous avez déjà une demande en attente pour ce périmètre."
    ]
    assert Rattachement.objects.filter(utilisateur=user).count() == 1
    assert mailoutbox == []


def test_deja_rattache_a_toute_la_structure(client):
    structure = StructureFactory()
    service = ServiceFactory(structure=structure)
    user = UtilisateurFactory()
    rattacher(user, structure)
    client.force_login(user)
    url = demander(structure)
    response = client.post(url, {"service": service.pk})
    assert "déjà rattaché à toute cette structure" in response.context["form"].errors["service"][0]
    assert Rattachement.objects.filter(utilisateur=user).count() == 1


def test_apres_un_refus_on_peut_redemander(client):
    structure = StructureFactory()
    user = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=user, structure=structure, statut="REFUSE")
    client.force_login(user)
    url = demander(structure)
    assert client.post(url, {"service": ""}).status_code == 302
    assert Rattachement.objects.filter(utilisateur=user, statut="EN_ATTENTE").count() == 1


def test_annuler_ma_demande(client):
    user = UtilisateurFactory()
    demande = Rattachement.objects.create(utilisateur=user, structure=StructureFactory())
    client.force_login(user)
    url = reverse("habilitations:compte_rattachement_annuler", args=[demande.pk])
    response = client.post(url, follow=True)
    demande.refresh_from_db()
    assert demande.statut == "ANNULE"
    assert demande.historique.get().action == "ANNULER"
    assert "Votre demande de rattachement est annulée." in messages_de(response)
    # Twice: the engine refuses, with a French message, and nothing changes.
    response = client.post(url, follow=True)
    assert "Action impossible" in messages_de(response)[0]
    assert demande.historique.count() == 1


def test_annuler_refuse_get_et_la_demande_d_un_autre(client):
    user = UtilisateurFactory()
    demande = Rattachement.objects.create(utilisateur=user, structure=StructureFactory())
    url = reverse("habilitations:compte_rattachement_annuler", args=[demande.pk])
    client.force_login(user)
    assert client.get(url).status_code == 405
    client.force_login(UtilisateurFactory())
    assert client.post(url).status_code == 404
    demande.refresh_from_db()
    assert demande.statut == "EN_ATTENTE"


def test_me_detacher_apres_confirmation_retire_mes_habilitations(client):
    structure = StructureFactory(raison_sociale="Alpha")
    autre = StructureFactory()
    user = UtilisateurFactory()
    rattachement = rattacher(user, structure, applications=[Application.FACTURES_EMISES])
    rattacher(user, autre, applications=[Application.FACTURES_EMISES])
    client.force_login(user)
    url = reverse("habilitations:compte_rattachement_detacher", args=[rattachement.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Confirmer le détachement" in contenu(confirmation)
    response = client.post(url, follow=True)
    assert "Vous êtes détaché de « Alpha »." in messages_de(response)
    rattachement.refresh_from_db()
    assert rattachement.statut == "DETACHE"
    assert not Habilitation.objects.filter(utilisateur=user, structure=structure).exists()
    assert Habilitation.objects.filter(utilisateur=user, structure=autre).exists()


def test_me_detacher_d_un_service_garde_la_structure(client):
    structure = StructureFactory()
    service = ServiceFactory(structure=structure)
    user = UtilisateurFactory()
    rattacher(user, structure, applications=[Application.FACTURES_EMISES])
    par_service = rattacher(
        user, structure, service=service, applications=[Application.FACTURES_RECUES]
    )
    client.force_login(user)
    client.post(reverse("habilitations:compte_rattachement_detacher", args=[par_service.pk]))
    par_service.refresh_from_db()
    assert par_service.statut == "DETACHE"
    # The structure-wide attachment still covers every habilitation on that structure.
    assert Habilitation.objects.filter(utilisateur=user, structure=structure).count() == 2


def test_me_detacher_de_toute_la_structure_garde_un_service_encore_rattache(client):
    structure = StructureFactory()
    service = ServiceFactory(structure=structure)
    user = UtilisateurFactory()
    global_ = rattacher(user, structure, applications=[Application.FACTURES_EMISES])
    rattacher(user, structure, service=service, applications=[Application.FACTURES_RECUES])
    client.force_login(user)
    client.post(reverse("habilitations:compte_rattachement_detacher", args=[global_.pk]))
    restantes = Habilitation.objects.filter(utilisateur=user, structure=structure)
    assert list(restantes.values_list("service", "application")) == [
        (service.pk, Application.FACTURES_RECUES)
    ]


def test_un_gp_ne_peut_pas_se_detacher_de_sa_structure(client):
    structure = StructureFactory()
    gp = UtilisateurFactory(gestionnaire_de=structure)
    rattachement = Rattachement.objects.get(utilisateur=gp)
    client.force_login(gp)
    url = reverse("habilitations:compte_rattachement_detacher", args=[rattachement.pk])
    page = client.get(url)
    assert "transférez d'abord ce rôle" in contenu(page)
    assert "Confirmer le détachement" not in contenu(page)
    response = client.post(url, follow=True)
    assert "transférez d'abord ce rôle" in messages_de(response)[0]
    rattachement.refresh_from_db()
    assert rattachement.statut == "ACTIF"


def test_detacher_le_rattachement_d_un_autre_ou_non_actif(client):
    user = UtilisateurFactory()
    rattachement = rattacher(user, StructureFactory())
    en_attente = Rattachement.objects.create(utilisateur=user, structure=StructureFactory())
    client.force_login(UtilisateurFactory())
    url = reverse("habilitations:compte_rattachement_detacher", args=[rattachement.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(user)
    assert client.put(url).status_code == 405
    url = reverse("habilitations:compte_rattachement_detacher", args=[en_attente.pk])
    response = client.post(url, follow=True)
    assert "n'est pas actif" in messages_de(response)[0]
    rattachement.refresh_from_db()
    en_attente.refresh_from_db()
    assert (rattachement.statut, en_attente.statut) == ("ACTIF", "EN_ATTENTE")


# --- Mes habilitations --------------------------------------------------------------------


@pytest.fixture
def habilite():
    """A GP of a private structure, with a service-level right on a public one."""
    privee = StructureFactory(raison_sociale="Atelier Dupont")
    publique = StructureFactory(publique=True, raison_sociale="Commune de Brest")
    service = ServiceFactory(structure=publique, code="COMPTA", libelle="Comptabilité")
    user = UtilisateurFactory(gestionnaire_de=privee)
    rattacher(
        user,
        publique,
        service=service,
        niveau=Niveau.CONSULTATION,
        applications=[Application.FACTURES_RECUES],
    )
    return user


def test_mes_habilitations_par_structure_avec_les_droits_du_gp(
    client, habilite, django_assert_max_num_queries
):
    client.force_login(habilite)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("habilitations:mes_habilitations"))
    groupes = page.context["groupes"]
    assert [g["structure"].raison_sociale for g in groupes] == [
        "Atelier Dupont",
        "Commune de Brest",
    ]
    gp = groupes[0]["lignes"]
    # A private structure opens six spaces by default; the GP holds them all in modification.
    assert len(gp) == 6
    assert {ligne.niveau for ligne in gp} == {Niveau.MODIFICATION}
    assert {str(ligne.origine) for ligne in gp} == {"Gestionnaire principal"}
    [ligne] = groupes[1]["lignes"]
    assert (ligne.service.code, ligne.application, ligne.niveau) == (
        "COMPTA",
        Application.FACTURES_RECUES,
        Niveau.CONSULTATION,
    )
    texte = contenu(page)
    assert "Comptabilité" in texte and "Consultation" in texte
    assert reverse("habilitations:mes_habilitations_csv") in texte


def test_export_csv_de_mes_habilitations(client, habilite):
    client.force_login(habilite)
    response = client.get(reverse("habilitations:mes_habilitations_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    brut = response.content.decode("utf-8")
    assert brut.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(brut[1:]), delimiter=";"))
    assert lignes[0] == [
        "Structure",
        "Identifiant",
        "Code service",
        "Service",
        "Espace",
        "Niveau",
        "Origine",
        "Accordée le",
        "Espace ouvert par la structure",
    ]
    assert len(lignes) == 1 + 6 + 1
    assert lignes[1][:7] == [
        "Atelier Dupont",
        lignes[1][1],
        "",
        "Toute la structure",
        "Factures émises",
        "Modification",
        "Gestionnaire principal",
    ]
    derniere = lignes[-1]
    assert derniere[0] == "Commune de Brest"
    assert derniere[2:7] == [
        "COMPTA",
        "Comptabilité",
        "Factures reçues",
        "Consultation",
        "Habilitation",
    ]
    assert derniere[8] == "oui"


def test_export_csv_signale_un_espace_ferme(client):
    structure = StructureFactory(applications_ouvertes=[Application.FACTURES_EMISES])
    user = UtilisateurFactory()
    rattacher(user, structure, applications=[Application.FACTURES_A_VALIDER])
    client.force_login(user)
    brut = client.get(reverse("habilitations:mes_habilitations_csv")).content.decode()
    [_entete, ligne] = list(csv.reader(io.StringIO(brut[1:]), delimiter=";"))
    assert ligne[4] == "Factures à valider" and ligne[8] == "non"


# --- Mes abonnements aux espaces ----------------------------------------------------------


@pytest.fixture
def agent():
    """A simple user of a public structure (with its GP), holding Factures émises."""
    structure = StructureFactory(publique=True, raison_sociale="Commune de Brest")
    UtilisateurFactory(gestionnaire_de=structure)
    user = UtilisateurFactory()
    rattacher(user, structure, applications=[Application.FACTURES_EMISES])
    return user


def _structure_de(user):
    return Rattachement.objects.get(utilisateur=user).structure


def test_mes_abonnements_montre_les_espaces_de_la_structure(
    client, agent, django_assert_max_num_queries
):
    client.force_login(agent)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("habilitations:mes_abonnements"))
    [bloc] = page.context["blocs"]
    espaces = {e["code"]: e for e in bloc["espaces"]}
    assert set(espaces) == set(Application)  # a public structure opens every space
    assert espaces[Application.FACTURES_EMISES]["complet"]
    assert not espaces[Application.FACTURES_RECUES]["complet"]
    url = reverse("habilitations:compte_abonnement_demander", args=[bloc["structure"].pk])
    assert f"{url}?espace=FACTURES_RECUES" in contenu(page)
    assert f"{url}?espace=FACTURES_EMISES" not in contenu(page)


def test_demander_un_espace_previent_le_gp(
    client, agent, mailoutbox, django_capture_on_commit_callbacks
):
    structure = _structure_de(agent)
    client.force_login(agent)
    url = reverse("habilitations:compte_abonnement_demander", args=[structure.pk])
    assert client.get(url, {"espace": "FACTURES_RECUES"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "application": "FACTURES_RECUES",
                "niveau": "CONSULTATION",
                "service": "",
                "commentaire": "Pour le suivi des paiements.",
            },
        )
    assert response.status_code == 302
    demande = DemandeHabilitation.objects.get(utilisateur=agent)
    assert (demande.application, demande.niveau, demande.statut, demande.service) == (
        "FACTURES_RECUES",
        "CONSULTATION",
        "EN_ATTENTE",
        None,
    )
    [mail] = mailoutbox
    assert mail.to == [structure.gestionnaire_principal.email_contact]
    assert "Factures reçues" in mail.subject
    assert "Pour le suivi des paiements." in mail.body
    page = client.get(reverse("habilitations:mes_abonnements"))
    assert "En attente d'approbation" in contenu(page)


def test_une_demande_d_espace_en_double_est_refusee(
    client, agent, mailoutbox, django_capture_on_commit_callbacks
):
    structure = _structure_de(agent)
    DemandeHabilitation.objects.create(
        utilisateur=agent, structure=structure, application="FACTURES_RECUES", niveau="CONSULTATION"
    )
    client.force_login(agent)
    url = reverse("habilitations:compte_abonnement_demander", args=[structure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"application": "FACTURES_RECUES", "niveau": "MODIFICATION"})
    assert response.context["form"].errors["application"] == [
        "Vous avez déjà une demande en attente pour cet espace."
    ]
    assert DemandeHabilitation.objects.count() == 1
    assert mailoutbox == []


def test_un_espace_deja_detenu_a_ce_niveau_est_refuse(client, agent):
    structure = _structure_de(agent)
    client.force_login(agent)
    url = reverse("habilitations:compte_abonnement_demander", args=[structure.pk])
    response = client.post(url, {"application": "FACTURES_EMISES", "niveau": "CONSULTATION"})
    assert "Vous disposez déjà de cet espace" in response.context["form"].errors["niveau"][0]
    assert not DemandeHabilitation.objects.exists()


def test_un_espace_que_la_structure_n_ouvre_pas_est_refuse(client):
    structure = StructureFactory()  # private: no Factures reçues
    user = UtilisateurFactory()
    rattacher(user, structure)
    client.force_login(user)
    url = reverse("habilitations:compte_abonnement_demander", args=[structure.pk])
    response = client.post(url, {"application": "FACTURES_RECUES", "niveau": "CONSULTATION"})
    assert "Sélectionnez un choix valide" in response.context["form"].errors["application"][0]
    assert not DemandeHabilitation.objects.exists()


def test_rattache_a_un_service_je_demande_pour_ce_service(client):
    structure = StructureFactory(publique=True)
    service = ServiceFactory(structure=structure)
    autre_service = ServiceFactory(structure=structure)
    user = UtilisateurFactory()
    rattacher(user, structure, service=service)
    client.force_login(user)
    url = reverse("habilitations:compte_abonnement_demander", args=[structure.pk])
    donnees = {"application": "FACTURES_RECUES", "niveau": "CONSULTATION"}
    assert "service" in client.post(url, {**donnees, "service": ""}).context["form"].errors
    refuse = client.post(url, {**donnees, "service": autre_service.pk})
    assert "service" in refuse.context["form"].errors
    assert not DemandeHabilitation.objects.exists()
    assert client.post(url, {**donnees, "service": service.pk}).status_code == 302
    assert DemandeHabilitation.objects.get().service == service


def test_demander_un_espace_d_une_structure_etrangere(client, agent):
    etrangere = StructureFactory(publique=True)
    client.force_login(agent)
    url = reverse("habilitations:compte_abonnement_demander", args=[etrangere.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"application": "FACTURES_RECUES"}).status_code == 404
    en_attente = StructureFactory(publique=True)
    Rattachement.objects.create(utilisateur=agent, structure=en_attente)
    url = reverse("habilitations:compte_abonnement_demander", args=[en_attente.pk])
    assert client.get(url).status_code == 404
    assert not DemandeHabilitation.objects.exists()


def test_annuler_ma_demande_d_espace(client, agent):
    demande = DemandeHabilitation.objects.create(
        utilisateur=agent,
        structure=_structure_de(agent),
        application="FACTURES_RECUES",
        niveau="CONSULTATION",
    )
    url = reverse("habilitations:compte_abonnement_annuler", args=[demande.pk])
    client.force_login(UtilisateurFactory())
    assert client.post(url).status_code == 404
    client.force_login(agent)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Votre demande d'habilitation est annulée." in messages_de(response)
    demande.refresh_from_db()
    assert demande.statut == "ANNULEE"
    again = client.post(url, follow=True)
    assert "Action impossible" in messages_de(again)[0]


def test_l_historique_de_mes_demandes_est_pagine(client, agent):
    structure = _structure_de(agent)
    DemandeHabilitation.objects.bulk_create(
        DemandeHabilitation(
            utilisateur=agent,
            structure=structure,
            application="FACTURES_RECUES",
            niveau="CONSULTATION",
            statut="REFUSEE",
        )
        for _ in range(21)
    )
    client.force_login(agent)
    page = client.get(reverse("habilitations:mes_abonnements"))
    assert len(page.context["page"].object_list) == 20
    assert page.context["page"].paginator.num_pages == 2


# --- Deactivate my account ----------------------------------------------------------------


def test_desactiver_mon_compte(client):
    user = UtilisateurFactory()
    client.force_login(user)
    url = reverse("habilitations:compte_desactiver")
    assert client.get(url).status_code == 200
    response = client.post(url, {"mot_de_passe": MOT_DE_PASSE}, follow=True)
    assert "Votre compte est désactivé. Vous êtes déconnecté." in messages_de(response)
    user.refresh_from_db()
    assert user.is_active is False
    assert user.desactive_le is not None
    assert "_auth_user_id" not in client.session
    # He cannot sign in any more.
    connexion = client.post(
        reverse("habilitations:connexion"), {"username": user.email, "password": MOT_DE_PASSE}
    )
    assert connexion.status_code == 200
    assert "_auth_user_id" not in client.session


def test_desactiver_avec_un_mauvais_mot_de_passe(client):
    user = UtilisateurFactory()
    client.force_login(user)
    response = client.post(reverse("habilitations:compte_desactiver"), {"mot_de_passe": "faux"})
    assert response.context["form"].errors["mot_de_passe"] == ["Mot de passe incorrect."]
    user.refresh_from_db()
    assert user.is_active is True


def test_un_gp_doit_transferer_son_role_avant_de_desactiver(client):
    structure = StructureFactory(raison_sociale="Atelier Dupont")
    gp = UtilisateurFactory(gestionnaire_de=structure)
    client.force_login(gp)
    url = reverse("habilitations:compte_desactiver")
    assert "Transférez d'abord ce rôle" in contenu(client.get(url))
    response = client.post(url, {"mot_de_passe": MOT_DE_PASSE})
    assert "Atelier Dupont" in response.context["form"].non_field_errors()[0]
    gp.refresh_from_db()
    assert gp.is_active is True and gp.desactive_le is None


def test_desactiver_refuse_les_autres_methodes(client):
    client.force_login(UtilisateurFactory())
    assert client.put(reverse("habilitations:compte_desactiver")).status_code == 405
