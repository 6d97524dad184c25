"""Core 4, many events at once (`emettre_en_lot`, used by the deadline sweep): the same rows
as `emettre` one by one, one task on commit for all their e-mails, one e-mail per recipient
and event even when the task runs again. Each test runs with COPY (PostgreSQL) and with the
`bulk_create` used elsewhere."""

import pytest
from django.db import transaction

from chorus import copie, notifications
from chorus.models import Evenement, Notification
from chorus.tasks import envoyer_emails_lot
from tests.habilitations.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

TYPE = "compte.mot_de_passe_modifie"  # a type whose templates exist


@pytest.fixture(params=[pytest.param("copy", marks=pytest.mark.postgres), "bulk_create"])
def ecriture(request, monkeypatch):
    if request.param == "bulk_create":
        monkeypatch.setattr(copie, "copie_possible", lambda connexion: False)
    return request.param


def test_chaque_evenement_a_ses_lignes_de_fil_comme_avec_emettre(
    ecriture, django_capture_on_commit_callbacks, mailoutbox
):
    alice, bruno = UtilisateurFactory(), UtilisateurFactory(langue="en")
    sans_courriel = UtilisateurFactory(notifications_actives=False)
    parti = UtilisateurFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = notifications.emettre_en_lot(
            [
                {
                    "type": TYPE,
                    "destinataires": [alice, bruno, alice, parti],
                    "contexte": {"numero": "F-1", "montant": "12.30", "etapes": ["A", "B"]},
                    "lien": "/factures-emises/1/",
                },
                {"type": TYPE, "destinataires": [sans_courriel], "contexte": {"numero": "F-2"}},
                {
                    "type": TYPE,
                    "destinataires": [sans_courriel],
                    "ignorer_preferences": True,
                },
            ]
        )

    assert len(ids) == 3
    premier, second, securite = (Evenement.objects.get(pk=pk) for pk in ids)
    assert premier.type == TYPE
    assert premier.contexte == {"numero": "F-1", "montant": "12.30", "etapes": ["A", "B"]}
    assert premier.lien == "/factures-emises/1/"
    assert not premier.ignorer_preferences and securite.ignorer_preferences
    assert second.contexte == {"numero": "F-2"} and second.lien == ""
    assert premier.cree_le is not None

    def lignes(evenement):
        return dict(
            Notification.objects.filter(evenement=evenement).values_list(
                "destinataire", "email_a_envoyer"
            )
        )

    # Active recipients once each; the e-mail follows the opt-in, or is forced.
    assert lignes(premier) == {alice.pk: True, bruno.pk: True}
    assert lignes(second) == {sans_courriel.pk: False}
    assert lignes(securite) == {sans_courriel.pk: True}
    assert not Notification.objects.filter(email_envoye_le__isnull=False).exists()
    assert not Notification.objects.filter(lue_le__isnull=False).exists()
    # One task for all the e-mails, once committed.
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_les_courriels_partent_une_fois_meme_si_la_tache_est_rejouee(
    ecriture, django_capture_on_commit_callbacks, mailoutbox
):
    alice, bruno = UtilisateurFactory(), UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=True):
        ids = notifications.emettre_en_lot(
            [
                {"type": TYPE, "destinataires": [alice, bruno]},
                {"type": TYPE, "destinataires": [alice]},
            ]
        )

    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, alice.email, bruno.email])
    assert envoyer_emails_lot.apply(args=[[str(pk) for pk in ids]]).get() == 0
    assert len(mailoutbox) == 3


def test_rien_n_est_ecrit_ni_envoye_si_la_transaction_echoue(
    ecriture, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.emettre_en_lot([{"type": TYPE, "destinataires": [UtilisateurFactory()]}])
        raise RuntimeError

    assert callbacks == []
    assert not Evenement.objects.exists()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_sans_evenement_rien_n_est_fait(ecriture, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notifications.emettre_en_lot([]) == []
    assert callbacks == []


def test_le_contexte_revient_tel_quel_meme_avec_des_caracteres_a_echapper(ecriture):
    contexte = {
        "motif": 'Ligne 1\nLigne\t2 \\ « guillemets » "doubles" é€',
        "montant": "1234.50",
        "etapes": ["A", "B"],
        "rien": None,
    }
    [pk] = notifications.emettre_en_lot(
        [{"type": TYPE, "destinataires": [UtilisateurFactory()], "contexte": contexte}]
    )

    assert Evenement.objects.get(pk=pk).contexte == contexte
