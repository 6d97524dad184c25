"""Requests to support: filing (create a public structure, deactivate a structure, reassign a
gone GP), following and cancelling them, and the support desk where agents accept or refuse."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from chorus.models import Notification
from chorus.workflow import ActionImpossible
from habilitations import acces
from habilitations.enums import APPLICATIONS_PAR_DEFAUT, Application, Niveau
from habilitations.models import Habilitation, Rattachement, Utilisateur
from structures.enums import CategorieStructure, StatutDemandeStructure, StatutStructure
from structures.enums import TypeDemandeStructure as Type
from structures.models import DemandeStructure, DemandeStructureHistorique, Service, Structure
from structures.services import support as services
from tests.habilitations.factories import (
    HabilitationFactory,
    RattachementFactory,
    UtilisateurFactory,
)
from tests.structures.factories import StructureFactory, siret_valide

pytestmark = pytest.mark.django_db

S = StatutDemandeStructure
NOUVEAU_SIRET = siret_valide(700001)


# --- Helpers ------------------------------------------------------------------------------


@pytest.fixture
def agent():
    return UtilisateurFactory(est_agent_support=True)


@pytest.fixture
def demandeur():
    return UtilisateurFactory()


@pytest.fixture
def structure():
    return StructureFactory(publique=True)


@pytest.fixture
def gp(structure):
    return UtilisateurFactory(gestionnaire_de=structure)


def rattache(structure, **kwargs):
    user = UtilisateurFactory(**kwargs)
    RattachementFactory(utilisateur=user, structure=structure, statut="ACTIF")
    return user


def demande_creation(demandeur, identifiant=NOUVEAU_SIRET, **kwargs):
    return services.demande_creation_structure_deposer(
        demandeur=demandeur,
        type_identifiant="SIRET",
        identifiant=identifiant,
        raison_sociale=kwargs.pop("raison_sociale", "Commune de Sainte-Foy"),
        adresse="1 place de la Mairie",
        code_postal="69110",
        ville="Sainte-Foy-lès-Lyon",
        commentaire="Nouvelle commune",
        **kwargs,
    )


def statut_en_base(demande):
    return DemandeStructure.objects.values_list("statut", flat=True).get(pk=demande.pk)


def traiter(client, demande, follow=False, **data):
    url = reverse("structures:support_demande_traiter", args=[demande.pk])
    return client.post(url, data, follow=follow)


def messages_de(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Filing a creation request -----------------------------------------------------------

URL_CREATION = reverse("structures:demande_creation_structure")


def donnees_creation(**kwargs):
    return {
        "type_identifiant": "SIRET",
        "identifiant": " ".join([NOUVEAU_SIRET[:3], NOUVEAU_SIRET[3:6], NOUVEAU_SIRET[6:]]),
        "raison_sociale": "Commune de Sainte-Foy",
        "adresse": "1 place de la Mairie",
        "code_postal": "69110",
        "ville": "Sainte-Foy-lès-Lyon",
        "pays": "fr",
        "commentaire": "Nouvelle commune",
        **kwargs,
    }


def test_un_utilisateur_demande_la_creation_d_une_structure_publique(client, demandeur):
    client.force_login(demandeur)
    assert client.get(URL_CREATION).status_code == 200

    response = client.post(URL_CREATION, donnees_creation())

    assert response.status_code == 302
    assert response["Location"] == reverse("structures:mes_demandes")
    demande = DemandeStructure.objects.get()
    assert demande.type_demande == Type.CREATION_STRUCTURE_PUBLIQUE
    assert demande.demandeur == demandeur
    assert demande.statut == S.EN_ATTENTE
    assert demande.commentaire == "Nouvelle commune"
    assert demande.donnees["identifiant"] == NOUVEAU_SIRET  # spaces removed
    assert demande.donnees["raison_sociale"] == "Commune de Sainte-Foy"
    assert demande.donnees["pays"] == "FR"
    page = client.get(reverse("structures:mes_demandes")).content.decode()
    assert "En attente de traitement" in page
    assert "Commune de Sainte-Foy" in page


def test_un_siret_invalide_est_refuse_sur_le_champ(client, demandeur):
    client.force_login(demandeur)
    response = client.post(URL_CREATION, donnees_creation(identifiant="12345678901234"))
    assert response.status_code == 200
    assert "clé de contrôle" in response.context["form"].errors["identifiant"][0]
    assert not DemandeStructure.objects.exists()


def test_une_structure_existante_renvoie_vers_le_rattachement(client, demandeur):
    StructureFactory(identifiant=NOUVEAU_SIRET)
    client.force_login(demandeur)
    response = client.post(URL_CREATION, donnees_creation())
    assert response.status_code == 200
    assert "rattaché" in response.context["form"].errors["identifiant"][0]
    assert not DemandeStructure.objects.exists()


def test_un_identifiant_deja_demande_par_un_autre_compte_est_refuse(client, demandeur):
    demande_creation(UtilisateurFactory())
    client.force_login(demandeur)
    response = client.post(URL_CREATION, donnees_creation())
    assert "déjà en attente" in response.context["form"].errors["identifiant"][0]
    assert DemandeStructure.objects.count() == 1


def test_un_champ_obligatoire_manquant_est_signale(client, demandeur):
    client.force_login(demandeur)
    response = client.post(URL_CREATION, donnees_creation(raison_sociale=""))
    assert response.context["form"].errors["raison_sociale"]
    assert not DemandeStructure.objects.exists()


def test_la_demande_de_creation_refuse_les_autres_methodes(client, demandeur):
    client.force_login(demandeur)
    assert client.put(URL_CREATION).status_code == 405


def test_un_visiteur_anonyme_est_envoye_a_la_connexion(client):
    response = client.post(URL_CREATION, donnees_creation())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("habilitations:connexion"))
    assert not DemandeStructure.objects.exists()


# --- Filing a deactivation request -------------------------------------------------------


def url_desactivation(structure):
    return reverse("structures:demande_desactivation", args=[structure.pk])


def test_le_gp_demande_la_desactivation_de_sa_structure(client, structure, gp):
    client.force_login(gp)
    assert client.get(url_desactivation(structure)).status_code == 200
    response = client.post(url_desactivation(structure), {"motif": "Fusion de communes"})
    assert response.status_code == 302
    demande = DemandeStructure.objects.get()
    assert demande.type_demande == Type.DESACTIVATION_STRUCTURE
    assert demande.structure == structure
    assert demande.commentaire == "Fusion de communes"


def test_la_desactivation_demande_un_motif(client, structure, gp):
    client.force_login(gp)
    response = client.post(url_desactivation(structure), {"motif": ""})
    assert response.context["form"].errors["motif"]
    assert not DemandeStructure.objects.exists()


def test_une_seconde_demande_de_desactivation_en_attente_est_refusee(client, structure, gp):
    client.force_login(gp)
    client.post(url_desactivation(structure), {"motif": "Fusion"})
    response = client.post(url_desactivation(structure), {"motif": "Encore"})
    assert "déjà en attente" in response.context["form"].errors["motif"][0]
    assert DemandeStructure.objects.count() == 1


def test_un_utilisateur_en_consultation_ne_peut_pas_demander_la_desactivation(client, structure):
    user = rattache(structure)
    HabilitationFactory(
        utilisateur=user,
        structure=structure,
        application=Application.ORGANISATION,
        niveau=Niveau.CONSULTATION,
    )
    client.force_login(user)
    assert client.post(url_desactivation(structure), {"motif": "x"}).status_code == 403
    assert not DemandeStructure.objects.exists()


@pytest.mark.parametrize("persona", ["etranger", "agent"])
def test_un_etranger_ou_un_agent_ne_voit_pas_la_structure(client, structure, persona):
    user = UtilisateurFactory(est_agent_support=persona == "agent")
    UtilisateurFactory(gestionnaire_de=StructureFactory())
    client.force_login(user)
    assert client.post(url_desactivation(structure), {"motif": "x"}).status_code == 404
    assert not DemandeStructure.objects.exists()


def test_la_demande_de_desactivation_refuse_les_autres_methodes(client, structure, gp):
    client.force_login(gp)
    assert client.delete(url_desactivation(structure)).status_code == 405


# --- Filing a GP reassignment request ----------------------------------------------------


def url_reaffectation(structure):
    return reverse("structures:demande_reaffectation_gp", args=[structure.pk])


@pytest.fixture
def structure_sans_gp(structure):
    """A structure whose GP has deactivated his account."""
    ancien = UtilisateurFactory(gestionnaire_de=structure)
    ancien.is_active = False
    ancien.save()
    return structure


def test_un_rattache_se_propose_comme_nouveau_gp(client, structure_sans_gp):
    user = rattache(structure_sans_gp)
    client.force_login(user)
    page = client.get(url_reaffectation(structure_sans_gp))
    assert page.status_code == 200
    assert page.context["form"]["gestionnaire_propose"].value() == user.pk

    response = client.post(
        url_reaffectation(structure_sans_gp),
        {"gestionnaire_propose": user.pk, "commentaire": "Le GP est parti à la retraite"},
    )

    assert response.status_code == 302
    demande = DemandeStructure.objects.get()
    assert demande.type_demande == Type.REAFFECTATION_GESTIONNAIRE
    assert demande.structure == structure_sans_gp
    assert demande.donnees["gestionnaire_propose"] == user.pk
    assert demande.commentaire == "Le GP est parti à la retraite"


def test_un_rattache_peut_proposer_un_autre_utilisateur_actif_rattache(client, structure):
    user = rattache(structure)
    collegue = rattache(structure)
    client.force_login(user)  # the structure has no GP at all
    response = client.post(url_reaffectation(structure), {"gestionnaire_propose": collegue.pk})
    assert response.status_code == 302
    assert DemandeStructure.objects.get().donnees["gestionnaire_propose"] == collegue.pk


@pytest.mark.parametrize("cas", ["non_rattache", "inactif"])
def test_le_gp_propose_doit_etre_actif_et_rattache(client, structure_sans_gp, cas):
    user = rattache(structure_sans_gp)
    if cas == "inactif":
        propose = rattache(structure_sans_gp, is_active=False)
    else:
        propose = UtilisateurFactory()
    client.force_login(user)
    response = client.post(
        url_reaffectation(structure_sans_gp), {"gestionnaire_propose": propose.pk}
    )
    assert response.context["form"].errors["gestionnaire_propose"]
    assert not DemandeStructure.objects.exists()


def test_pas_de_reaffectation_quand_le_gp_est_actif(client, structure, gp):
    user = rattache(structure)
    client.force_login(user)
    response = client.post(url_reaffectation(structure), {"gestionnaire_propose": user.pk})
    assert response.status_code == 403
    assert not DemandeStructure.objects.exists()


def test_un_etranger_ne_voit_pas_la_reaffectation(client, structure_sans_gp):
    client.force_login(UtilisateurFactory())
    assert client.get(url_reaffectation(structure_sans_gp)).status_code == 404


# --- Following and cancelling -------------------------------------------------------------


def test_mes_demandes_ne_montre_que_les_miennes_avec_le_motif_du_refus(
    client, demandeur, agent, django_assert_max_num_queries
):
    refusee = demande_creation(demandeur)
    services.demande_refuser(demande=refusee, acting_user=agent, motif="Pièces manquantes")
    demande_creation(UtilisateurFactory(), identifiant=siret_valide(700002), raison_sociale="Zut")
    client.force_login(demandeur)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("structures:mes_demandes"))
    page = response.content.decode()
    assert "Refusée" in page
    assert "Pièces manquantes" in page
    assert "Zut" not in page


def test_mes_demandes_propose_les_demandes_possibles_sur_mes_structures(client, structure_sans_gp):
    user = rattache(structure_sans_gp)
    client.force_login(user)
    page = client.get(reverse("structures:mes_demandes")).content.decode()
    assert url_reaffectation(structure_sans_gp) in page
    assert url_desactivation(structure_sans_gp) not in page


def test_le_demandeur_annule_sa_demande_apres_confirmation(client, demandeur):
    demande = demande_creation(demandeur)
    url = reverse("structures:demande_annuler", args=[demande.pk])
    client.force_login(demandeur)
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Voulez-vous vraiment annuler" in confirmation.content.decode()
    assert statut_en_base(demande) == S.EN_ATTENTE

    response = client.post(url)

    assert response.status_code == 302
    assert statut_en_base(demande) == S.ANNULEE
    [ligne] = DemandeStructureHistorique.objects.filter(objet=demande)
    assert ligne.acteur == demandeur
    assert ligne.action == "ANNULER"


def test_on_ne_peut_pas_annuler_la_demande_d_un_autre(client, demandeur):
    demande = demande_creation(demandeur)
    client.force_login(UtilisateurFactory())
    response = client.post(reverse("structures:demande_annuler", args=[demande.pk]))
    assert response.status_code == 404
    assert statut_en_base(demande) == S.EN_ATTENTE


def test_on_ne_peut_pas_annuler_une_demande_deja_traitee(client, demandeur, agent):
    demande = demande_creation(demandeur)
    services.demande_refuser(demande=demande, acting_user=agent, motif="Non")
    client.force_login(demandeur)
    url = reverse("structures:demande_annuler", args=[demande.pk])
    response = client.post(url, follow=True)
    assert any("déjà été effectuée" in m for m in messages_de(response))
    assert statut_en_base(demande) == S.REFUSEE
    assert client.get(url).status_code == 302  # no confirmation page any more


def test_l_annulation_refuse_les_autres_methodes(client, demandeur):
    demande = demande_creation(demandeur)
    client.force_login(demandeur)
    assert client.put(reverse("structures:demande_annuler", args=[demande.pk])).status_code == 405


# --- The desk -----------------------------------------------------------------------------

URL_DESK = reverse("structures:support")


@pytest.mark.parametrize("persona", ["simple", "gp", "staff"])
def test_le_desk_n_existe_pas_pour_qui_n_est_pas_agent(client, structure, persona):
    user = {
        "simple": lambda: rattache(structure),
        "gp": lambda: UtilisateurFactory(gestionnaire_de=structure),
        "staff": lambda: UtilisateurFactory(is_staff=True),
    }[persona]()
    demande = demande_creation(user)
    client.force_login(user)
    assert client.get(URL_DESK).status_code == 404
    assert client.get(reverse("structures:support_demande", args=[demande.pk])).status_code == 404
    assert traiter(client, demande, action="ACCEPTER").status_code == 404
    assert statut_en_base(demande) == S.EN_ATTENTE


def test_le_menu_de_l_agent_mene_au_desk(client, agent):
    client.force_login(agent)
    page = client.get(reverse("accueil")).content.decode()
    assert URL_DESK in page


def test_le_desk_liste_les_demandes_en_attente_d_abord(client, agent, demandeur):
    traitee = demande_creation(demandeur, raison_sociale="Ancienne traitée")
    services.demande_refuser(demande=traitee, acting_user=agent, motif="Non")
    en_attente = demande_creation(
        demandeur, identifiant=siret_valide(700003), raison_sociale="En attente"
    )
    client.force_login(agent)
    response = client.get(URL_DESK)
    assert response.status_code == 200
    assert [d.pk for d in response.context["demandes"]] == [en_attente.pk, traitee.pk]


def test_le_desk_filtre_par_type_et_par_statut(client, agent, demandeur, structure, gp):
    creation = demande_creation(demandeur)
    desactivation = services.demande_desactivation_deposer(
        demandeur=gp, structure=structure, motif="Fusion"
    )
    services.demande_refuser(demande=desactivation, acting_user=agent, motif="Non")
    client.force_login(agent)

    par_type = client.get(URL_DESK, {"type_demande": Type.DESACTIVATION_STRUCTURE})
    assert [d.pk for d in par_type.context["demandes"]] == [desactivation.pk]
    par_statut = client.get(URL_DESK, {"statut": S.EN_ATTENTE})
    assert [d.pk for d in par_statut.context["demandes"]] == [creation.pk]
    assert client.get(URL_DESK, {"statut": "INCONNU"}).status_code == 200


@pytest.mark.parametrize("recherche", [NOUVEAU_SIRET[:9], "sainte-foy", "CHERCHE-MOI@exemple"])
def test_le_desk_cherche_par_identifiant_raison_sociale_ou_email(client, agent, recherche):
    trouvee = demande_creation(UtilisateurFactory(email="cherche-moi@exemple.fr"))
    demande_creation(
        UtilisateurFactory(), identifiant=siret_valide(700004), raison_sociale="Autre ville"
    )
    client.force_login(agent)
    response = client.get(URL_DESK, {"q": recherche})
    assert [d.pk for d in response.context["demandes"]] == [trouvee.pk]


def test_le_desk_pagine_trie_et_reste_sobre_en_requetes(
    client, agent, django_assert_max_num_queries
):
    demandes = [
        demande_creation(
            UtilisateurFactory(), identifiant=siret_valide(710000 + i), raison_sociale=f"C{i}"
        )
        for i in range(25)
    ]
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        page1 = client.get(URL_DESK)
    assert len(page1.context["demandes"]) == 20
    assert page1.context["demandes"][0].pk == demandes[-1].pk  # newest first
    with django_assert_max_num_queries(8):
        page2 = client.get(URL_DESK, {"page": 2})
    assert len(page2.context["demandes"]) == 5
    anciennes = client.get(URL_DESK, {"tri": "ancien"})
    assert anciennes.context["demandes"][0].pk == demandes[0].pk


def test_la_page_d_une_demande_montre_ses_donnees_et_son_historique(client, agent, demandeur):
    demande = demande_creation(demandeur)
    services.demande_refuser(demande=demande, acting_user=agent, motif="Pièces manquantes")
    client.force_login(agent)
    response = client.get(reverse("structures:support_demande", args=[demande.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert NOUVEAU_SIRET in page
    assert demandeur.email in page
    assert "Pièces manquantes" in page
    assert agent.email in page
    assert "Refuser" in page


# --- Accepting and refusing ---------------------------------------------------------------


def test_traiter_refuse_get(client, agent, demandeur):
    demande = demande_creation(demandeur)
    client.force_login(agent)
    url = reverse("structures:support_demande_traiter", args=[demande.pk])
    assert client.get(url).status_code == 405


def test_accepter_une_creation_cree_la_structure_publique_et_son_gp(
    client, agent, demandeur, django_capture_on_commit_callbacks, mailoutbox
):
    demande = demande_creation(demandeur)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, demande, action="ACCEPTER")

    assert response.status_code == 302
    assert statut_en_base(demande) == S.ACCEPTEE
    structure = Structure.objects.get(identifiant=NOUVEAU_SIRET)
    assert structure.categorie == CategorieStructure.PUBLIQUE
    assert structure.raison_sociale == "Commune de Sainte-Foy"
    assert structure.ville == "Sainte-Foy-lès-Lyon"
    assert structure.gestionnaire_principal == demandeur
    service = Service.objects.get(structure=structure)
    assert (service.code, service.libelle) == ("DEFAUT", "Service par défaut")
    assert Rattachement.objects.filter(
        utilisateur=demandeur, structure=structure, statut="ACTIF"
    ).exists()
    assert sorted(
        Habilitation.objects.filter(utilisateur=demandeur, structure=structure).values_list(
            "application", flat=True
        )
    ) == sorted(APPLICATIONS_PAR_DEFAUT)
    assert DemandeStructure.objects.get(pk=demande.pk).structure == structure
    demandeur = Utilisateur.objects.get(pk=demandeur.pk)
    assert acces.est_gestionnaire(demandeur, structure)
    [mail] = mailoutbox
    assert mail.to == [demandeur.email]
    assert "acceptée" in mail.subject
    assert "Commune de Sainte-Foy" in mail.body
    assert Notification.objects.filter(
        destinataire=demandeur, evenement__type="structures.demande_traitee"
    ).exists()
    client.force_login(demandeur)
    accueil = client.get(reverse("accueil")).content.decode()
    assert "demande acceptée par le support" in accueil


def test_une_creation_dont_l_identifiant_a_ete_pris_entre_temps_ne_change_rien(
    client, agent, demandeur, django_capture_on_commit_callbacks, mailoutbox
):
    demande = demande_creation(demandeur)
    StructureFactory(identifiant=NOUVEAU_SIRET, raison_sociale="Arrivée entre-temps")
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, demande, action="ACCEPTER")
    assert response.status_code == 302
    suivie = client.get(response["Location"])
    assert any("existe déjà" in m for m in messages_de(suivie))
    assert statut_en_base(demande) == S.EN_ATTENTE
    assert not DemandeStructureHistorique.objects.exists()
    assert Structure.objects.filter(identifiant=NOUVEAU_SIRET).count() == 1
    assert not Service.objects.exists()
    assert mailoutbox == []


def test_accepter_une_desactivation_rend_la_structure_inactive_sans_priver_de_consultation(
    client, agent, structure, gp, django_capture_on_commit_callbacks, mailoutbox
):
    user = rattache(structure)
    HabilitationFactory(utilisateur=user, structure=structure, application="FACTURES_RECUES")
    demande = services.demande_desactivation_deposer(
        demandeur=gp, structure=structure, motif="Fusion"
    )
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        traiter(client, demande, action="ACCEPTER")
    structure.refresh_from_db()
    assert structure.statut == StatutStructure.INACTIVE
    user = Utilisateur.objects.get(pk=user.pk)
    assert acces.can(user, "FACTURES_RECUES", Niveau.CONSULTATION, structure)
    assert not acces.can(user, "FACTURES_RECUES", Niveau.MODIFICATION, structure)
    [mail] = mailoutbox
    assert mail.to == [gp.email]
    assert "Désactivation" in mail.body


def test_accepter_une_reaffectation_change_le_gp(
    client, agent, structure_sans_gp, django_capture_on_commit_callbacks, mailoutbox
):
    user = rattache(structure_sans_gp)
    demande = services.demande_reaffectation_gp_deposer(
        demandeur=user, structure=structure_sans_gp, gestionnaire_propose=user
    )
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        traiter(client, demande, action="ACCEPTER")
    structure_sans_gp.refresh_from_db()
    assert structure_sans_gp.gestionnaire_principal == user
    assert statut_en_base(demande) == S.ACCEPTEE
    [mail] = mailoutbox
    assert mail.to == [user.email]


def test_une_reaffectation_vers_un_compte_desactive_entre_temps_ne_change_rien(
    client, agent, structure_sans_gp, django_capture_on_commit_callbacks, mailoutbox
):
    ancien_gp = structure_sans_gp.gestionnaire_principal
    user = rattache(structure_sans_gp)
    collegue = rattache(structure_sans_gp)
    demande = services.demande_reaffectation_gp_deposer(
        demandeur=user, structure=structure_sans_gp, gestionnaire_propose=collegue
    )
    collegue.is_active = False
    collegue.save()
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, demande, action="ACCEPTER", follow=True)
    assert any("plus de compte actif" in m for m in messages_de(response))
    structure_sans_gp.refresh_from_db()
    assert structure_sans_gp.gestionnaire_principal == ancien_gp
    assert statut_en_base(demande) == S.EN_ATTENTE
    assert mailoutbox == []


def test_refuser_demande_un_motif_et_ne_change_rien_sans_lui(client, agent, demandeur, mailoutbox):
    demande = demande_creation(demandeur)
    client.force_login(agent)
    response = traiter(client, demande, action="REFUSER", motif="  ")
    assert response.status_code == 200
    assert response.context["form"].errors["motif"]
    assert statut_en_base(demande) == S.EN_ATTENTE
    assert mailoutbox == []


def test_refuser_avec_un_motif_previent_le_demandeur(
    client, agent, demandeur, django_capture_on_commit_callbacks, mailoutbox
):
    demande = demande_creation(demandeur)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, demande, action="REFUSER", motif="Pièces manquantes")
    assert response.status_code == 302
    assert statut_en_base(demande) == S.REFUSEE
    [ligne] = DemandeStructureHistorique.objects.filter(objet=demande)
    assert (ligne.acteur, ligne.motif) == (agent, "Pièces manquantes")
    assert not Structure.objects.filter(identifiant=NOUVEAU_SIRET).exists()
    [mail] = mailoutbox
    assert "refusée" in mail.subject
    assert "Pièces manquantes" in mail.body


def test_une_decision_inconnue_est_signalee(client, agent, demandeur):
    demande = demande_creation(demandeur)
    client.force_login(agent)
    response = traiter(client, demande, action="SUPPRIMER")
    assert response.context["form"].errors["action"]
    assert statut_en_base(demande) == S.EN_ATTENTE


def test_une_demande_deja_traitee_ne_peut_pas_l_etre_une_seconde_fois(
    client, agent, demandeur, django_capture_on_commit_callbacks, mailoutbox
):
    demande = demande_creation(demandeur)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        traiter(client, demande, action="ACCEPTER")
        response = traiter(client, demande, action="REFUSER", motif="Trop tard", follow=True)
    assert any("déjà été effectuée" in m for m in messages_de(response))
    assert statut_en_base(demande) == S.ACCEPTEE
    assert DemandeStructureHistorique.objects.filter(objet=demande).count() == 1
    assert len(mailoutbox) == 1


def test_une_demande_annulee_ne_peut_plus_etre_acceptee(client, agent, demandeur):
    demande = demande_creation(demandeur)
    services.demande_annuler(demande=demande, acting_user=demandeur)
    client.force_login(agent)
    traiter(client, demande, action="ACCEPTER")
    assert statut_en_base(demande) == S.ANNULEE
    assert not Structure.objects.filter(identifiant=NOUVEAU_SIRET).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_agents_qui_acceptent_en_meme_temps_n_acceptent_qu_une_fois():
    demandeur = UtilisateurFactory()
    agents = [UtilisateurFactory(est_agent_support=True) for _ in range(2)]
    demande = demande_creation(demandeur)
    depart = threading.Barrier(2, timeout=30)
    resultats = []

    def accepter(agent_pk):
        try:
            copie = DemandeStructure.objects.get(pk=demande.pk)
            acteur = Utilisateur.objects.get(pk=agent_pk)
            depart.wait()
            try:
                services.demande_accepter(demande=copie, acting_user=acteur)
                resultats.append("acceptée")
            except ActionImpossible as erreur:
                resultats.append(erreur)
        except Exception as erreur:  # surfaced by the assertions below
            resultats.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=accepter, args=(a.pk,)) for a in agents]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils)

    assert sorted(map(type, resultats), key=lambda t: t.__name__) == [ActionImpossible, str]
    [erreur] = [r for r in resultats if isinstance(r, ActionImpossible)]
    assert "déjà été effectuée" in str(erreur.message)
    assert statut_en_base(demande) == S.ACCEPTEE
    assert DemandeStructureHistorique.objects.filter(objet=demande).count() == 1
    assert Structure.objects.filter(identifiant=NOUVEAU_SIRET).count() == 1
    assert Service.objects.filter(structure__identifiant=NOUVEAU_SIRET).count() == 1


def test_la_page_d_une_reaffectation_montre_le_gp_parti_et_le_gp_propose(
    client, agent, structure_sans_gp
):
    user = rattache(structure_sans_gp)
    demande = services.demande_reaffectation_gp_deposer(
        demandeur=user, structure=structure_sans_gp, gestionnaire_propose=user
    )
    client.force_login(agent)
    response = client.get(reverse("structures:support_demande", args=[demande.pk]))
    page = response.content.decode()
    assert response.context["propose"] == user
    assert structure_sans_gp.gestionnaire_principal.email in page
    assert "compte inactif" in page
    assert 'value="ACCEPTER"' in page
    assert 'value="REFUSER"' in page


def test_mes_demandes_propose_au_gp_la_desactivation_et_le_changement_de_siret(
    client, structure, gp
):
    client.force_login(gp)
    page = client.get(reverse("structures:mes_demandes")).content.decode()
    assert url_desactivation(structure) in page
    assert reverse("structures:changement_siret", args=[structure.pk]) in page
    assert url_reaffectation(structure) not in page
