"""Counts and amounts by status, for the dashboard's bar chart and its data table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from factures.enums import StatutFacture


@dataclass(frozen=True)
class Barre:
    statut: str
    libelle: str
    nombre: int
    # Amounts TTC by currency ({"EUR": Decimal(...)}), currencies sorted.
    montants: dict[str, Decimal]
    # Width of the bar in percent of the largest count (0–100, at least 1 when not empty).
    largeur: int


def par_statut(qs: QuerySet, champ_statut: str = "statut") -> list[Barre]:
    """One grouped query: per status (in the order of the statuses' declaration) the number
    of invoices and their total amount TTC per currency."""
    lignes = (
        qs.order_by()
        .values(champ_statut, "devise")
        .annotate(nombre=Count("pk"), montant=Sum("montant_ttc"))
    )
    nombres: dict[str, int] = {}
    montants: dict[str, dict[str, Decimal]] = {}
    for ligne in lignes:
        statut = ligne[champ_statut]
        nombres[statut] = nombres.get(statut, 0) + ligne["nombre"]
        montants.setdefault(statut, {})[ligne["devise"]] = ligne["montant"] or Decimal("0.00")
    plus_grand = max(nombres.values(), default=0)
    ordre = {code: rang for rang, code in enumerate(StatutFacture.values)}
    barres = []
    for statut in sorted(nombres, key=lambda s: ordre.get(s, len(ordre))):
        largeur = round(100 * nombres[statut] / plus_grand) if plus_grand else 0
        barres.append(
            Barre(
                statut=statut,
                libelle=StatutFacture(statut).label if statut in ordre else statut,
                nombre=nombres[statut],
                montants=dict(sorted(montants[statut].items())),
                largeur=max(largeur, 1),
            )
        )
    return barres


def totaux(barres: list[Barre]) -> tuple[int, dict[str, Decimal]]:
    nombre = sum(b.nombre for b in barres)
    montants: dict[str, Decimal] = {}
    for barre in barres:
        for devise, montant in barre.montants.items():
            montants[devise] = montants.get(devise, Decimal("0.00")) + montant
    return nombre, dict(sorted(montants.items()))
