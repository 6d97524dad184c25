"""Amounts, quantities and dates written the French way on the rendered documents."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from factures.rendu.nombres import (
    date_et_heure_paris,
    date_fr,
    iban_lisible,
    montant_fr,
    nombre_fr,
    siret_lisible,
    taux_fr,
)

D = Decimal
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("valeur", "devise", "attendu"),
    [
        (D("0"), "EUR", "0,00 €"),
        (D("1234567.5"), "EUR", "1 234 567,50 €"),
        (D("999.999"), "EUR", "1 000,00 €"),  # half-up to the cent
        (D("-8.335"), "EUR", "-8,34 €"),
        (D("12"), "USD", "12,00 USD"),
    ],
)
def test_montants(valeur, devise, attendu):
    assert montant_fr(valeur, devise) == attendu.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (D("10.0000"), "10"),
        (D("1.5000"), "1,5"),
        (D("1234.5678"), "1 234,5678"),
        (D("-0.00001"), "0"),
    ],
)
def test_quantites(valeur, attendu):
    assert nombre_fr(valeur) == attendu.replace(" ", NBSP)


def test_prix_unitaire_a_six_decimales_au_plus_et_deux_au_moins():
    assert nombre_fr(D("18.9"), decimales_min=2, decimales_max=6) == "18,90"
    assert nombre_fr(D("0.123456"), decimales_min=2, decimales_max=6) == "0,123456"


def test_taux_siret_iban_et_dates():
    assert taux_fr(D("5.50")) == f"5,5{NBSP}%"
    assert taux_fr(D("20.00")) == f"20{NBSP}%"
    assert siret_lisible("30000000700017") == NBSP.join(["300", "000", "007", "00017"])
    assert siret_lisible("B123") == "B123"
    assert iban_lisible("FR7630004000031234567890143") == "FR76 3000 4000 0312 3456 7890 143"
    assert date_fr(date(2026, 3, 9)) == "09/03/2026"
    assert date_fr(None) == ""
    # Paris is UTC+1 in winter, UTC+2 in summer, whatever the server's zone.
    hiver, ete = datetime(2026, 1, 31, 23, 30, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert date_et_heure_paris(hiver) == ("01/02/2026", "00:30:00")
    assert date_et_heure_paris(ete) == ("01/07/2026", "14:00:00")
