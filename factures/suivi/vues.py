"""The follow-up pages of any space. A space's views are one line each: they call these
with their `Espace` (see factures/views/emises/suivi.py).

Each page runs a bounded number of queries whatever the number of invoices: the rights
(cached per request), one capped count, one page of rows with their related structures.
"""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format

from factures.models import FactureHistorique
from factures.suivi import export, pagination, tableau_de_bord, tri
from factures.suivi.espace import Cellule, Espace
from factures.suivi.filtres import union

NB_PAR_RUBRIQUE = 5
NB_EVENEMENTS = 10


def _filtre(request, espace: Espace, qs):
    return espace.filtres(request.GET or None, queryset=qs, request=request, espace=espace)


def _urls(espace: Espace) -> dict:
    """What every follow-up template needs to know about its space."""
    return {
        "espace": espace,
        "colonnes": espace.colonnes_du_tableau,
        "url_liste": espace.url("rechercher"),
        "url_export": espace.url("export"),
        "detail_url": espace.nom_url("detail"),
    }


def lignes(espace: Espace, factures) -> list[dict]:
    """Rows of the result table: the invoice and its cells, column by column."""
    return [
        {"facture": f, "cellules": [c.cellule(f, espace) for c in espace.colonnes_du_tableau]}
        for f in factures
    ]


def contexte_liste(request, espace: Espace, qs) -> dict:
    """Filters, sort and one page of `qs`: the context of the result table."""
    filtre = _filtre(request, espace, qs)
    valeur_tri = tri.tri_valide(espace, request.GET.get("tri"))
    page = None
    if not filtre.is_bound or filtre.is_valid():
        resultats = tri.ordonner(filtre.qs, espace, valeur_tri)
        page = pagination.page_de(resultats, request.GET.get("page"))
        page.object_list = espace.completer(page.object_list)
    return {
        **_urls(espace),
        "filtre": filtre,
        "tri": valeur_tri,
        "entetes": tri.entetes(espace, request.GET, valeur_tri),
        "page_obj": page,
        "lignes": lignes(espace, page) if page is not None else [],
        "plafond": number_format(pagination.PLAFOND, force_grouping=True),
        "parametres": request.GET.urlencode(),
    }


def rechercher(request, espace: Espace, *, gabarit: str, **autres):
    contexte = contexte_liste(request, espace, espace.factures_a_lister(request.user))
    return render(request, gabarit, {**contexte, "onglet": "rechercher", **autres})


def archives(request, espace: Espace, *, gabarit: str, **autres):
    qs = espace.factures_a_lister(request.user).filter(
        **{f"{espace.champ_statut}__in": espace.statuts_archives}
    )
    contexte = contexte_liste(request, espace, qs)
    parametres = request.GET.copy()
    parametres["vue"] = "archives"
    contexte["parametres"] = parametres.urlencode()
    return render(request, gabarit, {**contexte, "onglet": "archives", **autres})


def exporter(request, espace: Espace):
    """The current search (criteria and sort, every page) as CSV; `?vue=archives` exports
    the search of the Archives page."""
    qs = espace.factures_a_lister(request.user).prefetch_related(*espace.select_related)
    if request.GET.get("vue") == "archives":
        qs = qs.filter(**{f"{espace.champ_statut}__in": espace.statuts_archives})
    filtre = _filtre(request, espace, qs)
    qs = qs.none() if filtre.is_bound and not filtre.is_valid() else filtre.qs
    qs = tri.ordonner(qs, espace, request.GET.get("tri"))
    nom = f"factures-{espace.nom}-{timezone.localdate():%Y%m%d}.csv"
    return export.reponse_csv(qs, espace.colonnes, nom)


def tableau(request, espace: Espace, *, gabarit: str, **autres):
    """Counts and amounts by status of the invoices matching the criteria."""
    filtre = _filtre(request, espace, espace.factures_a_lister(request.user))
    barres = []
    if not filtre.is_bound or filtre.is_valid():
        barres = tableau_de_bord.par_statut(filtre.qs, espace.champ_statut)
    nombre, montants = tableau_de_bord.totaux(barres)
    return render(
        request,
        gabarit,
        {
            **_urls(espace),
            "filtre": filtre,
            "tri": "",
            "barres": barres,
            "nombre_total": nombre,
            "montants_totaux": montants,
            "onglet": "tableau_de_bord",
            "parametres": request.GET.urlencode(),
            **autres,
        },
    )


def synthese(request, espace: Espace, *, gabarit: str, **autres):
    """The invoices needing an action, by rubrique (a count and the latest few), and the
    latest status changes of the user's invoices."""
    qs = espace.factures_a_lister(request.user)
    comptes = {}
    if espace.rubriques:
        comptes = qs.filter(union(espace.rubriques)).aggregate(
            **{r.cle: Count("pk", filter=r.filtre) for r in espace.rubriques}
        )
    par_rubrique = {
        rubrique.cle: list(
            tri.ordonner(qs.filter(rubrique.filtre), espace, "-cree_le")[:NB_PAR_RUBRIQUE]
        )
        if comptes.get(rubrique.cle)
        else []
        for rubrique in espace.rubriques
    }
    # The related rows of every rubrique's invoices at once.
    espace.completer([f for dernieres in par_rubrique.values() for f in dernieres])
    rubriques = [
        {
            "rubrique": rubrique,
            "nombre": comptes.get(rubrique.cle, 0),
            "lignes": lignes(espace, par_rubrique[rubrique.cle]),
            "url": f"{espace.url('rechercher')}?rubrique={rubrique.cle}",
        }
        for rubrique in espace.rubriques
    ]
    evenements = (
        FactureHistorique.objects.filter(objet__in=qs.order_by().values("pk"))
        .exclude(espace.evenements_masques)
        .select_related("objet", "acteur")
        .order_by("-date", "-pk")[:NB_EVENEMENTS]
    )
    return render(
        request,
        gabarit,
        {
            **_urls(espace),
            "rubriques": rubriques,
            "evenements": evenements,
            "onglet": "synthese",
            **autres,
        },
    )


__all__ = ["Cellule", "archives", "exporter", "rechercher", "synthese", "tableau"]
