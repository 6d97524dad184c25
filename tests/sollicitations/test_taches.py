"""Beat tasks of the sollicitations: closing answered requests left alone, re-sending public
e-mails whose task never ran."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sollicitations import tasks
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import CourrielPublic, Sollicitation
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db


def vieillir(s, jours):
    Sollicitation.objects.filter(pk=s.pk).update(
        en_attente_depuis=timezone.now() - timedelta(days=jours)
    )


def test_une_reponse_sans_suite_depuis_quinze_jours_est_cloturee(
    mailoutbox, django_capture_on_commit_callbacks
):
    monde = f.fournisseur_et_entite()
    agent = f.agent_entite(monde.entite)
    ancienne = f.repondue(f.question_envoyee(monde, objet="Ancienne"), agent)
    recente = f.repondue(f.question_envoyee(monde, objet="Récente"), agent)
    vieillir(ancienne, 16)
    vieillir(recente, 3)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.cloturer_sollicitations_sans_suite() == 1
    assert tasks.cloturer_sollicitations_sans_suite() == 0  # twice: nothing more

    ancienne.refresh_from_db()
    recente.refresh_from_db()
    assert (ancienne.statut, recente.statut) == (S.CLOTUREE, S.REPONDUE)
    ligne = ancienne.historique.last()
    assert (ligne.acteur, ligne.role) == (None, "SYSTEME")
    assert "automatique" in ligne.motif
    [courriel] = mailoutbox
    assert courriel.to == [monde.fournisseur.email]
    # The requester may still send it back.
    assert ancienne.statut == S.CLOTUREE


def test_les_courriels_publics_en_attente_sont_relances(mailoutbox):
    s = f.publique()
    courriel = CourrielPublic.objects.get(sollicitation=s)
    assert tasks.relancer_courriels_publics() == 0  # too recent: its own task may still run
    CourrielPublic.objects.filter(pk=courriel.pk).update(
        cree_le=timezone.now() - timedelta(minutes=10)
    )
    assert tasks.relancer_courriels_publics() == 1
    assert len(mailoutbox) == 1
    assert tasks.relancer_courriels_publics() == 0
