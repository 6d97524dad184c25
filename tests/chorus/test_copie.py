"""Rows written in bulk (chorus.copie): what COPY writes on PostgreSQL reads back as what
`bulk_create` writes elsewhere, decimals, dates and foreign keys included."""

from decimal import Decimal

import pytest

from chorus import copie
from factures.models import LigneFacture
from tests.factures.factories import FactureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[pytest.param("copy", marks=pytest.mark.postgres), "bulk_create"])
def ecriture(request, monkeypatch):
    if request.param == "bulk_create":
        monkeypatch.setattr(copie, "copie_possible", lambda connexion: False)
    return request.param


def test_des_instances_copiees_se_relisent_telles_quelles(ecriture):
    facture = FactureFactory()
    lignes = [
        LigneFacture(
            facture=facture,
            ordre=rang,
            designation=f"Peinture « mate » {rang}\tpièce",
            quantite=Decimal("1.2345"),
            prix_unitaire_ht=Decimal("10.123456"),
            taux_tva=Decimal("20.00"),
            montant_ht=Decimal("12.50"),
        )
        for rang in (1, 2)
    ]
    copie.copier_instances(LigneFacture, lignes)
    relues = list(facture.lignes.order_by("ordre"))
    assert [ligne.designation for ligne in relues] == [
        "Peinture « mate » 1\tpièce",
        "Peinture « mate » 2\tpièce",
    ]
    assert {ligne.quantite for ligne in relues} == {Decimal("1.2345")}
    assert {ligne.prix_unitaire_ht for ligne in relues} == {Decimal("10.123456")}
    assert all(ligne.pk for ligne in relues)  # ids from the database's sequence


def test_rien_a_copier_n_ecrit_rien(ecriture, django_assert_num_queries):
    with django_assert_num_queries(0):
        copie.copier_instances(LigneFacture, [])
