"""The account e-mails sent to one address (activation link, password-reset link) are written
and sent by a real Celery worker fed through Redis: the request only hands over the account's
id, so it succeeds even when the web process cannot reach any mail server."""

import re

import pytest
from django.urls import reverse

from habilitations import tasks
from habilitations.models import Utilisateur
from tests import celery_reel
from tests.habilitations.factories import UtilisateurFactory
from tests.habilitations.test_inscription import INSCRIPTION, donnees

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def vers_le_worker(monkeypatch, celery_vers_redis, file_unique, settings):
    """The account tasks the requests enqueue go to the test worker's queue; the web process
    itself has no mail server (any e-mail it tried to send would fail the request)."""
    settings.EMAIL_BACKEND = "tests.habilitations.test_connexion.ServeurEnPanne"
    for tache in (tasks.envoyer_lien_activation, tasks.envoyer_lien_reinitialisation):
        monkeypatch.setattr(
            tache,
            "delay",
            lambda pk, tache=tache: tache.apply_async(
                args=[pk], queue=file_unique, connection=celery_vers_redis
            ),
        )


def _lien_ecrit_par_le_worker(worker, adresse, chemin) -> str:
    motif = rf"To: {re.escape(adresse)}\n.*?https?://[^/\s]+({chemin}\S+/)"
    celery_reel.attendre(
        lambda: re.search(motif, worker(), re.S) or "Traceback" in worker(),
        celery_reel.ATTENTE_MAX,
        f"the worker did not send the e-mail:\n{worker()}",
    )
    assert "Traceback" not in worker(), worker()
    return re.search(motif, worker(), re.S).group(1)


def test_le_worker_envoie_le_lien_de_reinitialisation_demande_sur_le_portail(
    client, worker, vers_le_worker
):
    user = UtilisateurFactory()
    response = client.post(reverse("habilitations:mot_de_passe_oublie"), {"email": user.email})
    assert response["Location"] == reverse("habilitations:mot_de_passe_oublie_envoye")

    lien = _lien_ecrit_par_le_worker(worker, user.email, "/compte/reinitialiser/")
    formulaire = client.get(lien, follow=True)
    nouveau = "Un-nouveau-mot-de-passe-2026"
    client.post(
        formulaire.redirect_chain[-1][0], {"new_password1": nouveau, "new_password2": nouveau}
    )
    user.refresh_from_db()
    assert user.check_password(nouveau)


def test_le_worker_envoie_le_lien_d_activation_d_une_inscription(client, worker, vers_le_worker):
    response = client.post(INSCRIPTION, donnees())
    assert response.status_code == 302
    utilisateur = Utilisateur.objects.get()
    assert not utilisateur.is_active

    lien = _lien_ecrit_par_le_worker(worker, utilisateur.email, "/compte/activation/")
    client.post(lien)
    utilisateur.refresh_from_db()
    assert utilisateur.is_active
