"""Follow-up of Factures à valider: Synthèse (what awaits the user's structures, nearest
deadline first, with the time left), and the generic Rechercher, Tableau de bord, Archives
and CSV export."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from factures.espaces.valider import VALIDER, a_valider_par
from factures.suivi import vues
from factures.views.valider.commun import contexte_espace, exiger_espace


@require_safe
def synthese(request):
    exiger_espace(request)
    qs = VALIDER.factures(request.user).filter(a_valider_par(request.user))
    contexte = vues.contexte_liste(request, VALIDER, qs)
    return render(
        request,
        "factures/valider/synthese.html",
        {**contexte, **contexte_espace(request), "onglet": "synthese"},
    )


@require_safe
def rechercher(request):
    exiger_espace(request)
    return vues.rechercher(
        request, VALIDER, gabarit="factures/valider/rechercher.html", **contexte_espace(request)
    )


@require_safe
def archives(request):
    exiger_espace(request)
    return vues.archives(
        request, VALIDER, gabarit="factures/valider/archives.html", **contexte_espace(request)
    )


@require_safe
def tableau_de_bord(request):
    exiger_espace(request)
    return vues.tableau(
        request,
        VALIDER,
        gabarit="factures/valider/tableau_de_bord.html",
        **contexte_espace(request),
    )


@require_safe
def exporter(request):
    exiger_espace(request)
    return vues.exporter(request, VALIDER)
