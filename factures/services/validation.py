"""Factures à valider: the titulaire or the mandataire validates its sub- or co-contractors'
invoices (domain §6.1).

A validator validates (with an optional complément d'information, kept as the history row's
comment), refuses for another reason (motif; the circuit ends), or refuses because he is not
the right validator (motif; the supplier then names the right one, in Factures émises).
After a validation the invoice moves on by itself: to the second validator when there is
one, else to the recipient. Without an answer within 15 days the deadline sweep
(`factures.services.delais`) validates tacitly.
"""

from __future__ import annotations

from django.db import transaction

from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.models import Facture, FactureHistorique
from factures.services.acheminement import facture_acheminer

ACTIONS_VALIDEUR = [A.VALIDER, A.REFUSER, A.SIGNALER_ERREUR_VALIDEUR]

# The validator's step is over: its deadline no longer applies.
_FIN_DU_DELAI = {"echeance_action": None}


@transaction.atomic
def facture_valider(*, facture: Facture, acting_user, complement: str = "") -> FactureHistorique:
    """Validates the invoice and routes it on (second validator or recipient)."""
    ligne = circuit_de(facture).appliquer(
        facture,
        action=A.VALIDER,
        acteur=acting_user,
        motif=complement,
        modifications=_FIN_DU_DELAI,
    )
    facture_acheminer(facture=facture)
    return ligne


@transaction.atomic
def facture_refuser(*, facture: Facture, acting_user, motif: str) -> FactureHistorique:
    """Refuses the invoice for another reason than routing: its circuit ends."""
    return circuit_de(facture).appliquer(
        facture, action=A.REFUSER, acteur=acting_user, motif=motif, modifications=_FIN_DU_DELAI
    )


@transaction.atomic
def facture_signaler_erreur_valideur(
    *, facture: Facture, acting_user, motif: str
) -> FactureHistorique:
    """The validator is not the right one: back to the supplier, who names the right one."""
    return circuit_de(facture).appliquer(
        facture,
        action=A.SIGNALER_ERREUR_VALIDEUR,
        acteur=acting_user,
        motif=motif,
        modifications=_FIN_DU_DELAI,
    )


def facture_traiter_validation(
    *, facture: Facture, action: str, acting_user, motif: str = ""
) -> FactureHistorique:
    """One entry point for the validator's page: `action` among `ACTIONS_VALIDEUR`."""
    if action == A.VALIDER:
        return facture_valider(facture=facture, acting_user=acting_user, complement=motif)
    if action == A.REFUSER:
        return facture_refuser(facture=facture, acting_user=acting_user, motif=motif)
    if action == A.SIGNALER_ERREUR_VALIDEUR:
        return facture_signaler_erreur_valideur(
            facture=facture, acting_user=acting_user, motif=motif
        )
    raise ValueError(f"Not a validator's action: {action}")
