"""Fixtures shared by the works tests: a building site with its parties, and its dossier."""

import pytest

from tests.travaux.factories import Chantier, DossierFactory


@pytest.fixture
def ch():
    return Chantier()


@pytest.fixture
def dossier(ch):
    return DossierFactory(
        titulaire=ch.titulaire,
        moe=ch.moe_structure,
        moa=ch.moa_structure,
        structure_financiere=ch.financiere,
        service_financier=ch.service_financier,
    )
