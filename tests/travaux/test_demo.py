"""The demo's works dossier: what the README announces, loaded twice without duplicates."""

import pytest
from django.core.management import call_command

from factures.enums import StatutFacture as S
from factures.models import Facture
from habilitations.enums import Application
from habilitations.models import Utilisateur
from travaux.models import DossierFacturation

pytestmark = pytest.mark.django_db


def test_la_demo_ouvre_un_dossier_de_travaux_une_seule_fois(settings):
    settings.DEBUG = True
    call_command("demo")
    call_command("demo")
    dossier = DossierFacturation.objects.get()
    assert dossier.numero_marche == "2026-VAL-07"
    assert (dossier.titulaire.raison_sociale, dossier.moe.raison_sociale) == (
        "Bâtiments Durand SARL",
        "Atelier Lemoine Architectes",
    )
    assert dossier.moa.presence_moa == "EXCLUSIVEMENT_MOA"
    statuts = dict(dossier.pieces.values_list("numero", "statut"))
    assert statuts == {
        "PDM-2026-09": S.ASSOCIEE,
        "EA-2026-09": S.ASSOCIEE,
        "EAV-2026-09": S.MISE_A_DISPOSITION,
        "PDM-2026-10": S.MISE_A_DISPOSITION_MOE,
    }
    # The Commune's finance agent finds the validated état d'acompte in Factures reçues.
    agent = Utilisateur.objects.get(email="agent.finances@demo.chorus.test")
    recues = Facture.objects.visible_to(agent, Application.FACTURES_RECUES)
    assert recues.filter(numero="EAV-2026-09").exists()
