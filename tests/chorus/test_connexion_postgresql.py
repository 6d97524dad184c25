"""The PostgreSQL connection as the portal opens it (chorus/settings.py's OPTIONS)."""

import pytest
from django.db import connection

from structures.models import Structure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _options_de_la_session(nom: str) -> str:
    with connection.cursor() as curseur:
        curseur.execute("SELECT current_setting(%s)", [nom])
        return curseur.fetchone()[0]


def test_une_requete_repetee_n_est_jamais_preparee():
    # A prepared statement may switch to a generic plan after five runs: the lists of a
    # supplier with 20,000 invoices would be planned as for the average one.
    for _ in range(8):
        list(Structure.objects.filter(identifiant="12345678200010"))
    with connection.cursor() as curseur:
        curseur.execute("SELECT count(*) FROM pg_prepared_statements")
        assert curseur.fetchone()[0] == 0


def test_les_plans_restent_au_choix_de_postgresql():
    # force_custom_plan would re-plan every foreign-key check at commit.
    assert _options_de_la_session("plan_cache_mode") == "auto"
    assert _options_de_la_session("jit") == "off"
