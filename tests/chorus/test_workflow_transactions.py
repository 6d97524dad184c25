"""The engine inside its caller's transaction: with a savepoint by default, without one when
the caller's transaction is the transition's own (`savepoint=False`, one invoice of a
batch), and in both cases a refusal changes nothing and leaves the transaction usable."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chorus.workflow import ActionImpossible
from habilitations.circuits import RATTACHEMENT
from habilitations.enums import ActionRattachement as A
from habilitations.enums import StatutRattachement as S
from habilitations.models import Rattachement, RattachementHistorique
from tests.habilitations.factories import RattachementFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demande():
    return RattachementFactory()


@pytest.fixture
def gp(demande):
    return UtilisateurFactory(gestionnaire_de=demande.structure)


@pytest.mark.parametrize("savepoint", [True, False])
def test_un_refus_ne_change_rien_et_la_transaction_de_l_appelant_reste_utilisable(
    gp, demande, savepoint
):
    with transaction.atomic():
        with pytest.raises(ActionImpossible):
            RATTACHEMENT.appliquer(demande, action=A.DETACHER, acteur=gp, savepoint=savepoint)
        # The caller goes on in the same transaction: a query, then a legal action.
        assert Rattachement.objects.get(pk=demande.pk).statut == S.EN_ATTENTE
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=gp, savepoint=savepoint)

    assert Rattachement.objects.get(pk=demande.pk).statut == S.ACTIF
    assert [h.action for h in RattachementHistorique.objects.filter(objet=demande)] == [A.APPROUVER]


def test_sans_savepoint_la_transition_est_celle_de_la_transaction_de_l_appelant(gp, demande):
    class Panne(Exception):
        pass

    with pytest.raises(Panne), transaction.atomic():
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=gp, savepoint=False)
        raise Panne

    # Undone with the caller's transaction: status and history.
    assert Rattachement.objects.get(pk=demande.pk).statut == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()


def test_sans_savepoint_deux_allers_retours_de_moins(gp):
    def requetes_de(savepoint):
        demande = RattachementFactory(structure=gp.structures_gerees.get())
        with CaptureQueriesContext(connection) as requetes, transaction.atomic():
            RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=gp, savepoint=savepoint)
        return [q["sql"] for q in requetes.captured_queries if "SAVEPOINT" in q["sql"]]

    # (The test's own block is a savepoint too: the test case runs in a transaction.)
    assert len(requetes_de(True)) == len(requetes_de(False)) + 2


def _lectures_de(requetes) -> list[str]:
    return [
        q["sql"]
        for q in requetes.captured_queries
        if q["sql"].startswith("SELECT") and Rattachement._meta.db_table in q["sql"]
    ]


def test_deja_verrouille_la_ligne_n_est_ni_verrouillee_ni_lue_une_seconde_fois(gp, demande):
    with CaptureQueriesContext(connection) as requetes, transaction.atomic():
        verrouillee = Rattachement.objects.select_for_update().get(pk=demande.pk)
        RATTACHEMENT.appliquer(verrouillee, action=A.APPROUVER, acteur=gp, deja_verrouille=True)

    assert len(_lectures_de(requetes)) == 1  # the caller's own
    assert Rattachement.objects.get(pk=demande.pk).statut == S.ACTIF
    assert [h.action for h in RattachementHistorique.objects.filter(objet=demande)] == [A.APPROUVER]


def test_deja_verrouille_un_refus_laisse_l_instance_de_l_appelant_intacte(gp, demande):
    with transaction.atomic():
        verrouillee = Rattachement.objects.select_for_update().get(pk=demande.pk)
        with pytest.raises(ActionImpossible):
            RATTACHEMENT.appliquer(verrouillee, action=A.DETACHER, acteur=gp, deja_verrouille=True)
        assert verrouillee.statut == S.EN_ATTENTE


def test_deja_verrouille_une_ecriture_refusee_par_la_base_laisse_l_instance_intacte(gp, demande):
    from django.db import DataError

    with transaction.atomic():
        verrouillee = Rattachement.objects.select_for_update().get(pk=demande.pk)
        with pytest.raises(DataError):
            RATTACHEMENT.appliquer(
                verrouillee,
                action=A.APPROUVER,
                acteur=gp,
                # Longer than the column: PostgreSQL refuses the UPDATE.
                modifications={"statut": "X" * 200},
                deja_verrouille=True,
            )
        # The savepoint is undone and the caller's instance says what the row holds.
        assert verrouillee.statut == S.EN_ATTENTE
        assert Rattachement.objects.get(pk=demande.pk).statut == S.EN_ATTENTE


@pytest.mark.django_db(transaction=True)
def test_deja_verrouille_hors_transaction_est_une_erreur_de_programmation(gp, demande):
    with pytest.raises(RuntimeError):
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=gp, deja_verrouille=True)
    assert Rattachement.objects.get(pk=demande.pk).statut == S.EN_ATTENTE
