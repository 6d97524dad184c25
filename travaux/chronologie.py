"""The dossier as a timeline: each piece, who deposited it, its status, which piece answers
which, the deadline running, and the amounts from projet to validated état d'acompte with
the differences between them.

Pure functions over the pieces a user sees (already scoped by travaux.acces): the view runs
two queries (the pieces with their parties, the inclusions) whatever the dossier's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from factures.enums import StatutFacture
from factures.models import Facture
from travaux.services.depot import structure_deposante


@dataclass
class Etape:
    """One piece of the timeline."""

    piece: Facture
    deposant: object
    precedente: Facture | None = None
    suivantes: list[Facture] = field(default_factory=list)
    incluses: list[Facture] = field(default_factory=list)
    # Difference with the piece it answers (None: nothing to compare with).
    ecart_ht: Decimal | None = None
    ecart_ttc: Decimal | None = None

    @property
    def echeance(self):
        return self.piece.echeance_action

    @property
    def en_retard(self) -> bool:
        if self.piece.statut == StatutFacture.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE:
            return True
        return self.echeance is not None and self.echeance < timezone.now()

    @property
    def a_un_ecart(self) -> bool:
        return bool(self.ecart_ht) or bool(self.ecart_ttc)


@dataclass
class Chaine:
    """A piece and the answers that follow it, to the last one: the amounts' journey."""

    etapes: list[Etape]

    @property
    def premiere(self) -> Etape:
        return self.etapes[0]

    @property
    def derniere(self) -> Etape:
        return self.etapes[-1]

    @property
    def ecart_ttc(self) -> Decimal:
        return self.derniere.piece.montant_ttc - self.premiere.piece.montant_ttc

    @property
    def ecart_ht(self) -> Decimal:
        return self.derniere.piece.montant_ht - self.premiere.piece.montant_ht


def _ordre(piece: Facture):
    return (piece.deposee_le or piece.cree_le, piece.pk)


def chronologie(pieces, inclusions=()) -> list[Etape]:
    """The timeline of `pieces`, in the order they were deposited (drafts last).

    `inclusions`: (sub-contractor's piece, titulaire's décompte) pairs."""
    pieces = sorted(pieces, key=lambda p: (p.deposee_le is None, *_ordre(p)))
    par_id = {p.pk: p for p in pieces}
    etapes = {p.pk: Etape(piece=p, deposant=structure_deposante(p)) for p in pieces}
    for piece in pieces:
        etape = etapes[piece.pk]
        precedente = par_id.get(piece.piece_precedente_id)
        if precedente is None:
            continue
        etape.precedente = precedente
        etapes[precedente.pk].suivantes.append(piece)
        if piece.statut != StatutFacture.BROUILLON:
            etape.ecart_ht = piece.montant_ht - precedente.montant_ht
            etape.ecart_ttc = piece.montant_ttc - precedente.montant_ttc
    for incluse, decompte in inclusions:
        if decompte.pk in etapes and incluse.pk in par_id:
            etapes[decompte.pk].incluses.append(par_id[incluse.pk])
    return [etapes[p.pk] for p in pieces]


def chaines(etapes: list[Etape]) -> list[Chaine]:
    """The chains of answers that start with a piece answering none, drafts left out."""
    par_id = {e.piece.pk: e for e in etapes if e.piece.statut != StatutFacture.BROUILLON}
    resultat = []
    for etape in par_id.values():
        if etape.precedente is not None and etape.precedente.pk in par_id:
            continue
        suite = [etape]
        while suivantes := [par_id[s.pk] for s in suite[-1].suivantes if s.pk in par_id]:
            suite.append(suivantes[0])  # one answer per piece (the engine sees to it)
        if len(suite) > 1:
            resultat.append(Chaine(suite))
    return resultat
