"""The demo's invoices of Bâtiments Durand: made through the services, in the statuses a
supplier meets, once however many times the demo runs."""

import pytest
from django.core.management import call_command

from factures.enums import EtatControle
from factures.enums import StatutFacture as S
from factures.models import Facture

pytestmark = pytest.mark.django_db


def test_la_demo_donne_des_factures_dans_chaque_situation(
    settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    factures = Facture.objects.filter(fournisseur__raison_sociale="Bâtiments Durand SARL")
    statuts = dict(factures.exclude(numero="").values_list("numero", "statut"))
    assert statuts["BD-2026-001"] == S.MISE_A_DISPOSITION
    assert statuts["BD-2026-002"] == S.SUSPENDUE
    assert statuts["BD-2026-003"] == S.A_RECYCLER
    assert statuts["BD-2026-004"] == S.REJETEE
    assert statuts["BD-2026-005"] == S.MISE_EN_PAIEMENT
    deposee = factures.get(numero="BD-2026-006")
    assert (deposee.statut, deposee.etat_controle) == (S.BROUILLON, EtatControle.TERMINE)
    assert not deposee.anomalies.filter(severite="BLOQUANTE").exists()
    envoyee = factures.get(numero="BD-2026-001")
    assert envoyee.lignes.count() == 3 and envoyee.lignes_tva.count() == 2
    assert envoyee.document_rendu is not None and envoyee.document_certificat is not None
    assert factures.filter(numero="", statut=S.BROUILLON).count() == 1
    nombre = factures.count()
    call_command("demo")
    assert factures.count() == nombre
