"""Follow-up of Factures émises: Synthèse, Rechercher, Tableau de bord, Archives, CSV export.
The generic pages of factures.suivi, with this space's `Espace`."""

from __future__ import annotations

from django.views.decorators.http import require_safe

from factures.espaces.emises import EMISES
from factures.suivi import vues
from factures.views.emises.commun import contexte_espace, exiger_espace


@require_safe
def synthese(request):
    exiger_espace(request)
    return vues.synthese(
        request, EMISES, gabarit="factures/emises/synthese.html", **contexte_espace(request)
    )


@require_safe
def rechercher(request):
    exiger_espace(request)
    return vues.rechercher(
        request, EMISES, gabarit="factures/emises/rechercher.html", **contexte_espace(request)
    )


@require_safe
def archives(request):
    exiger_espace(request)
    return vues.archives(
        request, EMISES, gabarit="factures/emises/archives.html", **contexte_espace(request)
    )


@require_safe
def tableau_de_bord(request):
    exiger_espace(request)
    return vues.tableau(
        request, EMISES, gabarit="factures/emises/tableau_de_bord.html", **contexte_espace(request)
    )


@require_safe
def exporter(request):
    exiger_espace(request)
    return vues.exporter(request, EMISES)
