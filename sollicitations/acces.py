"""Who handles a sollicitation, in words (built on the access core, `habilitations.acces`):

- A request to **support** is handled by the support agents (`Utilisateur.est_agent_support`,
  active). The **lead** of the support desk, who may assign a request to another agent, is a
  support agent who is also staff (`is_staff`).
- A request to a **public entity** is handled by the users holding *Sollicitations reçues –
  modification* on the recipient structure, either on the whole structure or on the service
  the referenced invoice names; *consultation* lets a user read it only. The **lead** of an
  entity's desk holds that right on the whole structure (the GP does).
- The **requester** is the user who filed it (or, without an account, whoever holds the
  signed link e-mailed to the contact address: see `sollicitations.liens`).
- The **assignee** is the desk member the request is assigned to: he (or a lead) answers,
  asks for more information, closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from habilitations import acces
from habilitations.enums import Application, Niveau
from habilitations.models import Habilitation, Utilisateur
from sollicitations.enums import Destination
from sollicitations.enums import RoleSollicitation as R
from sollicitations.models import est_agent_support


@dataclass(frozen=True)
class DemandeurParLien:
    """The requester without an account, acting through the signed link of his e-mails."""

    sollicitation_id: int
    is_authenticated = False
    pk = None


def est_traitant(user, sollicitation, niveau: str = Niveau.MODIFICATION) -> bool:
    """May `user` handle (modification) or read (consultation) this request on its desk?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if sollicitation.destination == Destination.SUPPORT:
        return est_agent_support(user)
    if sollicitation.structure_destinataire_id is None:
        return False
    return acces.can(
        user,
        Application.SOLLICITATIONS_RECUES,
        niveau,
        sollicitation.structure_destinataire,
        sollicitation.service_destinataire,
    )


def est_responsable(user, sollicitation) -> bool:
    """A lead of the request's desk: a staff support agent, or an entity user holding
    *Sollicitations reçues – modification* on the whole recipient structure."""
    if not est_traitant(user, sollicitation):
        return False
    if sollicitation.destination == Destination.SUPPORT:
        return user.is_staff
    return acces.can(
        user,
        Application.SOLLICITATIONS_RECUES,
        Niveau.MODIFICATION,
        sollicitation.structure_destinataire,
    )


def roles_de(user, sollicitation) -> set[str]:
    if isinstance(user, DemandeurParLien):
        if user.sollicitation_id == sollicitation.pk and sollicitation.demandeur_id is None:
            return {R.DEMANDEUR}
        return set()
    roles = set()
    if sollicitation.demandeur_id is not None and sollicitation.demandeur_id == user.pk:
        roles.add(R.DEMANDEUR)
    if est_traitant(user, sollicitation):
        roles.add(R.TRAITANT)
        if sollicitation.destination == Destination.ENTITE_PUBLIQUE:
            roles.add(R.ENTITE)
        if sollicitation.assigne_a_id == user.pk:
            roles.add(R.ASSIGNE)
        if est_responsable(user, sollicitation):
            roles.add(R.RESPONSABLE)
    return roles


def traitants(sollicitation) -> list[Utilisateur]:
    """Every active user who may handle the request now (to tell them, to assign to one)."""
    if sollicitation.destination == Destination.SUPPORT:
        return list(
            Utilisateur.objects.filter(est_agent_support=True, is_active=True).order_by(
                "nom", "prenom", "pk"
            )
        )
    structure = sollicitation.structure_destinataire
    if structure is None:
        return []
    candidats = Utilisateur.objects.filter(is_active=True, est_agent_support=False).filter(
        pk__in=Habilitation.objects.filter(
            structure=structure,
            application=Application.SOLLICITATIONS_RECUES,
            niveau=Niveau.MODIFICATION,
        ).values("utilisateur_id")
    )
    tous = {u.pk: u for u in candidats}
    gp = structure.gestionnaire_principal
    if gp is not None and gp.is_active:
        tous.setdefault(gp.pk, gp)
    retenus = [u for u in tous.values() if est_traitant(u, sollicitation)]
    return sorted(retenus, key=lambda u: (u.nom, u.prenom, u.pk))
