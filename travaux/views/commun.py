"""What every view of Factures de travaux shares: the access rules, in words.

- The space opens to users holding *Factures de travaux* on at least one structure; each of
  its pages is that of one role (Fournisseur, Maîtrise d'œuvre, Maîtrise d'ouvrage), open to
  users who may take that role (travaux.acces); others get 404 on every page of the role.
- A dossier or a piece is visible in a role as travaux.acces says; anyone else gets 404 (a
  MOE never sees a dossier it is not part of).
- An action on a piece needs the role's *modification* level and a transition of the piece's
  circuit for that role: a user who sees the piece but may not act gets 403; an action that
  no longer exists from the current status is refused with a message (already done…).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from factures.circuits import circuit_de
from factures.enums import EtatControle, RoleFacture, Severite
from factures.formats.controles import FORMATS_STRUCTURES
from factures.models import Facture
from habilitations.enums import Niveau
from travaux import acces
from travaux.enums import RoleTravaux
from travaux.models import DossierFacturation

R = RoleTravaux
# The roles of the circuits a user acts in, for each role of the space.
ROLES_DU_CIRCUIT = {
    R.FOURNISSEUR: {RoleFacture.FOURNISSEUR, RoleFacture.VALIDEUR_1, RoleFacture.VALIDEUR_2},
    R.MOE: {RoleFacture.MOE},
    R.MOA: {RoleFacture.MOA},
}


def url_role(role: str, page: str, *args) -> str:
    return reverse(f"travaux:{R(role).slug}_{page}", args=args)


def exiger_role(request, role: str) -> None:
    if not acces.ids_du_role(request.user, role):
        raise Http404


def pieces_du_role(user, role: str):
    return Facture.objects.filter(acces.filtre_pieces(user, role))


def piece_du_role(request, role: str, pk: int, *, select_related=()) -> Facture:
    """The piece if the user sees it in this role, else 404."""
    qs = pieces_du_role(request.user, role).select_related(
        "dossier__titulaire",
        "dossier__moe",
        "dossier__moa",
        "dossier__service_moa",
        "fournisseur",
        "destinataire",
        "service_destinataire",
        "piece_precedente",
        *select_related,
    )
    return get_object_or_404(qs, pk=pk)


def dossier_du_role(request, role: str, pk: int) -> DossierFacturation:
    qs = DossierFacturation.objects.visible_to(request.user, role).select_related(
        "titulaire", "moe", "moa", "service_moa", "structure_financiere", "service_financier"
    )
    return get_object_or_404(qs, pk=pk)


def actions_du_role(piece: Facture, user, role: str) -> list:
    """The transitions `user` may apply to `piece` now, acting in `role`."""
    roles = ROLES_DU_CIRCUIT[role]
    return [t for t in circuit_de(piece).actions_possibles(piece, user) if t.roles & roles]


def peut_deposer(user, role: str) -> bool:
    return bool(acces.ids_du_role(user, role, Niveau.MODIFICATION))


def roles_ouverts(request) -> list[dict]:
    """The tabs of the roles the user may take (computed once per request)."""
    if not hasattr(request, "_roles_travaux"):
        request._roles_travaux = [
            {"role": role, "libelle": role.label, "url": url_role(role, "synthese")}
            for role in acces.roles_de(request.user)
        ]
    return request._roles_travaux


def contexte_role(request, role: str, *, onglet: str | None = "", **autres) -> dict:
    """What every page of a role shows: the roles' tabs, the side menu (`onglet`: its
    current entry; None when the generic follow-up pages set it)."""
    contexte = {
        "role": R(role),
        "roles": roles_ouverts(request),
        "peut_deposer": peut_deposer(request.user, role),
        **autres,
    }
    if onglet is not None:
        contexte["onglet"] = onglet
    return contexte


def erreurs_dans(form, erreur: ValidationError) -> None:
    """Puts a service's errors on the form's fields (or on the form when not keyed)."""
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


def saisie(request):
    return request.POST if request.method == "POST" else None


def fichiers(request):
    return request.FILES if request.method == "POST" else None


def contenu_de_la_piece(piece: Facture) -> dict:
    """What _contenu_piece.html shows: the checks of a structured file (its findings, as in
    Factures émises), the lines and the VAT breakdown."""
    structuree = piece.format_depot in FORMATS_STRUCTURES
    anomalies = list(piece.anomalies.order_by("pk")) if structuree else []
    return {
        "structuree": structuree,
        "controles_en_cours": structuree and piece.etat_controle == EtatControle.EN_COURS,
        "controles_impossibles": structuree and piece.etat_controle == EtatControle.ECHEC,
        "anomalies": anomalies,
        "bloquantes": [a for a in anomalies if a.severite == Severite.BLOQUANTE],
        "lignes": list(piece.lignes.order_by("ordre", "pk")[:500]),
        "tva": list(piece.lignes_tva.order_by("pk")),
    }
