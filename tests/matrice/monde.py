"""The personas of the access matrix and the objects they own."""

from dataclasses import dataclass, field

from habilitations.enums import Application, Niveau
from habilitations.models import Habilitation, Rattachement
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

PERSONAS = ["anonyme", "consultation", "modification", "gp", "autre", "support"]


@dataclass
class Monde:
    """- `entite`: a public structure with one `service`; its GP is `gp`.
    - `consultation`: attached to `entite`, every space in consultation.
    - `modification`: attached to `entite`, every space in modification (Organisation too).
    - `autre`: GP of `autre_structure`, a stranger to `entite`.
    - `support`: a support agent, attached nowhere.
    """

    entite: object
    service: object
    autre_structure: object
    utilisateurs: dict = field(default_factory=dict)


def _rattacher(user, structure, niveau):
    Rattachement.objects.create(utilisateur=user, structure=structure, statut="ACTIF")
    Habilitation.objects.bulk_create(
        Habilitation(utilisateur=user, structure=structure, application=a, niveau=niveau)
        for a in Application
    )


def construire_monde() -> Monde:
    entite = StructureFactory(publique=True)
    service = ServiceFactory(structure=entite)
    autre_structure = StructureFactory(publique=True)
    consultation = UtilisateurFactory()
    _rattacher(consultation, entite, Niveau.CONSULTATION)
    modification = UtilisateurFactory()
    _rattacher(modification, entite, Niveau.MODIFICATION)
    return Monde(
        entite=entite,
        service=service,
        autre_structure=autre_structure,
        utilisateurs={
            "anonyme": None,
            "consultation": consultation,
            "modification": modification,
            "gp": UtilisateurFactory(gestionnaire_de=entite),
            "autre": UtilisateurFactory(gestionnaire_de=autre_structure),
            "support": UtilisateurFactory(est_agent_support=True),
        },
    )


def partout(statut):
    return dict.fromkeys(PERSONAS, statut)


def connectes(statut):
    """`statut` for every signed-in persona; anonymous visitors are sent to sign in."""
    return {p: 302 if p == "anonyme" else statut for p in PERSONAS}
