"""Deadlines of works pieces, through the deadline sweep of every piece
(`factures.services.delais.balayer_echeances`, a beat task every minute):

- the titulaire's or mandataire's 15 days to validate a sub- or co-contractor's piece: past
  them it is validated tacitly (ABSENCE_VALIDATION_1/2_HORS_DELAI) and goes on (to the
  mandataire after a cotraitant, then to the MOE);
- the MOE's 7 days to answer a projet de décompte (mensuel or final): past them the piece is
  flagged ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE, still actionable, and the MOA and the
  supplier are told (travaux.notifications).

`enregistrer()` declares both to the sweep, by status and cadre (TravauxConfig.ready). The
engine re-checks each status under lock: a sweep run twice changes a piece once.
"""

from __future__ import annotations

from itertools import groupby

from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture
from travaux.circuits import CIRCUITS
from travaux.routage import CADRES_SOUS_TRAITANCE
from travaux.services.acheminement import piece_acheminer

FIN_DU_DELAI = {"echeance_action": None}
# Where the MOE's 7 days run, and the cadres that wait there for its answer.
STATUTS_DELAI_MOE = [S.MISE_A_DISPOSITION_MOE, S.PRISE_EN_COMPTE_MOE]
CADRES_DELAI_MOE = [
    cadre
    for cadre, circuit in CIRCUITS.items()
    if circuit.trouver(S.MISE_A_DISPOSITION_MOE, A.CONSTATER_DEPASSEMENT_DELAI_MOE)
]


def _par_cadre(pieces: list[Facture]):
    pieces = sorted(pieces, key=lambda p: (p.cadre, p.pk))
    for cadre, groupe in groupby(pieces, key=lambda p: p.cadre):
        yield CIRCUITS[cadre], list(groupe)


def validation_tacite(pieces: list[Facture]) -> None:
    """No answer from the titulaire / mandataire within 15 days: tacit validation, then the
    piece goes on to the MOE."""
    for circuit, groupe in _par_cadre(pieces):
        lignes = circuit.appliquer_en_lot(
            groupe, action=A.CONSTATER_ABSENCE_VALIDATION, modifications=FIN_DU_DELAI
        )
        for ligne in lignes:
            piece_acheminer(piece=ligne.objet)


def delai_moe_depasse(pieces: list[Facture]) -> None:
    """No answer from the MOE within 7 days: the piece is flagged, and stays actionable."""
    for circuit, groupe in _par_cadre(pieces):
        circuit.appliquer_en_lot(
            groupe, action=A.CONSTATER_DEPASSEMENT_DELAI_MOE, modifications=FIN_DU_DELAI
        )


def enregistrer() -> None:
    from factures.services.delais import enregistrer_delai

    enregistrer_delai(
        [S.A_VALIDER_1, S.A_VALIDER_2], validation_tacite, cadres=CADRES_SOUS_TRAITANCE
    )
    enregistrer_delai(STATUTS_DELAI_MOE, delai_moe_depasse, cadres=CADRES_DELAI_MOE)
