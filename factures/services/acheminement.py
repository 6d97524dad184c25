"""Routing: where an invoice goes after it is sent, validated, or corrected (domain §6.1).

`facture_acheminer` is called by the system (`acteur=None`) once the supplier has sent the
invoice (DEPOSEE), once a validator has validated it or let the deadline pass, and once the
supplier has recycled it (EN_COURS_ACHEMINEMENT). It moves the invoice as far as it goes
without a human: to the first or second validator (with the 15-day deadline), or to the
recipient (MISE_A_DISPOSITION). Each step is one transition of the engine, so each is in the
history, and calling it again on an invoice already routed changes nothing.

It is the engine's batch path with `suite_acheminement()` as its suite, for one invoice
here and for many in the deadline sweep (tacit validation, then routing): the row is locked
and read once, and the chain is told once on commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone

from factures.circuits import FACTURE
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture

DELAI_VALIDATION = timedelta(days=15)

_APRES_VALIDATION_1 = {S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI}
_APRES_VALIDATION_2 = {S.VALIDEE_2, S.ABSENCE_VALIDATION_2_HORS_DELAI}


def _prochaine_action(facture: Facture, maintenant: datetime) -> tuple[str, dict] | None:
    """The system's next routing action from the invoice's status, with the fields it sets.
    Reads the status and the validators only (`CHAMPS_ACHEMINEMENT`)."""
    a_valider = {
        "soumise_a_validation_le": maintenant,
        "echeance_action": maintenant + DELAI_VALIDATION,
    }
    if facture.statut == S.DEPOSEE and facture.valideur_1_id:
        return A.SOUMETTRE_VALIDEUR_1, a_valider
    if facture.statut in _APRES_VALIDATION_1 and facture.valideur_2_id:
        return A.SOUMETTRE_VALIDEUR_2, a_valider
    if facture.statut in {S.DEPOSEE, *_APRES_VALIDATION_1, *_APRES_VALIDATION_2}:
        return A.ACHEMINER, {"echeance_action": None}
    if facture.statut == S.EN_COURS_ACHEMINEMENT:
        return A.METTRE_A_DISPOSITION, {
            "mise_a_disposition_le": maintenant,
            "echeance_action": None,
        }
    return None


# Cadres routed by another app (the works pieces, by `travaux`): cadre -> its routing.
_ACHEMINEMENTS_PAR_CADRE: dict[str, Callable[[Facture], list[str]]] = {}


def enregistrer_acheminement(cadres, acheminer: Callable[[Facture], list[str]]) -> None:
    """Declares the routing of other cadres: `facture_acheminer` (after a validation in
    Factures à valider, for instance) hands their pieces to it."""
    for cadre in cadres:
        _ACHEMINEMENTS_PAR_CADRE[cadre] = acheminer


# What `_prochaine_action` reads besides the status: the batch path loads these only.
CHAMPS_ACHEMINEMENT = ("valideur_1", "valideur_2")


def suite_acheminement(maintenant: datetime | None = None) -> Callable[[Facture], object]:
    """The routing as the engine's `suite` (`Circuit.appliquer_en_lot`): after a timeout or
    on its own, every invoice of a batch goes as far as the system may take it. One clock
    for the whole batch, so that the invoices that end alike are written together."""
    maintenant = maintenant or timezone.now()
    return partial(_prochaine_action, maintenant=maintenant)


def facture_acheminer(*, facture: Facture) -> list[str]:
    """Routes `facture` as far as the system may; returns the actions applied (maybe none).
    Each path is one transaction of its own (the batch path's, the works routing's)."""
    if facture.cadre in _ACHEMINEMENTS_PAR_CADRE:
        return _ACHEMINEMENTS_PAR_CADRE[facture.cadre](facture)
    return _acheminer_ordinaire(facture.pk)


def facture_acheminer_par_id(facture_id: int, cadre: str | None = None) -> list[str]:
    """`facture_acheminer` from an id (the routing task's): an ordinary cadre known to the
    caller goes straight to the batch path, which reads the row under its lock; otherwise
    the cadre is read first. An invoice gone is routed nowhere."""
    if cadre is None or cadre in _ACHEMINEMENTS_PAR_CADRE:
        facture = Facture.objects.filter(pk=facture_id).only("pk", "cadre").first()
        return facture_acheminer(facture=facture) if facture is not None else []
    return _acheminer_ordinaire(facture_id)


def _acheminer_ordinaire(facture_id: int) -> list[str]:
    # The engine's batch path, for one invoice: its row locked and read once, its steps
    # written in one UPDATE and one history INSERT each, the chain told once on commit. A
    # validator's step ends the routing: `_prochaine_action` has nothing from A_VALIDER_n.
    lignes = FACTURE.appliquer_en_lot(
        [facture_id], action=None, suite=suite_acheminement(), champs=CHAMPS_ACHEMINEMENT
    )
    return [ligne.action for ligne in lignes]
