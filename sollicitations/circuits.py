"""The status circuit of a sollicitation, as data for the workflow engine (domain §7).

BROUILLON → ENVOYEE → EN_COURS (taken or assigned) ⇄ EN_ATTENTE_COMPLEMENT → REPONDUE →
CLOTUREE; the requester sends an answered or closed request back (RENVOYEE), which returns to
the desk; an entity's desk transfers a request to support (back to ENVOYEE, at support).
An answered request the requester leaves alone is closed by the system after
`DELAI_CLOTURE_AUTOMATIQUE` (tasks.py).
"""

from datetime import timedelta

from chorus.workflow import ROLE_SYSTEME, Circuit, transition
from sollicitations.acces import roles_de
from sollicitations.enums import ActionSollicitation as A
from sollicitations.enums import RoleSollicitation as R
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import SollicitationHistorique

DELAI_CLOTURE_AUTOMATIQUE = timedelta(days=15)

# The assignee or a lead does the handling; any desk member may take a free request.
EN_CHARGE = [R.ASSIGNE, R.RESPONSABLE]


# The requester without an account acts as a `DemandeurParLien` (sollicitations.acces): the
# engine asks `roles_de` about him like anyone; his history rows keep no user.
SOLLICITATION = Circuit(
    nom="sollicitation",
    historique=SollicitationHistorique,
    roles_de=roles_de,
    transitions=[
        transition(S.BROUILLON, A.ENVOYER, S.ENVOYEE, R.DEMANDEUR),
        transition(S.BROUILLON, A.SUPPRIMER, S.SUPPRIMEE, R.DEMANDEUR),
        transition([S.ENVOYEE, S.RENVOYEE], A.PRENDRE_EN_CHARGE, S.EN_COURS, R.TRAITANT),
        transition([S.ENVOYEE, S.RENVOYEE, S.EN_COURS], A.ASSIGNER, S.EN_COURS, R.RESPONSABLE),
        transition(S.EN_ATTENTE_COMPLEMENT, A.ASSIGNER, S.EN_ATTENTE_COMPLEMENT, R.RESPONSABLE),
        transition(
            S.EN_COURS,
            A.DEMANDER_COMPLEMENT,
            S.EN_ATTENTE_COMPLEMENT,
            EN_CHARGE,
            motif_obligatoire=True,
        ),
        transition(S.EN_ATTENTE_COMPLEMENT, A.COMPLETER, S.EN_COURS, R.DEMANDEUR),
        transition(S.EN_COURS, A.REPONDRE, S.REPONDUE, EN_CHARGE),
        transition([S.EN_COURS, S.EN_ATTENTE_COMPLEMENT], A.CLOTURER, S.CLOTUREE, EN_CHARGE),
        transition(S.REPONDUE, A.CLOTURER, S.CLOTUREE, [*EN_CHARGE, R.DEMANDEUR, ROLE_SYSTEME]),
        transition(
            [S.REPONDUE, S.CLOTUREE], A.RENVOYER, S.RENVOYEE, R.DEMANDEUR, motif_obligatoire=True
        ),
        transition(
            [S.ENVOYEE, S.RENVOYEE, S.EN_COURS], A.TRANSFERER_AU_SUPPORT, S.ENVOYEE, R.ENTITE
        ),
    ],
)
