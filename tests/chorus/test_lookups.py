"""`__any`: the rows `__in` gives, with the list bound as one array on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habilitations.models import Rattachement, RattachementHistorique, Utilisateur
from tests.habilitations.factories import RattachementFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_les_memes_lignes_que_in():
    demandes = RattachementFactory.create_batch(4)
    ids = [demandes[2].pk, demandes[0].pk, demandes[0].pk, None, 10**9]

    assert set(Rattachement.objects.filter(pk__any=ids)) == {demandes[0], demandes[2]}
    assert set(Rattachement.objects.filter(pk__any=ids)) == set(
        Rattachement.objects.filter(pk__in=ids)
    )
    assert list(Rattachement.objects.filter(pk__any=[])) == []
    assert list(Rattachement.objects.filter(pk__any=[None])) == []
    assert Rattachement.objects.exclude(pk__any=ids).count() == 2


def test_d_autres_types_une_cle_etrangere_et_une_sous_requete():
    alice, bruno = UtilisateurFactory(email="alice@a.fr"), UtilisateurFactory()
    demande = RattachementFactory(utilisateur=alice)
    RattachementFactory(utilisateur=bruno)

    assert list(Utilisateur.objects.filter(email__any=["alice@a.fr", "x@y.fr"])) == [alice]
    # A foreign key through the related primary key: the local column, no join.
    with CaptureQueriesContext(connection) as requetes:
        assert list(Rattachement.objects.filter(utilisateur__pk__any=[alice.pk])) == [demande]
    assert "JOIN" not in requetes.captured_queries[0]["sql"]
    # A subquery is left to `__in`.
    assert list(
        Rattachement.objects.filter(pk__any=Rattachement.objects.filter(utilisateur=alice))
    ) == [demande]
    assert not RattachementHistorique.objects.filter(objet__pk__any=[demande.pk]).exists()


@pytest.mark.postgres
def test_sur_postgresql_une_seule_valeur_liee():
    ids = [d.pk for d in RattachementFactory.create_batch(3)]

    with CaptureQueriesContext(connection) as requetes:
        list(Rattachement.objects.filter(pk__any=ids))

    sql = requetes.captured_queries[0]["sql"]
    assert " IN (" not in sql
    # Typed as the column: a smallint[] would not be looked up in a hash by PostgreSQL.
    assert "= ANY(" in sql and "::bigint[])" in sql
