"""What a follow-up space lists, and how (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.urls import reverse

from factures.models import Facture


@dataclass(frozen=True)
class Cellule:
    """One cell of a result table: text, with an optional link or DSFR badge class."""

    texte: str
    lien: str = ""
    badge: str = ""
    numerique: bool = False


@dataclass(frozen=True)
class Colonne:
    """A column of the result table and of the CSV export.

    - `cle`: its key in URLs (`?tri=montant`) and the CSV header's order;
    - `cellule(facture, espace)`: what the HTML table shows;
    - `csv(facture)`: the raw value exported (str, Decimal, date, datetime or None);
    - `tri`: the fields `order_by` uses when sorting on it (ascending); empty: not sortable;
    - `tableau`: False for a column of the CSV export only.
    """

    cle: str
    libelle: Any
    cellule: Callable[[Facture, Espace], Cellule]
    csv: Callable[[Facture], Any]
    tri: tuple[str, ...] = ()
    tableau: bool = True


@dataclass(frozen=True)
class Rubrique:
    """A section of the Synthèse page: invoices needing one kind of action."""

    cle: str
    titre: Any
    filtre: Q
    description: Any = ""


@dataclass(frozen=True)
class Espace:
    """A follow-up space.

    URL names are `<namespace>:<nom>_<page>` (`factures:emises_rechercher`) for the pages
    `synthese`, `rechercher`, `archives`, `tableau_de_bord`, `export` and `detail` (the latter
    takes the invoice's pk).
    `annoter` adds what the columns need (e.g. the status a supplier sees) to the scoped
    queryset; `champ_statut` names the status field the columns, filters and dashboard use.
    """

    application: str
    nom: str
    titre: Any
    colonnes: tuple[Colonne, ...]
    filtres: type
    rubriques: tuple[Rubrique, ...] = ()
    tri_par_defaut: str = "-cree_le"
    # Archives: the statuses that end an invoice's life, for this space.
    statuts_archives: tuple[str, ...] = ()
    champ_statut: str = "statut"
    select_related: tuple[str, ...] = ("fournisseur", "destinataire", "service_destinataire")
    annoter: Callable[[QuerySet], QuerySet] = field(default=lambda qs: qs)
    # History rows this space's users must not see in the recent events (e.g. a status the
    # recipient keeps to itself).
    evenements_masques: Q = field(default_factory=lambda: Q(pk__in=[]))
    # The URL namespace of the space's pages (another app's space: its own).
    namespace: str = "factures"

    def nom_url(self, page: str) -> str:
        return f"{self.namespace}:{self.nom}_{page}"

    def url(self, page: str, *args) -> str:
        return reverse(self.nom_url(page), args=args)

    def visibles(self, user) -> QuerySet:
        """Every invoice `user` may see in this space (core 1): the one scope of all its
        pages. A space narrower than its application (a role of Factures de travaux)
        says so here."""
        return Facture.objects.visible_to(user, self.application)

    def factures(self, user) -> QuerySet:
        """The visible invoices, ready for the columns."""
        return self.annoter(self.visibles(user).select_related(*self.select_related))

    def factures_a_lister(self, user) -> QuerySet:
        """The same invoices without the joins of `select_related`: a list sorts and cuts
        first, then `completer()` loads the related rows of the page only. (Joined first,
        PostgreSQL would join all 20,000 invoices of a supplier before sorting them.)"""
        return self.annoter(self.visibles(user))

    def completer(self, factures) -> list:
        """Loads what the columns need for these invoices, in one query per relation."""
        factures = list(factures)
        prefetch_related_objects(factures, *self.select_related)
        return factures

    def colonne(self, cle: str) -> Colonne | None:
        return next((c for c in self.colonnes if c.cle == cle), None)

    @property
    def colonnes_du_tableau(self) -> tuple[Colonne, ...]:
        return tuple(c for c in self.colonnes if c.tableau)
