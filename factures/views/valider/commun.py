"""What every view of Factures à valider shares: the access rules, in words.

- The space opens to users holding *Factures à valider* on at least one structure; others
  get 404 on every page of it.
- An invoice is visible to users holding *Factures à valider* on the structure it names as
  first or second validator, once submitted to validation (`visible_to`); else 404.
- Answering needs *Factures à valider – modification* on the validator whose turn it is (the
  engine's VALIDEUR_1 / VALIDEUR_2 roles): a user in consultation gets 403.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from factures.models import Facture
from habilitations import acces
from habilitations.enums import Application, Niveau

ESPACE = Application.FACTURES_A_VALIDER


def exiger_espace(request) -> None:
    if ESPACE not in acces.applications_de(request.user):
        raise Http404


def peut_valider(user, facture: Facture | None = None) -> bool:
    droits = acces.droits_de(user)
    if facture is None:
        return bool(droits.portees(ESPACE, Niveau.MODIFICATION))
    return any(
        valideur is not None and droits.peut(ESPACE, Niveau.MODIFICATION, valideur)
        for valideur in (facture.valideur_1_id, facture.valideur_2_id)
    )


def contexte_espace(request, **autres) -> dict:
    return {"peut_valider": peut_valider(request.user), **autres}


def facture_visible(request, pk: int, *, select_related=()) -> Facture:
    qs = Facture.objects.visible_to(request.user, ESPACE).select_related(
        "fournisseur", "destinataire", "service_destinataire", *select_related
    )
    return get_object_or_404(qs, pk=pk)
