"""What every view of Factures émises shares: the access rules, in words.

- The space opens to users holding *Factures émises* on at least one structure; others get
  404 on every page of it.
- An invoice is visible to users holding *Factures émises* on its supplier (or on the
  supplier service it was deposited for): `Facture.objects.visible_to`. Anyone else gets 404.
- Changing an invoice (edit a draft, send, delete, complete, recycle…) needs the
  *modification* level on it: a user in consultation gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from factures.models import Facture
from habilitations import acces
from habilitations.enums import Application, Niveau

ESPACE = Application.FACTURES_EMISES


def exiger_espace(request) -> None:
    if ESPACE not in acces.applications_de(request.user):
        raise Http404


def peut_deposer(user) -> bool:
    """Does the user hold *Factures émises – modification* somewhere (no query: rights are
    cached per request)?"""
    return bool(acces.portees(user, ESPACE, Niveau.MODIFICATION))


def contexte_espace(request, **autres) -> dict:
    return {"peut_deposer": peut_deposer(request.user), **autres}


def factures_visibles(user):
    return Facture.objects.visible_to(user, ESPACE)


def facture_visible(request, pk: int, *, select_related=()) -> Facture:
    """The invoice if the user sees it in Factures émises, else 404."""
    qs = factures_visibles(request.user).select_related(
        "fournisseur",
        "service_fournisseur",
        "destinataire",
        "service_destinataire",
        *select_related,
    )
    return get_object_or_404(qs, pk=pk)


def peut_modifier(user, facture: Facture) -> bool:
    return acces.can(
        user, ESPACE, Niveau.MODIFICATION, facture.fournisseur, facture.service_fournisseur
    )


def facture_modifiable(request, pk: int, **kwargs) -> Facture:
    """The invoice if the user may change it; 403 if he only consults it, 404 if a stranger."""
    facture = facture_visible(request, pk, **kwargs)
    if not peut_modifier(request.user, facture):
        raise PermissionDenied
    return facture


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
