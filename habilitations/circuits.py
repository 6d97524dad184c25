"""Status circuits of the habilitations app, as data for the workflow engine."""

from chorus.workflow import Circuit, transition
from habilitations import acces
from habilitations.enums import ActionDemandeHabilitation as AH
from habilitations.enums import ActionRattachement as A
from habilitations.enums import RoleRattachement as R
from habilitations.enums import StatutDemandeHabilitation as SH
from habilitations.enums import StatutRattachement as S
from habilitations.models import DemandeHabilitationHistorique, RattachementHistorique


def roles_sur_demande(user, demande) -> set[str]:
    """On a request of a user about a structure (attachment, habilitation): the requester
    acts as DEMANDEUR, the structure's gestionnaires as GESTIONNAIRE."""
    roles = set()
    if demande.utilisateur_id == user.pk:
        roles.add(R.DEMANDEUR)
    if acces.est_gestionnaire(user, demande.structure):
        roles.add(R.GESTIONNAIRE)
    return roles


roles_sur_rattachement = roles_sur_demande


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


DEMANDE_HABILITATION = Circuit(
    nom="demande_habilitation",
    historique=DemandeHabilitationHistorique,
    roles_de=roles_sur_demande,
    transitions=[
        transition(SH.EN_ATTENTE, AH.ACCORDER, SH.ACCORDEE, R.GESTIONNAIRE),
        transition(SH.EN_ATTENTE, AH.REFUSER, SH.REFUSEE, R.GESTIONNAIRE, motif_obligatoire=True),
        transition(SH.EN_ATTENTE, AH.ANNULER, SH.ANNULEE, R.DEMANDEUR),
    ],
)
