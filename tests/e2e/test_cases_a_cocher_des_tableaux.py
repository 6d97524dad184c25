"""The boxes of the selectable tables (Factures reçues' batch processing, the returns dialog)
take a mouse click: each row's box is drawn by the DSFR inside its row, where the user clicks.

They once were labels holding only an sr-only span: the label had no height, the box it drew
hung below the row, and the next row's cell (or the table's edge) took the click."""

import pytest

from chorus.management.commands.demo import MOT_DE_PASSE
from factures.enums import StatutFacture as S
from factures.models import Facture
from tests.e2e.conftest import se_connecter, verifier_accessibilite

pytestmark = pytest.mark.e2e

AGENT = "agent.finances@demo.chorus.test"
A_COCHER = ["DUR-2026-101", "DUR-2026-102"]


def test_l_agent_coche_deux_factures_a_la_souris_et_les_traite_par_lot(page, demo):
    se_connecter(page, AGENT, MOT_DE_PASSE)
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name="Factures reçues"
    ).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    for numero in A_COCHER:
        case = page.get_by_role("checkbox", name=f"Sélectionner la facture {numero}")
        case.click()  # a real click at the box's place: it fails if anything covers it
        assert case.is_checked()

    page.get_by_label("Action").select_option(label="Service fait")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Confirmer le traitement").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    statuts = dict(Facture.objects.filter(numero__in=A_COCHER).values_list("numero", "statut"))
    assert statuts == dict.fromkeys(A_COCHER, S.SERVICE_FAIT)


def test_le_gestionnaire_coche_deux_demandes_a_la_souris_et_les_approuve_ensemble(page, demo):
    from habilitations.models import Rattachement
    from structures.models import Structure
    from tests.habilitations.factories_gestion import demande_rattachement

    commune = Structure.objects.get(raison_sociale="Commune de Démoville")
    demandes = [
        demande_rattachement(commune, prenom="Léa", nom="Girard"),
        demande_rattachement(commune, prenom="Marc", nom="Lopez"),
    ]
    se_connecter(page, "gestionnaire@demo.chorus.test", MOT_DE_PASSE)
    page.goto(f"/organisation/structures/{commune.pk}/approbations/")
    verifier_accessibilite(page)
    for nom in ("Léa Girard", "Marc Lopez"):
        case = page.get_by_role("checkbox", name=f"Sélectionner la demande de {nom}")
        case.click()  # a real click at the box's place: it fails if anything covers it
        assert case.is_checked()
    page.get_by_role("button", name="Approuver la sélection").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    statuts = Rattachement.objects.filter(pk__in=[d.pk for d in demandes])
    assert set(statuts.values_list("statut", flat=True)) == {"ACTIF"}
