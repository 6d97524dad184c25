"""What every view of Factures reçues shares: the access rules, in words.

- The space opens to users holding *Factures reçues* on at least one structure (or service);
  others get 404 on every page of it.
- An invoice is visible to users holding *Factures reçues* on its recipient structure, or on
  the recipient service it is addressed to, once it stands at the recipient
  (`Facture.objects.visible_to`). Anyone else gets 404.
- Processing an invoice needs *Factures reçues – modification* on it (the engine's
  DESTINATAIRE role): a user in consultation gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from factures.models import Facture
from habilitations import acces
from habilitations.enums import Application, Niveau

ESPACE = Application.FACTURES_RECUES


def exiger_espace(request) -> None:
    if ESPACE not in acces.applications_de(request.user):
        raise Http404


def peut_traiter(user, facture: Facture | None = None) -> bool:
    """*Modification* on this invoice, or (without one) somewhere in the space."""
    if facture is None:
        return bool(acces.portees(user, ESPACE, Niveau.MODIFICATION))
    return acces.droits_de(user).peut(
        ESPACE, Niveau.MODIFICATION, facture.destinataire_id, facture.service_destinataire_id
    )


def contexte_espace(request, **autres) -> dict:
    return {"peut_traiter": peut_traiter(request.user), **autres}


def factures_visibles(user):
    return Facture.objects.visible_to(user, ESPACE)


def facture_visible(request, pk: int, *, select_related=()) -> Facture:
    """The invoice if the user sees it in Factures reçues, else 404."""
    qs = factures_visibles(request.user).select_related(
        "fournisseur", "destinataire", "service_destinataire", *select_related
    )
    return get_object_or_404(qs, pk=pk)


def facture_traitable(request, pk: int, **kwargs) -> Facture:
    """The invoice if the user may process it; 403 if he only consults it, 404 if a
    stranger."""
    facture = facture_visible(request, pk, **kwargs)
    if not peut_traiter(request.user, facture):
        raise PermissionDenied
    return facture
