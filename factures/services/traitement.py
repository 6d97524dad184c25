"""Factures reçues: the recipient processes invoices, one at a time or several at once (§6.1).

From MISE_A_DISPOSITION or COMPLETEE the recipient sends the invoice back (à recycler,
suspendue, rejetée: a motif each; returns are allowed until MANDATEE) or moves it forward
(service fait, mandatée with its mandate number, mise à disposition du comptable,
comptabilisée, mise en paiement): never backwards, any step may be skipped. The table of
what is allowed from where is the circuit's (`factures.circuits`); these functions only add
what the engine does not know: the mandate number, and the return the supplier will have to
acknowledge.

A batch applies the action to each invoice in its own transaction, through the engine, and
reports per invoice what was done and what was refused, and why: one refusal never undoes the
others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chorus.workflow import ActionImpossible, TransitionRefusee
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture, FactureHistorique, Retour
from factures.services.notifications import notifications_groupees

# The recipient's actions, in the order the page offers them.
ACTIONS_DESTINATAIRE = [
    A.CONSTATER_SERVICE_FAIT,
    A.MANDATER,
    A.METTRE_A_DISPOSITION_COMPTABLE,
    A.COMPTABILISER,
    A.METTRE_EN_PAIEMENT,
    A.SUSPENDRE,
    A.METTRE_A_RECYCLER,
    A.REJETER,
]
# Actions that send the invoice back to the supplier.
ACTIONS_DE_RETOUR = [A.METTRE_A_RECYCLER, A.SUSPENDRE, A.REJETER]
# Returns the supplier acknowledges (the dialog at sign-in).
STATUTS_A_ACQUITTER = [S.SUSPENDUE, S.REJETEE]
NUMERO_MANDAT_MAX = 50


class NumeroMandatObligatoire(TransitionRefusee):
    code = "numero_mandat_obligatoire"


@transaction.atomic
def facture_traiter(
    *,
    facture: Facture,
    action: str,
    acting_user,
    motif: str = "",
    numero_mandat: str = "",
) -> FactureHistorique:
    """Applies one of the recipient's actions to `facture`. Raises `TransitionRefusee` (the
    action is not possible from the current status, the user is not the recipient, a motif
    or the mandate number is missing); nothing changes then."""
    if action not in ACTIONS_DESTINATAIRE:
        raise ActionImpossible(_("Cette action n'est pas un traitement de facture reçue."))
    modifications = {}
    if action == A.MANDATER:
        numero_mandat = (numero_mandat or "").strip()
        if not numero_mandat:
            raise NumeroMandatObligatoire(_("Le numéro de mandat est obligatoire."))
        modifications["numero_mandat"] = numero_mandat[:NUMERO_MANDAT_MAX]
    ligne = circuit_de(facture).appliquer(
        facture,
        action=action,
        acteur=acting_user,
        motif=motif,
        modifications=modifications,
    )
    if ligne.statut_apres in STATUTS_A_ACQUITTER:
        Retour.objects.create(facture=facture, historique=ligne, statut=ligne.statut_apres)
    return ligne


@dataclass(frozen=True)
class Resultat:
    """What became of one invoice of a batch."""

    facture: Facture
    reussi: bool
    message: str = ""


def factures_traiter(
    *,
    factures: Iterable[Facture],
    action: str,
    acting_user,
    motif: str = "",
    numero_mandat: str = "",
) -> list[Resultat]:
    """Applies `action` to each invoice, each in its own transaction; returns one result per
    invoice, in the order given. Notifications of the whole batch are grouped (one e-mail
    per recipient structure, one per invoice for suppliers)."""
    resultats = []
    with notifications_groupees():
        for facture in factures:
            try:
                facture_traiter(
                    facture=facture,
                    action=action,
                    acting_user=acting_user,
                    motif=motif,
                    numero_mandat=numero_mandat,
                )
            except TransitionRefusee as refus:
                resultats.append(Resultat(facture, False, str(refus.message)))
            else:
                resultats.append(Resultat(facture, True))
    return resultats
