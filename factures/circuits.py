"""The invoice circuits as data for the workflow engine (domain §6.1).

Four tables, composed into the circuit of ordinary invoices (A1, A2, A9, A12):
- the supplier's actions (send a draft, delete it, complete, recycle, name the right validator);
- routing, done by the system (`acteur=None`) right after sending or after a validation;
- the validators' actions (first and second validator), with the timeout of 15 days;
- the recipient's processing, forward statuses in order, returns until MANDATEE.

Works pieces (A4…A25) have their own circuits, keyed by cadre, registered by the `travaux`
app with `enregistrer_circuit`; `circuit_de(facture)` gives the one that applies.
"""

from __future__ import annotations

from chorus.workflow import ROLE_SYSTEME, Circuit, transition
from factures.enums import CADRES_ORDINAIRES, STATUTS_DE_TRAITEMENT
from factures.enums import ActionFacture as A
from factures.enums import RoleFacture as R
from factures.enums import StatutFacture as S
from factures.models import FactureHistorique
from factures.services import notifications
from habilitations import acces
from habilitations.enums import Application, Niveau

SYSTEME = ROLE_SYSTEME


def roles_sur_facture(user, facture) -> set[str]:
    """The roles `user` holds on `facture`, in words:
    - FOURNISSEUR: *Factures émises – modification* on the supplier structure (or on the
      supplier service the invoice was deposited for);
    - DESTINATAIRE: *Factures reçues – modification* on the recipient structure, or on the
      recipient service the invoice is addressed to;
    - VALIDEUR_1 / VALIDEUR_2: *Factures à valider – modification* on the structure named
      first / second validator.
    """
    # Ids, not objects: the engine re-reads the row under lock, and loading each related
    # structure only to take its pk would cost a query apiece.
    droits = acces.droits_de(user)
    roles = set()
    if droits.peut(
        Application.FACTURES_EMISES,
        Niveau.MODIFICATION,
        facture.fournisseur_id,
        facture.service_fournisseur_id,
    ):
        roles.add(R.FOURNISSEUR)
    if facture.destinataire_id and droits.peut(
        Application.FACTURES_RECUES,
        Niveau.MODIFICATION,
        facture.destinataire_id,
        facture.service_destinataire_id,
    ):
        roles.add(R.DESTINATAIRE)
    for role, valideur_id in (
        (R.VALIDEUR_1, facture.valideur_1_id),
        (R.VALIDEUR_2, facture.valideur_2_id),
    ):
        if valideur_id is not None and droits.peut(
            Application.FACTURES_A_VALIDER, Niveau.MODIFICATION, valideur_id
        ):
            roles.add(role)
    return roles


TRANSITIONS_FOURNISSEUR = [
    transition(S.BROUILLON, A.VALIDER_ET_ENVOYER, S.DEPOSEE, R.FOURNISSEUR),
    transition(S.BROUILLON, A.SUPPRIMER, S.SUPPRIMEE, R.FOURNISSEUR),
    transition(S.SUSPENDUE, A.COMPLETER, S.COMPLETEE, R.FOURNISSEUR),
    # The supplier corrects the recipient, service or engagement number, same number.
    transition(S.A_RECYCLER, A.RECYCLER, S.EN_COURS_ACHEMINEMENT, R.FOURNISSEUR),
    transition(
        S.ERREUR_FOURNISSEUR_SUR_VALIDEUR, A.CORRIGER_VALIDEUR, S.A_VALIDER_1, R.FOURNISSEUR
    ),
    transition(S.ERREUR_COTRAITANT_SUR_VALIDEUR, A.CORRIGER_VALIDEUR, S.A_VALIDER_2, R.FOURNISSEUR),
]

TRANSITIONS_ACHEMINEMENT = [
    transition(S.DEPOSEE, A.SOUMETTRE_VALIDEUR_1, S.A_VALIDER_1, SYSTEME),
    transition(
        [S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI],
        A.SOUMETTRE_VALIDEUR_2,
        S.A_VALIDER_2,
        SYSTEME,
    ),
    transition(
        [
            S.DEPOSEE,
            S.VALIDEE_1,
            S.ABSENCE_VALIDATION_1_HORS_DELAI,
            S.VALIDEE_2,
            S.ABSENCE_VALIDATION_2_HORS_DELAI,
        ],
        A.ACHEMINER,
        S.EN_COURS_ACHEMINEMENT,
        SYSTEME,
    ),
    transition(S.EN_COURS_ACHEMINEMENT, A.METTRE_A_DISPOSITION, S.MISE_A_DISPOSITION, SYSTEME),
]

TRANSITIONS_VALIDEURS = [
    transition(S.A_VALIDER_1, A.VALIDER, S.VALIDEE_1, R.VALIDEUR_1),
    transition(S.A_VALIDER_1, A.REFUSER, S.REFUSEE_1, R.VALIDEUR_1, motif_obligatoire=True),
    transition(
        S.A_VALIDER_1,
        A.SIGNALER_ERREUR_VALIDEUR,
        S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
        R.VALIDEUR_1,
        motif_obligatoire=True,
    ),
    transition(
        S.A_VALIDER_1, A.CONSTATER_ABSENCE_VALIDATION, S.ABSENCE_VALIDATION_1_HORS_DELAI, SYSTEME
    ),
    transition(S.A_VALIDER_2, A.VALIDER, S.VALIDEE_2, R.VALIDEUR_2),
    transition(S.A_VALIDER_2, A.REFUSER, S.REFUSEE_2, R.VALIDEUR_2, motif_obligatoire=True),
    transition(
        S.A_VALIDER_2,
        A.SIGNALER_ERREUR_VALIDEUR,
        S.ERREUR_COTRAITANT_SUR_VALIDEUR,
        R.VALIDEUR_2,
        motif_obligatoire=True,
    ),
    transition(
        S.A_VALIDER_2, A.CONSTATER_ABSENCE_VALIDATION, S.ABSENCE_VALIDATION_2_HORS_DELAI, SYSTEME
    ),
]


def _avant(statut: str) -> list[str]:
    """The recipient's statuses from which a forward `statut` may be reached: the pieces
    at its disposal and every forward status before this one."""
    rang = STATUTS_DE_TRAITEMENT.index(statut)
    return [S.MISE_A_DISPOSITION, S.COMPLETEE, *STATUTS_DE_TRAITEMENT[:rang]]


# Returns are allowed until MANDATEE (domain §6.1).
_RETOURS_POSSIBLES = [S.MISE_A_DISPOSITION, S.COMPLETEE, S.SERVICE_FAIT]

TRANSITIONS_DESTINATAIRE = [
    transition(
        _RETOURS_POSSIBLES,
        A.METTRE_A_RECYCLER,
        S.A_RECYCLER,
        R.DESTINATAIRE,
        motif_obligatoire=True,
    ),
    transition(
        _RETOURS_POSSIBLES, A.SUSPENDRE, S.SUSPENDUE, R.DESTINATAIRE, motif_obligatoire=True
    ),
    transition(
        [*_RETOURS_POSSIBLES, S.SUSPENDUE],
        A.REJETER,
        S.REJETEE,
        R.DESTINATAIRE,
        motif_obligatoire=True,
    ),
    transition(_avant(S.SERVICE_FAIT), A.CONSTATER_SERVICE_FAIT, S.SERVICE_FAIT, R.DESTINATAIRE),
    transition(_avant(S.MANDATEE), A.MANDATER, S.MANDATEE, R.DESTINATAIRE),
    transition(
        _avant(S.MISE_A_DISPOSITION_COMPTABLE),
        A.METTRE_A_DISPOSITION_COMPTABLE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        R.DESTINATAIRE,
    ),
    transition(_avant(S.COMPTABILISEE), A.COMPTABILISER, S.COMPTABILISEE, R.DESTINATAIRE),
    transition(
        _avant(S.MISE_EN_PAIEMENT), A.METTRE_EN_PAIEMENT, S.MISE_EN_PAIEMENT, R.DESTINATAIRE
    ),
]

FACTURE = Circuit(
    nom="facture",
    historique=FactureHistorique,
    roles_de=roles_sur_facture,
    # Every status change is told (supplier, validators, recipient): recorded with the
    # change, told by a sweep scheduled on commit (factures.services.notifications).
    consigner=[notifications.consigner],
    effets=[notifications.declencher],
    transitions=[
        *TRANSITIONS_FOURNISSEUR,
        *TRANSITIONS_ACHEMINEMENT,
        *TRANSITIONS_VALIDEURS,
        *TRANSITIONS_DESTINATAIRE,
    ],
)

_CIRCUITS_PAR_CADRE: dict[str, Circuit] = dict.fromkeys(CADRES_ORDINAIRES, FACTURE)


def enregistrer_circuit(cadres, circuit: Circuit) -> None:
    """Declares the circuit of other cadres (the works pieces, from the `travaux` app)."""
    for cadre in cadres:
        _CIRCUITS_PAR_CADRE[cadre] = circuit


def circuit_de(facture) -> Circuit:
    """The circuit that moves `facture` (by its cadre)."""
    try:
        return _CIRCUITS_PAR_CADRE[facture.cadre]
    except KeyError:
        raise LookupError(f"No circuit is registered for the cadre {facture.cadre}") from None
