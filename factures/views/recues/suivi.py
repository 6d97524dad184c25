"""Follow-up of Factures reçues: Synthèse (the invoices to process, oldest first, with the
days since their deposit, and the form to process a selection), Rechercher, Tableau de bord,
Archives and the CSV export (the generic pages of factures.suivi)."""

from __future__ import annotations

import dataclasses

from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_safe

from factures.enums import A_TRAITER_PAR_DESTINATAIRE
from factures.espaces.recues import RECUES
from factures.forms.recues import TraitementForm
from factures.models import FactureHistorique
from factures.suivi import vues
from factures.suivi.filtres import union
from factures.views.recues.commun import contexte_espace, exiger_espace

# The Synthèse lists the invoices to process, oldest deposit first.
A_TRAITER = dataclasses.replace(RECUES, tri_par_defaut="deposee_le")
NB_EVENEMENTS = 10


@require_safe
def synthese(request):
    exiger_espace(request)
    qs = RECUES.factures(request.user)
    comptes = qs.filter(union(RECUES.rubriques)).aggregate(
        **{r.cle: Count("pk", filter=r.filtre) for r in RECUES.rubriques}
    )
    rubriques = [
        {
            "rubrique": r,
            "nombre": comptes[r.cle],
            "url": f"{RECUES.url('rechercher')}?rubrique={r.cle}",
        }
        for r in RECUES.rubriques
    ]
    contexte = vues.contexte_liste(
        request, A_TRAITER, qs.filter(statut__in=A_TRAITER_PAR_DESTINATAIRE)
    )
    evenements = (
        FactureHistorique.objects.filter(objet__in=qs.order_by().values("pk"))
        .select_related("objet", "acteur")
        .order_by("-date", "-pk")[:NB_EVENEMENTS]
    )
    return render(
        request,
        "factures/recues/synthese.html",
        {
            **contexte,
            **contexte_espace(request),
            "rubriques": rubriques,
            "evenements": evenements,
            "form_lot": TraitementForm(auto_id="lot_%s"),
            "onglet": "synthese",
        },
    )


@require_safe
def rechercher(request):
    exiger_espace(request)
    return vues.rechercher(
        request,
        RECUES,
        gabarit="factures/recues/rechercher.html",
        form_lot=TraitementForm(auto_id="lot_%s"),
        **contexte_espace(request),
    )


@require_safe
def archives(request):
    exiger_espace(request)
    return vues.archives(
        request, RECUES, gabarit="factures/recues/archives.html", **contexte_espace(request)
    )


@require_safe
def tableau_de_bord(request):
    exiger_espace(request)
    return vues.tableau(
        request, RECUES, gabarit="factures/recues/tableau_de_bord.html", **contexte_espace(request)
    )


@require_safe
def exporter(request):
    exiger_espace(request)
    return vues.exporter(request, RECUES)
