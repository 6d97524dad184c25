"""Factures à valider pages, and the supplier's returns dialog after sign-in."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Retour
from factures.services.acheminement import facture_acheminer
from factures.services.traitement import facture_traiter
from factures.services.validation import facture_valider
from habilitations.enums import Application, Niveau
from tests.factures.factories_recues import habiliter, scene
from tests.habilitations.factories import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scene()


def url(nom, *args):
    return reverse(f"factures:{nom}", args=args)


def contenu(response):
    return response.content.decode()


def soumise(s, **kwargs):
    facture = s.facture_a_valider(statut=S.DEPOSEE, **kwargs)
    facture_acheminer(facture=facture)
    facture.refresh_from_db()
    return facture


# --- Factures à valider -----------------------------------------------------------------


def test_la_synthese_du_valideur_montre_le_delai_restant(client, s, django_assert_max_num_queries):
    facture = soumise(s, numero="F-A9-DELAI")
    s.facture_a_valider(numero="F-A9-AUTRE", valideur_1=s.entite)  # another validator's
    client.force_login(s.gp_titulaire)
    with django_assert_max_num_queries(10):
        response = client.get(url("valider_synthese"))
    assert [ligne["facture"].numero for ligne in response.context["lignes"]] == ["F-A9-DELAI"]
    assert "14 jours" in contenu(response)
    page = contenu(client.get(url("valider_detail", facture.pk)))
    assert "Il vous reste 14 jours pour répondre" in page
    assert "Enregistrer ma réponse" in page


def test_le_fournisseur_voit_le_delai_restant_au_valideur_sur_la_page_de_sa_facture(client, s):
    facture = soumise(s, numero="F-A9-ATTENTE")
    client.force_login(s.gp_fournisseur)
    page = contenu(client.get(url("emises_detail", facture.pk)))
    assert "En attente de la validation de Bâtiments Titulaire : il lui reste 14 jours" in page
    with time_machine.travel(timezone.now() + timedelta(days=14, hours=12), tick=False):
        client.force_login(s.gp_fournisseur)  # the session would have expired
        page = contenu(client.get(url("emises_detail", facture.pk)))
        assert "il lui reste 11 heures" in page
    # Once it is validated, nothing waits any more.
    facture_valider(facture=facture, acting_user=s.gp_titulaire)
    assert "En attente de la validation" not in contenu(
        client.get(url("emises_detail", facture.pk))
    )


def test_valider_avec_un_complement(client, s, mailoutbox, django_capture_on_commit_callbacks):
    facture = soumise(s)
    client.force_login(s.gp_titulaire)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("valider_decider", facture.pk), {"action": "VALIDER", "motif": "Lot 2 conforme"}
        )
    assert response["Location"] == url("valider_detail", facture.pk)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert sorted(c.to[0] for c in mailoutbox) == [
        "agent@valbourg.fr",
        "gp@peintures-morel.fr",
        "gp@valbourg.fr",
    ]
    # Its turn is over: the page no longer offers to answer.
    assert "Enregistrer ma réponse" not in contenu(client.get(url("valider_detail", facture.pk)))


def test_refuser_sans_motif_est_signale(client, s):
    facture = soumise(s)
    client.force_login(s.gp_titulaire)
    response = client.post(url("valider_decider", facture.pk), {"action": "REFUSER"})
    assert response.status_code == 200
    assert "Le motif est obligatoire pour refuser." in contenu(response)
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_1


def test_je_ne_suis_pas_le_bon_valideur(client, s):
    facture = soumise(s)
    client.force_login(s.gp_titulaire)
    client.post(
        url("valider_decider", facture.pk),
        {"action": "SIGNALER_ERREUR_VALIDEUR", "motif": "Nous ne sommes pas titulaires"},
    )
    facture.refresh_from_db()
    assert facture.statut == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR


def test_une_reponse_deja_donnee_donne_un_message(client, s):
    facture = soumise(s)
    client.force_login(s.gp_titulaire)
    client.post(url("valider_decider", facture.pk), {"action": "VALIDER"})
    response = client.post(url("valider_decider", facture.pk), {"action": "VALIDER"}, follow=True)
    assert response.status_code == 200
    assert "Action impossible" in contenu(response)


def test_valider_les_refus(client, s):
    facture = soumise(s)
    lecteur = UtilisateurFactory()
    habiliter(lecteur, s.titulaire, Application.FACTURES_A_VALIDER, Niveau.CONSULTATION)
    client.force_login(lecteur)
    assert client.get(url("valider_detail", facture.pk)).status_code == 200
    assert client.post(url("valider_decider", facture.pk), {"action": "VALIDER"}).status_code == 403
    client.force_login(s.gp_entite)  # the recipient is not the validator
    assert client.get(url("valider_detail", facture.pk)).status_code == 404
    client.force_login(s.gp_titulaire)
    assert client.put(url("valider_decider", facture.pk)).status_code == 405
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_1


# --- Returns to acknowledge ---------------------------------------------------------------


def se_connecter(client, email):
    """Through the sign-in form, as a user does (the dialog is decided at sign-in)."""
    response = client.post(
        reverse("habilitations:connexion"), {"username": email, "password": MOT_DE_PASSE}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def retourner(s, action=A.SUSPENDRE, **kwargs):
    facture = s.facture(**kwargs)
    facture_traiter(facture=facture, action=action, acting_user=s.agent, motif="RIB manquant")
    return facture


def test_a_la_connexion_le_dialogue_liste_les_factures_retournees(client, s):
    facture = retourner(s, numero="F-RETOUR")
    se_connecter(client, "gp@peintures-morel.fr")
    page = contenu(client.get(reverse("accueil")))
    assert 'id="dialogue-retours"' in page
    assert "F-RETOUR" in page
    assert "RIB manquant" in page
    assert "Acquitter les factures sélectionnées" in page
    assert "Tout acquitter et fermer" in page
    assert 'title="Fermer et acquitter plus tard"' in page  # not mandatory yet
    # The dialog follows him from page to page until he closes it.
    assert 'id="dialogue-retours"' in contenu(client.get(url("emises_synthese")))
    client.post(url("retours_fermer"), {"suivant": "/"})
    assert 'id="dialogue-retours"' not in contenu(client.get(reverse("accueil")))
    assert Retour.objects.get(facture=facture).acquitte_le is None


def test_sans_retour_pas_de_dialogue(client, s):
    se_connecter(client, "gp@peintures-morel.fr")
    assert 'id="dialogue-retours"' not in contenu(client.get(reverse("accueil")))


def test_acquitter_la_selection_puis_tout(client, s):
    premiere, seconde = retourner(s), retourner(s, action=A.REJETER)
    [r1] = Retour.objects.filter(facture=premiere)
    se_connecter(client, "gp@peintures-morel.fr")
    response = client.post(
        url("retours_acquitter"), {"retours": [r1.pk], "suivant": "/"}, follow=True
    )
    assert "1 facture acquittée." in contenu(response)
    assert 'id="dialogue-retours"' in contenu(response)  # one is left
    r1.refresh_from_db()
    assert r1.acquitte_par == s.gp_fournisseur
    response = client.post(url("retours_acquitter"), {"tout": "1", "suivant": "/"}, follow=True)
    assert "1 facture acquittée." in contenu(response)
    assert 'id="dialogue-retours"' not in contenu(response)
    assert not Retour.objects.filter(acquitte_le__isnull=True).exists()
    del seconde


def test_apres_sept_jours_l_acquittement_est_obligatoire(client, s):
    facture = retourner(s)
    Retour.objects.filter(facture=facture).update(cree_le=timezone.now() - timedelta(days=8))
    se_connecter(client, "gp@peintures-morel.fr")
    page = contenu(client.get(reverse("accueil")))
    assert "leur acquittement est obligatoire" in page
    assert 'title="Fermer et acquitter plus tard"' not in page
    response = client.post(url("retours_fermer"), {"suivant": "/"}, follow=True)
    assert "acquittez-les" in contenu(response)
    assert 'id="dialogue-retours"' in contenu(response)


def test_le_septieme_jour_l_acquittement_devient_obligatoire(client, s):
    facture = retourner(s)
    retourne_le = Retour.objects.get(facture=facture).cree_le
    for age, obligatoire in [
        (timedelta(days=6, hours=23), False),
        (timedelta(days=7), True),
    ]:
        with time_machine.travel(retourne_le + age, tick=False):
            client.logout()
            se_connecter(client, "gp@peintures-morel.fr")
            page = contenu(client.get(reverse("accueil")))
            assert 'id="dialogue-retours"' in page
            assert ("leur acquittement est obligatoire" in page) is obligatoire
            assert ('title="Fermer et acquitter plus tard"' in page) is not obligatoire
            client.post(url("retours_fermer"), {"suivant": "/"})
            ferme = 'id="dialogue-retours"' not in contenu(client.get(reverse("accueil")))
            assert ferme is not obligatoire
    assert Retour.objects.get(facture=facture).acquitte_le is None


def test_ferme_avant_le_septieme_jour_le_dialogue_revient_quand_il_devient_obligatoire(client, s):
    facture = retourner(s)
    retourne_le = Retour.objects.get(facture=facture).cree_le
    with time_machine.travel(retourne_le + timedelta(days=6, hours=22), tick=False):
        se_connecter(client, "gp@peintures-morel.fr")
        client.post(url("retours_fermer"), {"suivant": "/"})
        assert 'id="dialogue-retours"' not in contenu(client.get(reverse("accueil")))
    # Same session, two hours later: the 7th day has come, the dialog is back and mandatory.
    with time_machine.travel(retourne_le + timedelta(days=7, minutes=1), tick=False):
        page = contenu(client.get(reverse("accueil")))
        assert 'id="dialogue-retours"' in page
        assert "leur acquittement est obligatoire" in page
        response = client.post(url("retours_fermer"), {"suivant": "/"}, follow=True)
        assert 'id="dialogue-retours"' in contenu(response)


def test_traiter_le_rejet_le_retire_des_factures_a_traiter(client, s):
    facture = retourner(s, action=A.REJETER, numero="F-REJET")
    retour = Retour.objects.get(facture=facture)
    client.force_login(s.gp_fournisseur)
    assert "F-REJET" in contenu(client.get(url("retours")))
    response = client.post(url("retours_rejet_traiter", retour.pk), follow=True)
    assert "quitte vos factures à traiter" in contenu(response)
    retour.refresh_from_db()
    assert retour.traite_par == s.gp_fournisseur
    assert retour.acquitte_le is not None
    response = client.post(url("retours_rejet_traiter", retour.pk), follow=True)
    assert "déjà été traité" in contenu(response)
    # Another supplier's return is not found.
    client.force_login(s.gp_titulaire)
    assert client.post(url("retours_rejet_traiter", retour.pk)).status_code == 404
    assert client.get(url("retours_rejet_traiter", retour.pk)).status_code == 405


def test_un_utilisateur_en_consultation_n_a_rien_a_acquitter(client, s):
    retourner(s)
    lecteur = UtilisateurFactory(email="lecteur@peintures-morel.fr")
    habiliter(lecteur, s.fournisseur, Application.FACTURES_EMISES, Niveau.CONSULTATION)
    se_connecter(client, "lecteur@peintures-morel.fr")
    assert 'id="dialogue-retours"' not in contenu(client.get(reverse("accueil")))
    assert client.post(url("retours_acquitter"), {"tout": "1"}).status_code == 302
    assert not Retour.objects.filter(acquitte_le__isnull=False).exists()
