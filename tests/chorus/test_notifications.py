"""Core 4: events become feed rows at once and e-mails on commit, once per recipient."""

import threading
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from chorus import notifications
from chorus.models import Evenement, Notification
from chorus.tasks import envoyer_emails, relancer_emails_en_attente
from habilitations import services
from habilitations.models import Utilisateur
from tests.celery_reel import publier_vers
from tests.habilitations.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

# The one event type whose templates exist today; the core does not depend on it.
TYPE = "compte.mot_de_passe_modifie"
SUJET_FR = "Chorus Pro : votre mot de passe a été modifié"
TEXTE_FIL_FR = "Le mot de passe de votre compte a été modifié."


class BackendEnPanne(BaseEmailBackend):
    """An SMTP server that cannot be reached."""

    tentatives = 0

    def send_messages(self, messages):
        type(self).tentatives += 1
        raise OSError("Connection refused")


@pytest.fixture
def smtp_en_panne(settings):
    BackendEnPanne.tentatives = 0
    settings.EMAIL_BACKEND = f"{__name__}.BackendEnPanne"
    return BackendEnPanne


def emettre(*destinataires, **options):
    return notifications.emettre(type=TYPE, destinataires=destinataires, lien="/", **options)


def lignes(evenement):
    return Notification.objects.filter(evenement=evenement)


def test_emettre_cree_une_ligne_de_fil_par_destinataire_actif_distinct(
    django_capture_on_commit_callbacks, mailoutbox
):
    alice, bruno = UtilisateurFactory(), UtilisateurFactory()
    sans_courriel = UtilisateurFactory(notifications_actives=False)
    parti = UtilisateurFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evenement = emettre(alice, bruno, alice, sans_courriel, parti)

    assert Evenement.objects.get().pk == evenement.pk
    assert evenement.type == TYPE
    assert set(lignes(evenement).values_list("destinataire", flat=True)) == {
        alice.pk,
        bruno.pk,
        sans_courriel.pk,
    }
    assert not lignes(evenement).get(destinataire=sans_courriel).email_a_envoyer
    # Nothing is sent before commit; one task is waiting for it.
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_les_courriels_partent_au_commit_pour_ceux_qui_les_ont_acceptes(
    django_capture_on_commit_callbacks, mailoutbox
):
    alice, bruno = UtilisateurFactory(), UtilisateurFactory(email_contact="bruno@contact.fr")
    sans_courriel = UtilisateurFactory(notifications_actives=False)

    with django_capture_on_commit_callbacks(execute=True):
        evenement = emettre(alice, bruno, sans_courriel)
        assert mailoutbox == []  # still inside the transaction

    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, "bruno@contact.fr"])
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert all(m.extra_headers["X-Chorus-Evenement"] == str(evenement.pk) for m in mailoutbox)
    assert lignes(evenement).filter(email_envoye_le__isnull=False).count() == 2
    assert lignes(evenement).get(destinataire=sans_courriel).email_envoye_le is None


def test_aucun_courriel_ne_part_si_la_transaction_echoue(
    django_capture_on_commit_callbacks, mailoutbox
):
    alice = UtilisateurFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emettre(alice)
        raise RuntimeError

    assert callbacks == []
    assert mailoutbox == []
    assert not Evenement.objects.exists()
    assert not Notification.objects.exists()


def test_un_message_de_securite_part_meme_sans_abonnement_aux_notifications(
    django_capture_on_commit_callbacks, mailoutbox
):
    sans_courriel = UtilisateurFactory(notifications_actives=False)

    with django_capture_on_commit_callbacks(execute=True):
        emettre(sans_courriel, ignorer_preferences=True)

    [message] = mailoutbox
    assert message.to == [sans_courriel.email]


def test_un_destinataire_francophone_recoit_le_sujet_en_francais(
    django_capture_on_commit_callbacks, mailoutbox
):
    francophone = UtilisateurFactory(langue="fr", prenom="Élodie", nom="Martin")

    # The language is the recipient's, not the one active where the event was emitted.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        emettre(francophone)

    [message] = mailoutbox
    assert message.subject == SUJET_FR
    assert "Bonjour Élodie Martin," in message.body
    assert "Le mot de passe de votre compte vient d'être modifié." in message.body


def test_un_destinataire_anglophone_recoit_le_courriel_a_son_adresse_de_contact(
    django_capture_on_commit_callbacks, mailoutbox
):
    anglophone = UtilisateurFactory(langue="en", email_contact="jane@contact.example")

    with django_capture_on_commit_callbacks(execute=True):
        evenement = emettre(anglophone)

    [message] = mailoutbox
    assert message.to == ["jane@contact.example"]
    assert message.subject.strip()
    assert message.body.strip()
    # Rendering in English also works outside the task.
    rendu = notifications.rendre_email(evenement, anglophone)
    assert rendu.to == ["jane@contact.example"]


def test_le_sujet_anglais_differe_du_sujet_francais():
    evenement = Evenement.objects.create(type=TYPE, lien="/")
    francophone = UtilisateurFactory(langue="fr")
    anglophone = UtilisateurFactory(langue="en")

    sujet_fr = notifications.rendre_email(evenement, francophone).subject
    sujet_en = notifications.rendre_email(evenement, anglophone).subject

    assert sujet_fr == SUJET_FR
    assert sujet_en != sujet_fr


def test_envoyer_deux_fois_les_courriels_d_un_evenement_n_en_envoie_qu_un_par_destinataire(
    django_capture_on_commit_callbacks, mailoutbox
):
    alice, bruno = UtilisateurFactory(), UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=False):
        evenement = emettre(alice, bruno)

    assert notifications.envoyer_emails_evenement(evenement.pk) == 2
    assert notifications.envoyer_emails_evenement(evenement.pk) == 0
    # The task too, as a redelivered message would run it.
    assert envoyer_emails.delay(str(evenement.pk)).get() == 0

    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bruno.email])


def test_un_envoi_en_echec_reste_en_attente_et_part_a_la_tentative_suivante(
    django_capture_on_commit_callbacks, mailoutbox, settings, smtp_en_panne
):
    alice = UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=False):
        evenement = emettre(alice)

    with pytest.raises(OSError):
        notifications.envoyer_emails_evenement(evenement.pk)
    assert lignes(evenement).get().email_envoye_le is None

    # The SMTP server is back: the retry sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.envoyer_emails_evenement(evenement.pk) == 1
    assert lignes(evenement).get().email_envoye_le is not None
    [message] = mailoutbox
    assert message.to == [alice.email]


def test_la_tache_d_envoi_est_acquittee_apres_coup_et_reessayee_sur_erreur_reseau():
    assert envoyer_emails.acks_late is True
    assert OSError in envoyer_emails.autoretry_for
    assert envoyer_emails.retry_backoff
    assert envoyer_emails.retry_backoff_max >= envoyer_emails.retry_backoff
    assert envoyer_emails.max_retries >= 3
    assert relancer_emails_en_attente.acks_late is True


def test_la_tache_d_envoi_programme_une_nouvelle_tentative_si_le_smtp_est_injoignable(
    django_capture_on_commit_callbacks, smtp_en_panne
):
    alice = UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=False):
        evenement = emettre(alice)

    # Not a plain failure: a retry is scheduled (a worker runs it after the backoff).
    with pytest.raises(Retry) as nouvelle_tentative:
        envoyer_emails.apply(args=[str(evenement.pk)])

    assert isinstance(nouvelle_tentative.value.exc, OSError)
    assert smtp_en_panne.tentatives == 1
    assert lignes(evenement).get().email_envoye_le is None


def test_la_relance_ne_reprend_que_les_evenements_anciens_aux_courriels_en_attente(
    django_capture_on_commit_callbacks, mailoutbox
):
    oublie, recent, deja_envoye, sans_courriel = (
        UtilisateurFactory(),
        UtilisateurFactory(),
        UtilisateurFactory(),
        UtilisateurFactory(notifications_actives=False),
    )
    with django_capture_on_commit_callbacks(execute=False):
        e_oublie = emettre(oublie)
        emettre(recent)
        e_deja_envoye = emettre(deja_envoye)
        e_sans_courriel = emettre(sans_courriel)
    lignes(e_deja_envoye).update(email_envoye_le=timezone.now())
    il_y_a_dix_minutes = timezone.now() - timedelta(minutes=10)
    Evenement.objects.filter(pk__in=[e_oublie.pk, e_deja_envoye.pk, e_sans_courriel.pk]).update(
        cree_le=il_y_a_dix_minutes
    )

    # Eager here: each re-enqueued task sends at once.
    assert relancer_emails_en_attente.delay().get() == 1

    [message] = mailoutbox
    assert message.to == [oublie.email]
    assert Notification.objects.emails_en_attente().get().destinataire == recent


@pytest.fixture
def broker_injoignable():
    """Tasks are published for real, to a broker address where nothing listens."""
    with publier_vers("redis://127.0.0.1:9/0"):
        yield


def test_un_broker_injoignable_au_commit_ne_fait_pas_echouer_l_action_et_la_relance_rattrape(
    broker_injoignable, django_capture_on_commit_callbacks, mailoutbox
):
    alice = UtilisateurFactory()

    with django_capture_on_commit_callbacks(execute=True):
        evenement = emettre(alice)  # the on-commit enqueueing must not raise

    assert mailoutbox == []
    assert lignes(evenement).get().email_envoye_le is None

    # Later, with the broker back, the beat task catches up.
    from chorus.celery import app

    app.conf.task_always_eager = True
    Evenement.objects.filter(pk=evenement.pk).update(cree_le=timezone.now() - timedelta(minutes=10))
    assert relancer_emails_en_attente.delay().get() == 1
    [message] = mailoutbox
    assert message.to == [alice.email]


def test_le_fil_donne_une_ligne_et_l_accueil_l_affiche_sous_les_evenements_recents(
    client, django_capture_on_commit_callbacks
):
    alice, bruno = UtilisateurFactory(), UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=False):
        emettre(alice)

    assert notifications.rendre_fil(Notification.objects.get()) == TEXTE_FIL_FR

    client.force_login(alice)
    contenu = client.get("/").content.decode()
    assert contenu.index("Événements récents") < contenu.index(TEXTE_FIL_FR)

    # Someone else's feed stays empty.
    client.force_login(bruno)
    contenu = client.get("/").content.decode()
    assert TEXTE_FIL_FR not in contenu
    assert "Aucun événement récent." in contenu


def test_le_changement_de_mot_de_passe_est_signale_meme_sans_abonnement(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    utilisateur = UtilisateurFactory(notifications_actives=False, email_contact="moi@contact.fr")

    with django_capture_on_commit_callbacks(execute=True):
        services.mot_de_passe_modifie_notifier(utilisateur=utilisateur)

    [message] = mailoutbox
    assert message.to == ["moi@contact.fr"]
    assert message.subject == SUJET_FR
    assert settings.SITE_URL + reverse("habilitations:mot_de_passe_oublie") in message.body
    assert Notification.objects.pour(utilisateur).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_un_compte_verrouille_ailleurs_n_empeche_pas_l_envoi_de_son_courriel(mailoutbox):
    # E.g. a sign-in updating last_login holds the user's row while the worker sends.
    alice = UtilisateurFactory()
    evenement = Evenement.objects.create(type=TYPE, lien="/")
    Notification.objects.create(evenement=evenement, destinataire=alice)
    verrouille, liberer = threading.Event(), threading.Event()

    def tenir_le_compte():
        try:
            with transaction.atomic():
                Utilisateur.objects.select_for_update().get(pk=alice.pk)
                Evenement.objects.select_for_update().get(pk=evenement.pk)
                verrouille.set()
                liberer.wait(timeout=30)
        finally:
            connection.close()

    fil = threading.Thread(target=tenir_le_compte)
    fil.start()
    try:
        assert verrouille.wait(timeout=30)
        envoyes = notifications.envoyer_emails_evenement(evenement.pk)
    finally:
        liberer.set()
        fil.join(timeout=30)

    assert envoyes == 1
    assert [m.to for m in mailoutbox] == [[alice.email]]
