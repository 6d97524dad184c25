"""The public directory (annuaire des structures publiques): open to visitors, read-only."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from structures import annuaire
from structures.models import Structure


def _page(request, objets, paginateur=Paginator):
    page = paginateur(objets, annuaire.PAR_PAGE).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return page


def _colonnes_triables(request, tri: str) -> list[dict]:
    """Header cells of the result table: a link that sorts by the column, then reverses."""
    colonnes = []
    for cle, (libelle, _ordre) in annuaire.TRIS.items():
        sens = {cle: "ascending", f"-{cle}": "descending"}.get(tri)
        parametres = request.GET.copy()
        parametres.pop("page", None)
        parametres["tri"] = f"-{cle}" if sens == "ascending" else cle
        colonnes.append(
            {"cle": cle, "libelle": libelle, "sens": sens, "url": f"?{parametres.urlencode()}"}
        )
    return colonnes


@login_not_required
@require_GET
def recherche(request):
    """Search by identifier (≥ 3 characters), raison sociale, postal code, city, status."""
    form = annuaire.RechercheAnnuaireForm(data=request.GET)
    page = None
    if form.is_valid():
        page = _page(
            request,
            annuaire.structures_de_l_annuaire(**form.cleaned_data),
            annuaire.PaginateurPlafonne,
        )
        tri = form.cleaned_data["tri"]
    else:
        tri = annuaire.tri_valide(request.GET.get("tri", ""))
    return render(
        request,
        "structures/annuaire/recherche.html",
        {
            "form": form,
            "page_obj": page,
            "colonnes": _colonnes_triables(request, tri),
            "plafond": number_format(annuaire.PLAFOND_DES_RESULTATS, force_grouping=True),
        },
    )


@login_not_required
@require_GET
def detail(request, pk):
    """What a supplier needs to invoice a public structure: its identifier and address,
    its parameters and its active services. A private structure is not in the directory."""
    structure = get_object_or_404(Structure.objects.publiques(), pk=pk)
    recherche_service = request.GET.get("service", "").strip()[:100]
    services = _page(request, annuaire.services_de_l_annuaire(structure, recherche_service))
    return render(
        request,
        "structures/annuaire/detail.html",
        {
            "structure": structure,
            "parametres": annuaire.parametres_pour_le_fournisseur(structure),
            "consigne": annuaire.consigne_de_facturation(structure),
            "page_obj": services,
            "recherche_service": recherche_service,
        },
    )
