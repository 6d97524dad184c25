"""Status circuits of the habilitations app, as data for the workflow engine."""

from chorus.workflow import Circuit, transition
from habilitations import acces
from habilitations.enums import ActionRattachement as A
from habilitations.enums import RoleRattachement as R
from habilitations.enums import StatutRattachement as S
from habilitations.models import RattachementHistorique


def roles_sur_rattachement(user, rattachement) -> set[str]:
    """The requester acts as DEMANDEUR; the structure's gestionnaires as GESTIONNAIRE."""
    roles = set()
    if rattachement.utilisateur_id == user.pk:
        roles.add(R.DEMANDEUR)
    if acces.est_gestionnaire(user, rattachement.structure):
        roles.add(R.GESTIONNAIRE)
    return roles


RATTACHEMENT = Circuit(
    nom="rattachement",
    historique=RattachementHistorique,
    roles_de=roles_sur_rattachement,
    transitions=[
        transition(S.EN_ATTENTE, A.APPROUVER, S.ACTIF, R.GESTIONNAIRE),
        transition(S.EN_ATTENTE, A.REFUSER, S.REFUSE, R.GESTIONNAIRE, motif_obligatoire=True),
        transition(S.EN_ATTENTE, A.ANNULER, S.ANNULE, R.DEMANDEUR),
        transition(S.ACTIF, A.DETACHER, S.DETACHE, [R.GESTIONNAIRE, R.DEMANDEUR]),
    ],
)
