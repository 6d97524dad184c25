"""The works circuits as data for the workflow engine, one circuit per cadre (domain §6.2).

Each circuit is composed from small tables, following the cadre's route (travaux.routage):
- the depositor's draft (send, delete);
- routing by the system (`SYSTEME`): straight on, or first to the titulaire / mandataire who
  validates a sub- or co-contractor's piece, with the validators' table of Factures à valider;
- one branch per destination the cadre may have: the MOE (7 days to answer, flagged after,
  still actionable), the MOA, the supplier (a décompte général to sign), the service
  financier (the recipient's table of Factures reçues, unchanged);
- the answer: a piece that answers another moves it to ASSOCIEE (`ASSOCIER`, applied by the
  one who answers, in the same transaction as his own piece's sending);
- the depositor's correction after a routing error (`RECYCLER`, same number).

`TravauxConfig.ready()` registers them with `factures.circuits.enregistrer_circuit`, so
`circuit_de(facture)` answers for works pieces too.
"""

from __future__ import annotations

from chorus.workflow import ROLE_SYSTEME, Circuit, transition
from factures.circuits import TRANSITIONS_DESTINATAIRE, TRANSITIONS_VALIDEURS, roles_sur_facture
from factures.enums import ActionFacture as A
from factures.enums import RoleFacture as R
from factures.enums import StatutFacture as S
from factures.models import FactureHistorique
from structures.enums import PresenceMoa
from travaux import acces
from travaux.enums import CHEZ_LA_MOA, CHEZ_LA_MOE, Destination
from travaux.routage import CADRES_SOUS_TRAITANCE, DEPOSANT, REPONSES, route

SYSTEME = ROLE_SYSTEME
D = Destination


def roles_sur_piece(user, piece) -> set[str]:
    """The roles `user` holds on a works piece, in words:
    - FOURNISSEUR: *Factures de travaux – modification* on the piece's supplier (the
      titulaire, or the sub- / co-contractor who deposited it);
    - MOE / MOA: *Factures de travaux – modification* on the dossier's maîtrise d'œuvre /
      maîtrise d'ouvrage (on its service, when the dossier names one); the MOA structure must
      be *avec* or *exclusivement MOA*;
    - VALIDEUR_1: the titulaire or mandataire (or the cotraitant a sub-contractor works
      for), with *Factures à valider* or *Factures de travaux* in modification (as for
      ordinary invoices); VALIDEUR_2: the mandataire after that cotraitant;
    - DESTINATAIRE: the service financier, with *Factures reçues – modification*.
    """
    roles = {
        r
        for r in roles_sur_facture(user, piece)
        if r in (R.DESTINATAIRE, R.VALIDEUR_1, R.VALIDEUR_2)
    }
    if acces.peut_agir(user, R.FOURNISSEUR, piece.fournisseur):
        roles.add(R.FOURNISSEUR)
    dossier = piece.dossier
    if dossier is not None:
        if dossier.moe_id and acces.peut_agir(user, R.MOE, dossier.moe):
            roles.add(R.MOE)
        if acces.peut_agir(user, R.MOA, dossier.moa, dossier.service_moa):
            roles.add(R.MOA)
    for role, valideur_id, valideur in (
        (R.VALIDEUR_1, piece.valideur_1_id, "valideur_1"),
        (R.VALIDEUR_2, piece.valideur_2_id, "valideur_2"),
    ):
        if valideur_id and acces.peut_agir(user, R.FOURNISSEUR, getattr(piece, valideur)):
            roles.add(role)
    return roles


def _depot(deposant):
    return [
        transition(S.BROUILLON, A.VALIDER_ET_ENVOYER, S.DEPOSEE, deposant),
        transition(S.BROUILLON, A.SUPPRIMER, S.SUPPRIMEE, deposant),
    ]


def _validation(deposant):
    """A sub- or co-contractor's piece: the titulaire / mandataire validates it first, as in
    Factures à valider, then it goes on. A sub-contractor of a cotraitant has two validators
    (as A12 in Factures émises): the cotraitant, then the mandataire."""
    apres_1 = [S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI]
    return [
        transition(S.DEPOSEE, A.SOUMETTRE_VALIDEUR_1, S.A_VALIDER_1, SYSTEME),
        *[t for t in TRANSITIONS_VALIDEURS if t.sources <= {S.A_VALIDER_1, S.A_VALIDER_2}],
        transition(S.ERREUR_FOURNISSEUR_SUR_VALIDEUR, A.CORRIGER_VALIDEUR, S.A_VALIDER_1, deposant),
        transition(S.ERREUR_COTRAITANT_SUR_VALIDEUR, A.CORRIGER_VALIDEUR, S.A_VALIDER_2, deposant),
        transition(apres_1, A.SOUMETTRE_VALIDEUR_2, S.A_VALIDER_2, SYSTEME),
        transition(
            [*apres_1, S.VALIDEE_2, S.ABSENCE_VALIDATION_2_HORS_DELAI],
            A.ACHEMINER,
            S.EN_COURS_ACHEMINEMENT,
            SYSTEME,
        ),
    ]


def _chez_la_moe(deposant, *, repondue: bool, tracabilite: bool):
    arrivee = [
        transition(
            S.EN_COURS_ACHEMINEMENT, A.METTRE_A_DISPOSITION_MOE, S.MISE_A_DISPOSITION_MOE, SYSTEME
        ),
        transition(S.MISE_A_DISPOSITION_MOE, A.PRENDRE_EN_COMPTE, S.PRISE_EN_COMPTE_MOE, R.MOE),
    ]
    if tracabilite:
        # A sub- or co-contractor's piece reaches the MOE for information; the titulaire
        # includes it in his own projet de décompte.
        return [
            *arrivee,
            transition(
                [S.MISE_A_DISPOSITION_MOE, S.PRISE_EN_COMPTE_MOE],
                A.ASSOCIER,
                S.ASSOCIEE,
                # the titulaire / mandataire: first validator, or second after a cotraitant
                [R.VALIDEUR_1, R.VALIDEUR_2],
            ),
        ]
    return [
        *arrivee,
        transition(
            [S.MISE_A_DISPOSITION_MOE, S.PRISE_EN_COMPTE_MOE],
            A.CONSTATER_DEPASSEMENT_DELAI_MOE,
            S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE,
            SYSTEME,
        ),
        transition(
            CHEZ_LA_MOE,
            A.SIGNALER_ERREUR_ACHEMINEMENT,
            S.ERREUR_DE_MOE,
            R.MOE,
            motif_obligatoire=True,
        ),
        transition(CHEZ_LA_MOE, A.REFUSER, S.REFUSEE_MOE, R.MOE, motif_obligatoire=True),
        *([transition(CHEZ_LA_MOE, A.ASSOCIER, S.ASSOCIEE, R.MOE)] if repondue else []),
        transition(S.ERREUR_DE_MOE, A.RECYCLER, S.EN_COURS_ACHEMINEMENT, deposant),
    ]


def _chez_la_moa(deposant, *, repondue: bool, **_):
    return [
        transition(
            S.EN_COURS_ACHEMINEMENT, A.METTRE_A_DISPOSITION_MOA, S.MISE_A_DISPOSITION_MOA, SYSTEME
        ),
        transition(S.MISE_A_DISPOSITION_MOA, A.PRENDRE_EN_COMPTE, S.PRISE_EN_COMPTE_MOA, R.MOA),
        transition(
            CHEZ_LA_MOA,
            A.SIGNALER_ERREUR_ACHEMINEMENT,
            S.ERREUR_DE_MOA,
            R.MOA,
            motif_obligatoire=True,
        ),
        transition(CHEZ_LA_MOA, A.REFUSER, S.REFUSEE_MOA, R.MOA, motif_obligatoire=True),
        *([transition(CHEZ_LA_MOA, A.ASSOCIER, S.ASSOCIEE, R.MOA)] if repondue else []),
        transition(S.ERREUR_DE_MOA, A.RECYCLER, S.EN_COURS_ACHEMINEMENT, deposant),
    ]


def _chez_le_fournisseur(deposant, **_):
    """A décompte général: the supplier signs it (his A8 answers it) or refuses it."""
    return [
        transition(
            S.EN_COURS_ACHEMINEMENT,
            A.METTRE_A_DISPOSITION_FOURNISSEUR,
            S.A_ASSOCIER_FOURNISSEUR,
            SYSTEME,
        ),
        transition(S.A_ASSOCIER_FOURNISSEUR, A.ASSOCIER, S.ASSOCIEE, R.FOURNISSEUR),
        transition(
            S.A_ASSOCIER_FOURNISSEUR,
            A.REFUSER,
            S.REFUSEE_FOURNISSEUR,
            R.FOURNISSEUR,
            motif_obligatoire=True,
        ),
    ]


def _chez_le_service_financier(deposant, **_):
    """A payable piece: Factures reçues' recipient table, as for any invoice."""
    return [
        transition(S.EN_COURS_ACHEMINEMENT, A.METTRE_A_DISPOSITION, S.MISE_A_DISPOSITION, SYSTEME),
        *TRANSITIONS_DESTINATAIRE,
        transition(S.A_RECYCLER, A.RECYCLER, S.EN_COURS_ACHEMINEMENT, deposant),
        transition(S.SUSPENDUE, A.COMPLETER, S.COMPLETEE, deposant),
    ]


_BRANCHES = {
    D.MOE: _chez_la_moe,
    D.MOA: _chez_la_moa,
    D.FOURNISSEUR: _chez_le_fournisseur,
    D.SERVICE_FINANCIER: _chez_le_service_financier,
}


def destinations_possibles(cadre: str) -> list[Destination]:
    """Every final destination of `cadre`, whatever the Présence MOA, in a stable order."""
    vues = {route(cadre, p)[-1] for p in PresenceMoa if route(cadre, p)}
    return [d for d in _BRANCHES if d in vues]


def _transitions(cadre: str):
    deposant = DEPOSANT[cadre]
    sous_traitance = cadre in CADRES_SOUS_TRAITANCE
    transitions = _depot(deposant)
    if sous_traitance:
        transitions += _validation(deposant)
    else:
        transitions.append(transition(S.DEPOSEE, A.ACHEMINER, S.EN_COURS_ACHEMINEMENT, SYSTEME))
    for destination in destinations_possibles(cadre):
        transitions += _BRANCHES[destination](
            deposant, repondue=cadre in REPONSES, tracabilite=sous_traitance
        )
    return transitions


def _effets():
    from travaux.notifications import notifier_changement_de_statut

    return [notifier_changement_de_statut]


def _circuit(cadre: str) -> Circuit:
    return Circuit(
        nom=f"travaux.{cadre}",
        historique=FactureHistorique,
        roles_de=roles_sur_piece,
        transitions=_transitions(cadre),
        effets=_effets(),
    )


CIRCUITS: dict[str, Circuit] = {cadre: _circuit(cadre) for cadre in DEPOSANT}


def enregistrer() -> None:
    from factures.circuits import enregistrer_circuit

    for cadre, circuit in CIRCUITS.items():
        enregistrer_circuit([cadre], circuit)
