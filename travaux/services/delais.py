"""Deadlines of works pieces: the titulaire's or mandataire's 15 days to validate a sub- or
co-contractor's piece (tacit validation after), the MOE's 7 days to answer (the piece is
then flagged ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE, still actionable, and the MOA and
supplier are told).

`piece_appliquer_echeance` is what the deadline sweep calls for one overdue works piece; the
engine re-checks the status under lock, so a sweep that runs twice changes a piece once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from factures.circuits import circuit_de
from factures.enums import CADRES_TRAVAUX
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture
from travaux.services.acheminement import piece_acheminer

ACTION_A_ECHEANCE = {
    S.A_VALIDER_1: A.CONSTATER_ABSENCE_VALIDATION,
    S.MISE_A_DISPOSITION_MOE: A.CONSTATER_DEPASSEMENT_DELAI_MOE,
    S.PRISE_EN_COMPTE_MOE: A.CONSTATER_DEPASSEMENT_DELAI_MOE,
}


@transaction.atomic
def piece_appliquer_echeance(*, piece: Facture, maintenant=None) -> str | None:
    """Applies the timeout of a works piece whose deadline has passed; returns the action
    applied, or None when there was nothing to do (answered meanwhile, not yet due)."""
    maintenant = maintenant or timezone.now()
    piece = Facture.objects.select_for_update(of=("self",)).get(pk=piece.pk)
    if piece.echeance_action is None or piece.echeance_action > maintenant:
        return None
    action = ACTION_A_ECHEANCE.get(piece.statut)
    if action is None:
        # The wait ended without the deadline being cleared: clear it, nothing else.
        Facture.objects.filter(pk=piece.pk).update(echeance_action=None)
        return None
    circuit_de(piece).appliquer(
        piece, action=action, acteur=None, modifications={"echeance_action": None}
    )
    if action == A.CONSTATER_ABSENCE_VALIDATION:
        piece_acheminer(piece=piece)  # tacit validation: on to the MOE
    return action


def pieces_echues(maintenant=None):
    """The works pieces whose deadline has passed, oldest first."""
    maintenant = maintenant or timezone.now()
    return Facture.objects.filter(
        cadre__in=CADRES_TRAVAUX, echeance_action__lte=maintenant
    ).order_by("echeance_action", "pk")
