"""The space's landing page (the roles), and the follow-up pages of one role: Synthèse,
Rechercher, Tableau de bord, Archives, CSV export (the generic pages of factures.suivi)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from factures.suivi import vues
from travaux import acces
from travaux.enums import CHEZ_LA_MOA, CHEZ_LA_MOE, RoleTravaux
from travaux.espace import espace_pour
from travaux.views.commun import contexte_role, exiger_role, pieces_du_role, roles_ouverts

A_TRAITER = {
    RoleTravaux.FOURNISSEUR: Q(statut__in=["A_ASSOCIER_FOURNISSEUR"]),
    RoleTravaux.MOE: Q(statut__in=CHEZ_LA_MOE),
    RoleTravaux.MOA: Q(statut__in=CHEZ_LA_MOA),
}


@require_safe
def accueil(request):
    """The roles the user may take, with what waits for him in each; straight to the role's
    Synthèse when he has only one."""
    roles = roles_ouverts(request)
    if not roles:
        raise Http404
    if len(roles) == 1:
        return redirect(roles[0]["url"])
    for ligne in roles:
        ligne["a_traiter"] = (
            pieces_du_role(request.user, ligne["role"])
            .filter(A_TRAITER[ligne["role"]])
            .aggregate(n=Count("pk"))["n"]
        )
        ligne["structures"] = list(
            acces.structures_du_role(request.user, ligne["role"]).values_list(
                "raison_sociale", flat=True
            )[:5]
        )
    return render(request, "travaux/accueil.html", {"roles": roles})


def _page(fonction, gabarit):
    @require_safe
    def vue(request, role):
        exiger_role(request, role)
        espace = espace_pour(request.user, role)
        return fonction(
            request, espace, gabarit=gabarit, **contexte_role(request, role, onglet=None)
        )

    vue.__name__ = fonction.__name__
    return vue


synthese = _page(vues.synthese, "travaux/synthese.html")
rechercher = _page(vues.rechercher, "travaux/rechercher.html")
archives = _page(vues.archives, "travaux/archives.html")
tableau_de_bord = _page(vues.tableau, "travaux/tableau_de_bord.html")


@require_safe
def exporter(request, role):
    exiger_role(request, role)
    return vues.exporter(request, espace_pour(request.user, role))
