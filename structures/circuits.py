"""Status circuits of the structures app, as data for the workflow engine."""

from chorus.workflow import Circuit, transition
from structures.enums import ActionDemandeStructure as A
from structures.enums import RoleDemandeStructure as R
from structures.enums import StatutDemandeStructure as S
from structures.models import DemandeStructureHistorique


def roles_sur_demande_structure(user, demande) -> set[str]:
    """Support agents handle every request to support; the requester may withdraw his."""
    roles = set()
    if user.est_agent_support and user.is_active:
        roles.add(R.SUPPORT)
    if demande.demandeur_id == user.pk:
        roles.add(R.DEMANDEUR)
    return roles


DEMANDE = Circuit(
    nom="demande_structure",
    historique=DemandeStructureHistorique,
    roles_de=roles_sur_demande_structure,
    transitions=[
        transition(S.EN_ATTENTE, A.ACCEPTER, S.ACCEPTEE, R.SUPPORT),
        transition(S.EN_ATTENTE, A.REFUSER, S.REFUSEE, R.SUPPORT, motif_obligatoire=True),
        transition(S.EN_ATTENTE, A.ANNULER, S.ANNULEE, R.DEMANDEUR),
    ],
)
