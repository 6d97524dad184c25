"""The dossiers of a role, and one dossier as a timeline; the role-free links of e-mails."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from factures.enums import StatutFacture
from factures.suivi.pagination import page_de
from travaux import acces
from travaux.chronologie import chaines, chronologie
from travaux.enums import RoleTravaux
from travaux.models import DossierFacturation, PieceIncluse
from travaux.views.commun import (
    contexte_role,
    dossier_du_role,
    exiger_role,
    pieces_du_role,
    url_role,
)


@require_safe
def liste(request, role):
    exiger_role(request, role)
    # Per dossier, what the role sees of its pieces: computed for the rows of the page only
    # (subqueries of the select list), not for every piece of every dossier before sorting.
    pieces = pieces_du_role(request.user, role).filter(dossier=OuterRef("pk")).order_by()
    dossiers = (
        DossierFacturation.objects.visible_to(request.user, role)
        .select_related("titulaire", "moe", "moa")
        .annotate(
            nombre_pieces=Coalesce(
                Subquery(pieces.values("dossier").annotate(n=Count("pk")).values("n")), 0
            ),
            dernier_depot=Subquery(
                pieces.values("dossier").annotate(d=Max("deposee_le")).values("d")
            ),
        )
        .order_by("-cree_le", "-pk")
    )
    q = request.GET.get("q", "").strip()[:50]
    if q:
        dossiers = dossiers.filter(Q(numero__icontains=q) | Q(numero_marche__icontains=q))
    return render(
        request,
        "travaux/dossiers.html",
        contexte_role(
            request,
            role,
            onglet="dossiers",
            page_obj=page_de(dossiers, request.GET.get("page")),
            q=q,
        ),
    )


@require_safe
def dossier(request, role, pk):
    exiger_role(request, role)
    dossier = dossier_du_role(request, role, pk)
    pieces = list(
        pieces_du_role(request.user, role)
        .filter(dossier=dossier)
        .select_related(
            "dossier__titulaire",
            "dossier__moe",
            "dossier__moa",
            "fournisseur",
            "destinataire",
            "service_destinataire",
            "cree_par",
        )
    )
    inclusions = [
        (i.piece, i.decompte)
        for i in PieceIncluse.objects.filter(decompte__in=pieces).select_related(
            "piece", "decompte"
        )
    ]
    etapes = chronologie(pieces, inclusions)
    return render(
        request,
        "travaux/dossier.html",
        contexte_role(
            request,
            role,
            onglet="dossiers",
            dossier=dossier,
            etapes=etapes,
            chaines=chaines(etapes),
            en_cours=sum(1 for e in etapes if e.echeance is not None),
            BROUILLON=StatutFacture.BROUILLON,
        ),
    )


def _premier_role(request, est_visible) -> RoleTravaux:
    for role in acces.roles_de(request.user):
        if est_visible(role):
            return role
    raise Http404


@require_safe
def dossier_ouvrir(request, pk):
    """The dossier in the first role the user sees it in (links of the e-mails)."""
    role = _premier_role(
        request,
        lambda r: DossierFacturation.objects.visible_to(request.user, r).filter(pk=pk).exists(),
    )
    return redirect(url_role(role, "dossier", pk))


@require_safe
def piece_ouvrir(request, pk):
    """The piece in the first role the user may act on it in, else the first he sees it in."""
    from factures.models import Facture
    from travaux.views.commun import actions_du_role

    visibles = [
        role
        for role in acces.roles_de(request.user)
        if pieces_du_role(request.user, role).filter(pk=pk).exists()
    ]
    if not visibles:
        raise Http404
    piece = Facture.objects.select_related("dossier").get(pk=pk)
    role = next((r for r in visibles if actions_du_role(piece, request.user, r)), visibles[0])
    return redirect(url_role(role, "detail", pk))
