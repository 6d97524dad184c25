"""Sign in, sign out, lock-out, password reset and change: what a user sees."""

import re
import smtplib
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from celery.exceptions import Retry
from django.contrib.auth.tokens import default_token_generator
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from habilitations.tasks import envoyer_lien_reinitialisation
from tests.habilitations.factories import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db

CONNEXION = reverse("habilitations:connexion")


def se_connecter(client, email, mot_de_passe):
    return client.post(CONNEXION, {"username": email, "password": mot_de_passe})


def test_connexion_reussie_mene_a_l_accueil_connecte(client):
    user = UtilisateurFactory(prenom="Claire")
    response = se_connecter(client, user.email, MOT_DE_PASSE)
    assert response.status_code == 302
    assert response["Location"] == reverse("accueil")
    accueil = client.get(reverse("accueil"))
    assert "Bonjour Claire" in accueil.content.decode()


def test_l_adresse_de_connexion_ignore_la_casse(client):
    user = UtilisateurFactory(email="claire.durand@exemple.fr")
    response = se_connecter(client, "Claire.Durand@Exemple.FR", MOT_DE_PASSE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_mauvais_mot_de_passe_affiche_un_message_clair_et_ne_connecte_pas(client):
    user = UtilisateurFactory()
    response = se_connecter(client, user.email, "pas-le-bon")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_la_connexion_applique_la_langue_du_compte(client):
    user = UtilisateurFactory(langue="en")
    response = se_connecter(client, user.email, MOT_DE_PASSE)
    assert response.cookies["chorus_langue"].value == "en"


def test_cinq_echecs_verrouillent_le_compte_une_heure(client, settings):
    user = UtilisateurFactory()
    for _ in range(4):
        assert se_connecter(client, user.email, "faux").status_code == 200
    verrou = se_connecter(client, user.email, "faux")
    assert verrou.status_code == 429
    assert "verrouillé pendant une heure" in verrou.content.decode()
    # Even the right password is refused while the account is locked.
    bloque = se_connecter(client, user.email, MOT_DE_PASSE)
    assert bloque.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    autre = UtilisateurFactory()
    assert se_connecter(client, autre.email, MOT_DE_PASSE).status_code == 302


def test_le_verrou_tombe_apres_une_heure(client):
    user = UtilisateurFactory()
    for _ in range(5):
        se_connecter(client, user.email, "faux")
    assert se_connecter(client, user.email, MOT_DE_PASSE).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(hours=1, minutes=1)
    )
    assert se_connecter(client, user.email, MOT_DE_PASSE).status_code == 302


def test_deconnexion_par_post_uniquement(client):
    user = UtilisateurFactory()
    client.force_login(user)
    assert client.get(reverse("habilitations:deconnexion")).status_code == 405
    response = client.post(reverse("habilitations:deconnexion"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "Vous êtes déconnecté." in response.content.decode()


def test_les_pages_privees_renvoient_vers_la_connexion(client):
    response = client.get(reverse("habilitations:mon_compte"))
    assert response.status_code == 302
    assert response["Location"].startswith(CONNEXION)


def _lien_du_courriel(corps):
    return re.search(r"https?://[^/\s]+(/compte/reinitialiser/\S+/)", corps).group(1)


def test_mot_de_passe_oublie_envoie_un_lien_qui_permet_d_en_choisir_un_nouveau(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UtilisateurFactory()
    response = client.post(reverse("habilitations:mot_de_passe_oublie"), {"email": user.email})
    assert response.status_code == 302
    [courriel] = mailoutbox
    assert courriel.to == [user.email]
    assert "réinitialisation" in courriel.subject
    lien = _lien_du_courriel(courriel.body)

    formulaire = client.get(lien, follow=True)
    assert formulaire.status_code == 200
    nouveau = "Un-nouveau-mot-de-passe-2026"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            formulaire.redirect_chain[-1][0],
            {"new_password1": nouveau, "new_password2": nouveau},
            follow=True,
        )
    assert "Votre mot de passe a été réinitialisé" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(nouveau)
    # The security notice follows, whatever the notification preference.
    assert [m.subject for m in mailoutbox][-1].endswith("votre mot de passe a été modifié")


def test_mot_de_passe_oublie_ne_revele_pas_si_le_compte_existe(client, mailoutbox):
    response = client.post(
        reverse("habilitations:mot_de_passe_oublie"), {"email": "inconnu@exemple.fr"}, follow=True
    )
    assert "Si un compte actif correspond à cette adresse" in response.content.decode()
    assert mailoutbox == []


class ServeurEnPanne(locmem.EmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_le_lien_est_ecrit_dans_la_langue_du_compte_sur_l_adresse_du_portail(
    client, mailoutbox, settings
):
    settings.SITE_URL = "https://chorus.exemple.gouv.fr"
    user = UtilisateurFactory(langue="en")
    client.post(reverse("habilitations:mot_de_passe_oublie"), {"email": user.email})
    [courriel] = mailoutbox
    assert courriel.subject == "Chorus Pro: reset your password"
    assert "https://chorus.exemple.gouv.fr/compte/reinitialiser/" in courriel.body
    assert client.get(_lien_du_courriel(courriel.body), follow=True).status_code == 200


def test_un_serveur_de_courriel_en_panne_fait_reessayer_l_envoi_du_lien(mailoutbox, settings):
    user = UtilisateurFactory()
    settings.EMAIL_BACKEND = f"{__name__}.ServeurEnPanne"
    # Not a plain failure: the task schedules a retry, which a worker runs after a delay.
    with pytest.raises(Retry) as nouvelle_tentative:
        envoyer_lien_reinitialisation.apply(args=[user.pk])
    assert isinstance(nouvelle_tentative.value.exc, smtplib.SMTPException)
    assert mailoutbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert envoyer_lien_reinitialisation.apply(args=[user.pk]).get() is True
    [courriel] = mailoutbox
    assert courriel.to == [user.email] and "/compte/reinitialiser/" in courriel.body


def test_un_compte_desactive_entre_la_demande_et_l_envoi_ne_recoit_rien(mailoutbox):
    user = UtilisateurFactory()
    user.is_active = False
    user.save()
    assert envoyer_lien_reinitialisation(user.pk) is False
    assert mailoutbox == []


def test_un_lien_expire_affiche_un_message_et_ne_change_rien(client, settings):
    user = UtilisateurFactory()
    ancien_hash = user.password
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now expired
    url = reverse("habilitations:mot_de_passe_nouveau", args=[uid, token])
    response = client.get(url, follow=True)
    contenu = response.content.decode()
    assert "Ce lien n'est plus valable" in contenu
    assert 'name="new_password1"' not in contenu
    user.refresh_from_db()
    assert user.password == ancien_hash


def test_un_lien_deja_utilise_ne_sert_plus(client):
    user = UtilisateurFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    user.set_password("Change-entre-temps-2026")
    user.save()
    response = client.get(
        reverse("habilitations:mot_de_passe_nouveau", args=[uid, token]), follow=True
    )
    assert "Ce lien n'est plus valable" in response.content.decode()


def test_changer_de_mot_de_passe_exige_l_ancien_et_previent_par_courriel(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UtilisateurFactory(notifications_actives=False)
    client.force_login(user)
    url = reverse("habilitations:mot_de_passe_changer")
    mauvais = client.post(
        url,
        {
            "old_password": "faux",
            "new_password1": "Nouveau-secret-2026",
            "new_password2": "Nouveau-secret-2026",
        },
    )
    assert mauvais.status_code == 200
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "old_password": MOT_DE_PASSE,
                "new_password1": "Nouveau-secret-2026",
                "new_password2": "Nouveau-secret-2026",
            },
            follow=True,
        )
    assert "Votre mot de passe a été modifié." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Nouveau-secret-2026")
    [courriel] = mailoutbox
    assert courriel.to == [user.email_contact]
    # The event shows in the feed of the connected home page.
    accueil = client.get(reverse("accueil")).content.decode()
    assert "Le mot de passe de votre compte a été modifié." in accueil


def test_un_mot_de_passe_trop_simple_est_refuse(client):
    user = UtilisateurFactory()
    client.force_login(user)
    response = client.post(
        reverse("habilitations:mot_de_passe_changer"),
        {"old_password": MOT_DE_PASSE, "new_password1": "123456", "new_password2": "123456"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(MOT_DE_PASSE)


def test_changer_de_langue_memorise_le_choix_sur_le_compte(client):
    user = UtilisateurFactory()
    client.force_login(user)
    response = client.post(reverse("changer_langue"), {"langue": "en", "next": "/compte/"})
    assert response.status_code == 302
    assert response["Location"] == "/compte/"
    assert response.cookies["chorus_langue"].value == "en"
    user.refresh_from_db()
    assert user.langue == "en"


def test_changer_de_langue_refuse_une_redirection_externe_et_une_langue_inconnue(client):
    response = client.post(
        reverse("changer_langue"), {"langue": "de", "next": "https://pirate.example/"}
    )
    assert response["Location"] == "/"
    assert "chorus_langue" not in response.cookies
