"""The demo requests: various statuses for the demo accounts, loaded twice without doubles."""

import pytest
from django.core.management import call_command

from habilitations.models import Utilisateur
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import Sollicitation
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db


def test_la_demo_charge_des_sollicitations_une_seule_fois(settings):
    settings.DEBUG = True
    f.referentiel()
    call_command("demo")
    premiere = sorted(Sollicitation.objects.values_list("numero", "statut"))
    call_command("demo")
    assert sorted(Sollicitation.objects.values_list("numero", "statut")) == premiere

    statuts = {statut for _numero, statut in premiere}
    assert {S.BROUILLON, S.ENVOYEE, S.EN_ATTENTE_COMPLEMENT, S.REPONDUE, S.CLOTUREE} <= statuts
    support = Utilisateur.objects.get(email="support@demo.chorus.test")
    gestionnaire = Utilisateur.objects.get(email="gestionnaire@demo.chorus.test")
    agent_finances = Utilisateur.objects.get(email="agent.finances@demo.chorus.test")
    question = Sollicitation.objects.get(facture__numero="FA-2026-0107")
    assert question.statut == S.EN_ATTENTE_COMPLEMENT
    assert question in Sollicitation.objects.pour_desk(gestionnaire)
    # The FINANCES agent reads her service's requests; support never sees the commune's.
    assert question in Sollicitation.objects.pour_desk(agent_finances)
    assert question not in Sollicitation.objects.pour_desk(support)
    assert Sollicitation.objects.pour_desk(support).filter(demandeur__isnull=True).exists()
