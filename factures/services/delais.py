"""Deadlines: what happens to a piece nobody acted on in time (architecture, core 2).

A piece waiting for someone carries the date its step times out (`Facture.echeance_action`,
indexed). A beat task calls `balayer_echeances` every minute: it takes the overdue pieces in
batches of 1,000, locked with `SELECT … FOR UPDATE SKIP LOCKED` (two sweeps at once share
the work instead of waiting for each other), and hands each batch to the timeout of its
status, inside the batch's transaction. The timeouts go through the workflow engine, which
re-checks each status under the lock: a sweep run twice, or in two workers, changes each
piece once.

The table of timeouts is open: `enregistrer_delai(statuts, traitement)`. This module
registers the validators' 15 days on ordinary invoices (A_VALIDER_1 / A_VALIDER_2: tacit
validation, then the invoice moves on); the works app registers its own (the MOE's 7 days,
its sub-contractors' pieces) the same way, by status and cadre. A timeout
receives the locked pieces of one status and must move them on or clear or push back
their deadline; a piece it leaves overdue has its deadline cleared (and a warning logged),
so that no batch comes back forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from factures.circuits import FACTURE
from factures.enums import ActionFacture as A
from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture
from factures.services import notifications
from factures.services.acheminement import CHAMPS_ACHEMINEMENT, suite_acheminement

logger = logging.getLogger(__name__)

TAILLE_LOT = 1000

Traitement = Callable[[list[Facture]], object]

# (status, cadre or None for every cadre) -> timeout.
_DELAIS: dict[tuple[str, str | None], Traitement] = {}


def enregistrer_delai(
    statuts: Iterable[str], traitement: Traitement, *, cadres: Iterable[str] | None = None
) -> None:
    """Declares the timeout of pieces overdue in one of `statuts` (of these `cadres` only,
    or of every cadre)."""
    for statut in statuts:
        for cadre in cadres if cadres is not None else [None]:
            deja = _DELAIS.get((statut, cadre))
            if deja is not None and deja is not traitement:
                raise ValueError(f"A timeout is already registered for {statut} ({cadre})")
            _DELAIS[(statut, cadre)] = traitement


def _traitement_de(facture: Facture) -> Traitement:
    return _DELAIS.get((facture.statut, facture.cadre)) or _DELAIS[(facture.statut, None)]


def _avec_delai() -> Q:
    """Pieces whose (status, cadre) has a timeout."""
    q = Q(pk__in=[])
    for statut, cadre in _DELAIS:
        q |= Q(statut=statut) if cadre is None else Q(statut=statut, cadre=cadre)
    return q


def factures_echues(maintenant: datetime | None = None):
    """Pieces whose deadline has passed, in a status that has a timeout."""
    return Facture.objects.filter(_avec_delai(), echeance_action__lte=maintenant or timezone.now())


def balayer_echeances(
    *, maintenant: datetime | None = None, taille_lot: int = TAILLE_LOT, lots_max: int | None = None
) -> int:
    """Applies the timeout of every overdue piece, batch after batch; returns how many pieces
    were handled. Each batch is one transaction."""
    maintenant = maintenant or timezone.now()
    total = 0
    lots = 0
    while lots_max is None or lots < lots_max:
        with transaction.atomic():
            lot = list(
                factures_echues(maintenant)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("echeance_action", "pk")
                .only("pk", "statut", "cadre", "echeance_action")[:taille_lot]
            )
            if not lot:
                break
            par_traitement: dict[Traitement, list[Facture]] = {}
            for facture in lot:
                par_traitement.setdefault(_traitement_de(facture), []).append(facture)
            for traitement, groupe in par_traitement.items():
                traitement(groupe)
            restees = Facture.objects.filter(
                pk__any=[f.pk for f in lot], echeance_action__lte=maintenant
            ).update(echeance_action=None)
            if restees:
                logger.warning("%s overdue pieces were left by their timeout", restees)
        total += len(lot)
        lots += 1
        if len(lot) < taille_lot:
            break
    return total


def _validation_tacite(factures: list[Facture]) -> None:
    """No answer from the validator within 15 days: tacit validation
    (ABSENCE_VALIDATION_n_HORS_DELAI), then the invoice moves on by itself (second validator
    or recipient). One call of the engine for the whole batch: every step checked from the
    status under lock and historised, written in a few set-based queries."""
    lignes = FACTURE.appliquer_en_lot(
        factures,
        action=A.CONSTATER_ABSENCE_VALIDATION,
        modifications={"echeance_action": None},
        suite=suite_acheminement(),
        champs=CHAMPS_ACHEMINEMENT,
        # 1,000 invoices and 3,000 steps per batch: told from the rows in hand on commit,
        # not through 3,000 outbox rows (the sweep of 100,000 took 20 s more that way).
        consigner=False,
    )
    notifications.annoncer_au_commit([(ligne.objet, ligne) for ligne in lignes])


enregistrer_delai(
    [S.A_VALIDER_1, S.A_VALIDER_2],
    _validation_tacite,
    cadres=[C.A9_FACTURE_SOUSTRAITANT, C.A12_FACTURE_COTRAITANT],
)
