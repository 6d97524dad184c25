"""The Approbations queue of a structure: its gestionnaires approve or refuse attachment and
habilitation requests, one by one or in bulk; the requester is e-mailed."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from chorus.models import Notification
from habilitations.enums import APPLICATIONS_PAR_DEFAUT, Application, Niveau
from habilitations.models import (
    DemandeHabilitation,
    DemandeHabilitationHistorique,
    Habilitation,
    Rattachement,
    RattachementHistorique,
    Utilisateur,
)
from habilitations.services import gestion as services
from tests.habilitations.factories_gestion import (
    consultant,
    demande_habilitation,
    demande_rattachement,
    gestionnaire,
    habiliter,
    structure_et_gp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    structure, service, gp = structure_et_gp()
    return structure, service, gp


@pytest.fixture
def structure(monde):
    return monde[0]


@pytest.fixture
def service(monde):
    return monde[1]


@pytest.fixture
def gp(monde):
    return monde[2]


def url_liste(structure):
    return reverse("habilitations:approbations", args=[structure.pk])


def url_traiter(structure):
    return reverse("habilitations:approbation_traiter", args=[structure.pk])


def jeton(demande):
    nature = "rattachement" if isinstance(demande, Rattachement) else "habilitation"
    return f"{nature}-{demande.pk}"


def traiter(client, structure, *demandes, decision="APPROUVER", commentaire="", groupe=False):
    donnees = {
        "demandes": [jeton(d) for d in demandes],
        "decision": decision,
        "commentaire": commentaire,
    }
    if groupe:
        donnees["groupe"] = "1"
    return client.post(url_traiter(structure), donnees)


def statut(demande):
    return type(demande).objects.values_list("statut", flat=True).get(pk=demande.pk)


def messages_de(response):
    return [str(m) for m in response.wsgi_request._messages]


# --- The queue ----------------------------------------------------------------------------------


def test_la_file_montre_les_deux_sortes_de_demandes_la_plus_ancienne_d_abord(
    client, structure, service, gp, django_assert_max_num_queries
):
    recente = demande_rattachement(structure, service, prenom="Rémi", nom="Récent")
    ancienne = demande_habilitation(
        structure,
        application=Application.FACTURES_TRAVAUX,
        niveau=Niveau.CONSULTATION,
        il_y_a=timedelta(days=3),
    )
    demande_rattachement(structure, statut="REFUSE", prenom="Déjà", nom="Traité")
    ailleurs = demande_rattachement(structure_et_gp()[0], prenom="Autre", nom="Ailleurs")
    client.force_login(gp)

    with django_assert_max_num_queries(10):
        response = client.get(url_liste(structure))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert contenu.index(ancienne.utilisateur.email) < contenu.index(recente.utilisateur.email)
    assert "Factures de travaux — Consultation" in contenu
    assert service.libelle in contenu
    assert "Je travaille à la comptabilité." in contenu
    assert ailleurs.utilisateur.email not in contenu
    assert "Traité" not in contenu
    assert "2 demandes en attente" in contenu
    assert contenu.count('name="decision" value="APPROUVER"') == 3  # two rows, one bulk form


def test_la_file_est_paginee_et_reste_sobre_en_requetes(
    client, structure, gp, django_assert_max_num_queries
):
    for i in range(25):
        demande_rattachement(structure, il_y_a=timedelta(minutes=100 - i))
    client.force_login(gp)

    with django_assert_max_num_queries(10):
        page1 = client.get(url_liste(structure)).content.decode()
    with django_assert_max_num_queries(10):
        page2 = client.get(url_liste(structure) + "?page=2").content.decode()

    assert page1.count('class="fr-checkbox-group') == 20
    assert page2.count('class="fr-checkbox-group') == 5
    assert "25 demandes en attente" in page1


def test_en_consultation_on_voit_la_file_sans_pouvoir_la_traiter(client, structure):
    demande = demande_rattachement(structure)
    lecteur = consultant(structure)
    client.force_login(lecteur)

    contenu = client.get(url_liste(structure)).content.decode()
    assert demande.utilisateur.email in contenu
    assert "Approuver" not in contenu

    assert traiter(client, structure, demande).status_code == 403
    assert statut(demande) == "EN_ATTENTE"


def test_un_etranger_a_la_structure_recoit_404(client, structure):
    demande = demande_rattachement(structure)
    _autre, _service, etranger = structure_et_gp()
    client.force_login(etranger)

    assert client.get(url_liste(structure)).status_code == 404
    assert traiter(client, structure, demande).status_code == 404
    assert statut(demande) == "EN_ATTENTE"


def test_traiter_n_accepte_que_post(client, structure, gp):
    demande = demande_rattachement(structure)
    client.force_login(gp)

    assert client.get(url_traiter(structure)).status_code == 405
    assert client.post(url_liste(structure)).status_code == 405
    assert statut(demande) == "EN_ATTENTE"


def test_une_demande_d_une_autre_structure_est_introuvable(client, structure, gp):
    autre_structure, _service, _gp = structure_et_gp()
    ailleurs = demande_rattachement(autre_structure)
    client.force_login(gp)

    assert traiter(client, structure, ailleurs).status_code == 404
    assert statut(ailleurs) == "EN_ATTENTE"


# --- One request ---------------------------------------------------------------------------


def test_approuver_un_rattachement_donne_les_habilitations_par_defaut_et_previent_le_demandeur(
    client, structure, service, gp, mailoutbox, django_capture_on_commit_callbacks
):
    demande = demande_rattachement(structure, service)
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, structure, demande, commentaire="Bienvenue !")

    assert response.status_code == 302
    assert response["Location"] == url_liste(structure)
    assert statut(demande) == "ACTIF"
    [ligne] = RattachementHistorique.objects.filter(objet=demande)
    assert (ligne.acteur, ligne.action, ligne.role) == (gp, "APPROUVER", "GESTIONNAIRE")
    accordees = Habilitation.objects.filter(utilisateur=demande.utilisateur, structure=structure)
    assert sorted(accordees.values_list("application", flat=True)) == sorted(
        APPLICATIONS_PAR_DEFAUT
    )
    assert set(accordees.values_list("service", flat=True)) == {service.pk}
    [mail] = mailoutbox
    assert mail.to == [demande.utilisateur.email]
    assert "approuvée" in mail.subject
    assert structure.raison_sociale in mail.body
    assert "Bienvenue !" in mail.body
    assert Notification.objects.filter(destinataire=demande.utilisateur).count() == 1
    assert any("a été approuvée" in m for m in messages_de(response))


def test_accorder_une_demande_d_habilitation_cree_l_habilitation_au_niveau_demande(
    client, structure, service, gp, mailoutbox, django_capture_on_commit_callbacks
):
    demande = demande_habilitation(
        structure,
        application=Application.FACTURES_TRAVAUX,
        niveau=Niveau.CONSULTATION,
        service=service,
    )
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        traiter(client, structure, demande)

    assert statut(demande) == "ACCORDEE"
    assert DemandeHabilitationHistorique.objects.filter(objet=demande, acteur=gp).count() == 1
    habilitation = Habilitation.objects.get(
        utilisateur=demande.utilisateur, structure=structure, application="FACTURES_TRAVAUX"
    )
    assert (habilitation.service, habilitation.niveau) == (service, Niveau.CONSULTATION)
    [mail] = mailoutbox
    assert "approuvée" in mail.subject
    assert "Factures de travaux — Consultation" in mail.body


def test_accorder_la_modification_releve_une_habilitation_en_consultation(client, structure, gp):
    demande = demande_habilitation(structure, application=Application.FACTURES_EMISES)
    existante = habiliter(
        demande.utilisateur, structure, Application.FACTURES_EMISES, Niveau.CONSULTATION
    )
    client.force_login(gp)

    traiter(client, structure, demande)

    existante.refresh_from_db()
    assert existante.niveau == Niveau.MODIFICATION
    assert (
        Habilitation.objects.filter(utilisateur=demande.utilisateur, structure=structure).count()
        == 1
    )


def test_refuser_avec_un_commentaire_previent_le_demandeur_du_motif(
    client, structure, gp, mailoutbox, django_capture_on_commit_callbacks
):
    demande = demande_habilitation(structure)
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(
            client, structure, demande, decision="REFUSER", commentaire="Voyez avec votre chef."
        )

    assert response.status_code == 302
    assert statut(demande) == "REFUSEE"
    assert DemandeHabilitationHistorique.objects.get(objet=demande).motif == (
        "Voyez avec votre chef."
    )
    assert not Habilitation.objects.filter(
        utilisateur=demande.utilisateur, application=demande.application
    ).exists()
    [mail] = mailoutbox
    assert "refusée" in mail.subject
    assert "Voyez avec votre chef." in mail.body


def test_refuser_sans_commentaire_est_refuse_sur_le_champ_et_ne_change_rien(
    client, structure, gp, mailoutbox, django_capture_on_commit_callbacks
):
    demande = demande_rattachement(structure)
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, structure, demande, decision="REFUSER", commentaire="  ")

    assert response.status_code == 400
    contenu = response.content.decode()
    assert f'id="erreur-{jeton(demande)}"' in contenu
    assert "Le motif est obligatoire pour cette action." in contenu
    assert statut(demande) == "EN_ATTENTE"
    assert not RattachementHistorique.objects.exists()
    assert mailoutbox == []


def test_une_demande_deja_traitee_affiche_le_message_du_circuit(
    client, structure, gp, mailoutbox, django_capture_on_commit_callbacks
):
    demande = demande_rattachement(structure)
    services.rattachement_traiter(rattachement=demande, decision="APPROUVER", acting_user=gp)
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, structure, demande, decision="REFUSER", commentaire="Non.")

    assert response.status_code == 302
    [message] = messages_de(response)
    assert "Action impossible" in message
    assert statut(demande) == "ACTIF"
    assert RattachementHistorique.objects.filter(objet=demande).count() == 1
    assert mailoutbox == []


def test_organisation_modification_peut_approuver(client, structure):
    demande = demande_rattachement(structure)
    client.force_login(gestionnaire(structure))

    traiter(client, structure, demande)

    assert statut(demande) == "ACTIF"


def test_un_gestionnaire_ne_traite_pas_sa_propre_demande(client, structure):
    moi = gestionnaire(structure)
    demande = demande_habilitation(structure, moi, application=Application.FACTURES_TRAVAUX)
    client.force_login(moi)

    response = traiter(client, structure, demande)

    assert messages_de(response) == [
        "Vous ne pouvez pas traiter votre propre demande : un autre gestionnaire le fera."
    ]
    assert statut(demande) == "EN_ATTENTE"
    assert not Habilitation.objects.filter(utilisateur=moi, application="FACTURES_TRAVAUX").exists()


def test_une_demande_inconnue_est_signalee(client, structure, gp):
    client.force_login(gp)

    response = client.post(
        url_traiter(structure), {"demandes": ["facture-1"], "decision": "APPROUVER"}
    )

    assert response.status_code == 302
    assert messages_de(response) == ["Demande inconnue."]


# --- In bulk -------------------------------------------------------------------------------


def test_approuver_en_masse_rend_compte_demande_par_demande(
    client, structure, gp, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = demande_rattachement(structure), demande_rattachement(structure)
    c = demande_habilitation(structure)
    deja = demande_rattachement(structure)
    services.rattachement_traiter(rattachement=deja, decision="APPROUVER", acting_user=gp)
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(client, structure, a, deja, b, c, groupe=True)

    assert response.status_code == 302
    assert messages_de(response) == ["3 demandes approuvées, 1 déjà traitée."]
    assert [statut(d) for d in (a, b, c, deja)] == ["ACTIF", "ACTIF", "ACCORDEE", "ACTIF"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(d.utilisateur.email for d in (a, b, c))


def test_refuser_en_masse_avec_un_commentaire(
    client, structure, gp, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = demande_rattachement(structure), demande_habilitation(structure)
    client.force_login(gp)

    with django_capture_on_commit_callbacks(execute=True):
        response = traiter(
            client, structure, a, b, decision="REFUSER", commentaire="Inconnus.", groupe=True
        )

    assert messages_de(response) == ["2 demandes refusées."]
    assert (statut(a), statut(b)) == ("REFUSE", "REFUSEE")
    assert len(mailoutbox) == 2
    assert all("Inconnus." in m.body for m in mailoutbox)


def test_refuser_en_masse_sans_commentaire_ne_change_rien_et_garde_la_selection(
    client, structure, gp, mailoutbox
):
    a, b = demande_rattachement(structure), demande_habilitation(structure)
    client.force_login(gp)

    response = traiter(client, structure, a, b, decision="REFUSER", groupe=True)

    assert response.status_code == 400
    contenu = response.content.decode()
    assert 'id="erreur-groupe"' in contenu
    assert "Le motif est obligatoire pour cette action." in contenu
    assert contenu.count(" checked>") == 2
    assert (statut(a), statut(b)) == ("EN_ATTENTE", "EN_ATTENTE")
    assert mailoutbox == []


def test_en_masse_sans_rien_cocher(client, structure, gp):
    client.force_login(gp)

    response = client.post(url_traiter(structure), {"decision": "APPROUVER", "groupe": "1"})

    assert messages_de(response) == ["Cochez au moins une demande."]


# --- Two gestionnaires at once ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_gestionnaires_qui_traitent_en_meme_temps_ne_traitent_qu_une_fois():
    structure, _service, gp = structure_et_gp()
    autre = gestionnaire(structure)
    demande = demande_habilitation(structure, application=Application.FACTURES_TRAVAUX)
    depart = threading.Barrier(2, timeout=30)
    bilans = []

    def traiter_en_parallele(acteur_pk, decision, motif):
        try:
            # Each thread has its own connection and its own copies, read before the race.
            copie = DemandeHabilitation.objects.select_related(
                "utilisateur", "structure", "service"
            ).get(pk=demande.pk)
            acteur = Utilisateur.objects.get(pk=acteur_pk)
            depart.wait()
            bilans.append(
                services.demandes_traiter(
                    demandes=[copie], decision=decision, motif=motif, acting_user=acteur
                )
            )
        except Exception as erreur:  # surfaced by the assertions below
            bilans.append(erreur)
        finally:
            connection.close()

    fils = [
        threading.Thread(target=traiter_en_parallele, args=(gp.pk, "APPROUVER", "")),
        threading.Thread(target=traiter_en_parallele, args=(autre.pk, "REFUSER", "Non.")),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils)

    assert all(isinstance(b, services.Bilan) for b in bilans), bilans
    assert sorted((len(b.traitees), len(b.deja_traitees)) for b in bilans) == [(0, 1), (1, 0)]
    [perdant] = [b for b in bilans if b.deja_traitees]
    assert "Action impossible" in perdant.deja_traitees[0]
    assert DemandeHabilitationHistorique.objects.filter(objet=demande).count() == 1
    [gagnant] = [b for b in bilans if b.traitees]
    attendu = "ACCORDEE" if gagnant.decision == "APPROUVER" else "REFUSEE"
    assert statut(demande) == attendu
    assert Habilitation.objects.filter(
        utilisateur=demande.utilisateur, application="FACTURES_TRAVAUX"
    ).exists() == (attendu == "ACCORDEE")
    assert Notification.objects.filter(destinataire=demande.utilisateur).count() == 1


def test_la_demande_d_un_compte_pas_encore_active_n_apparait_pas_dans_la_file(client):
    from django.urls import reverse

    from tests.habilitations.factories import RattachementFactory, UtilisateurFactory
    from tests.structures.factories import StructureFactory

    structure = StructureFactory()
    gp = UtilisateurFactory(gestionnaire_de=structure)
    inscrit = UtilisateurFactory(is_active=False, email="pas.encore.active@exemple.fr")
    RattachementFactory(utilisateur=inscrit, structure=structure)
    client.force_login(gp)
    url = reverse("habilitations:approbations", args=[structure.pk])
    assert "pas.encore.active@exemple.fr" not in client.get(url).content.decode()
    inscrit.is_active = True
    inscrit.save()
    assert "pas.encore.active@exemple.fr" in client.get(url).content.decode()
