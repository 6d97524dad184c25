"""Processing several invoices at once: the selection (ticked in a list) and the action are
posted, a confirmation page lists what will happen to each, then the engine applies the
action to each invoice in its own transaction and a report says, per invoice, what was done
and what was refused and why (Post/Redirect/Get: the report is kept in the session)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.forms.recues import SelectionForm, TraitementForm
from factures.services.traitement import (
    ACTIONS_DE_RETOUR,
    ACTIONS_DESTINATAIRE,
    factures_traiter,
)
from factures.views.recues.commun import (
    contexte_espace,
    exiger_espace,
    factures_visibles,
    peut_traiter,
)

CLE_RAPPORT = "factures_recues_rapport_lot"


def _retour(request) -> str:
    """Back to the list the selection came from (a path of this site only)."""
    suivant = request.POST.get("retour", "")
    return suivant if suivant.startswith("/") and not suivant.startswith("//") else ""


@require_POST
def lot(request):
    exiger_espace(request)
    if not peut_traiter(request.user):
        raise PermissionDenied
    selection = SelectionForm(data=request.POST)
    form = TraitementForm(data=request.POST, actions=ACTIONS_DESTINATAIRE)
    retour = _retour(request) or "factures:recues_synthese"
    if not selection.is_valid():
        messages.error(request, " ".join(selection.errors.get("factures", [])))
        return redirect(retour)
    factures = list(
        factures_visibles(request.user)
        .filter(pk__in=selection.cleaned_data["factures"])
        .select_related("fournisseur", "service_destinataire")
        .order_by("deposee_le", "pk")
    )
    if not factures:
        messages.error(request, _("Aucune des factures cochées n'est visible pour vous."))
        return redirect(retour)
    if request.POST.get("confirmer") and form.is_valid():
        donnees = form.cleaned_data
        resultats = factures_traiter(
            factures=factures,
            action=donnees["action"],
            acting_user=request.user,
            motif=donnees["motif"],
            numero_mandat=donnees["numero_mandat"],
        )
        request.session[CLE_RAPPORT] = {
            "action": donnees["action"],
            "retour": _retour(request),
            "lignes": [
                {
                    "pk": r.facture.pk,
                    "numero": str(r.facture),
                    "reussi": r.reussi,
                    "message": r.message,
                }
                for r in resultats
            ],
        }
        return redirect("factures:recues_lot_rapport")
    # The confirmation page: what the action would do to each invoice, now.
    action = form.data.get("action", "")
    apercu = []
    for facture in factures:
        possible = action in {
            t.action for t in circuit_de(facture).actions_possibles(facture, request.user)
        }
        apercu.append({"facture": facture, "possible": possible})
    return render(
        request,
        "factures/recues/lot_confirmer.html",
        contexte_espace(
            request,
            form=form,
            apercu=apercu,
            possibles=sum(1 for a in apercu if a["possible"]),
            libelle_action=A(action).label if action in A.values else "",
            retour_a_saisir=action in ACTIONS_DE_RETOUR,
            mandater=action == A.MANDATER,
            retour=_retour(request),
            onglet="",
        ),
    )


@require_safe
def lot_rapport(request):
    exiger_espace(request)
    rapport = request.session.get(CLE_RAPPORT)
    if not rapport:
        return redirect("factures:recues_synthese")
    lignes = rapport["lignes"]
    return render(
        request,
        "factures/recues/lot_rapport.html",
        contexte_espace(
            request,
            libelle_action=A(rapport["action"]).label,
            lignes=lignes,
            reussies=sum(1 for ligne in lignes if ligne["reussi"]),
            refusees=sum(1 for ligne in lignes if not ligne["reussi"]),
            retour=rapport.get("retour") or "",
            onglet="",
        ),
    )
