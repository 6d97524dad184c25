"""After a return: complete a suspended invoice, recycle one, name the right validator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.workflow import TransitionRefusee
from factures.enums import StatutFacture as S
from factures.forms.retours import CompleterForm, CorrigerValideurForm, RecyclerForm
from factures.services import retours as services
from factures.views.emises.commun import (
    contexte_espace,
    erreurs_dans,
    facture_modifiable,
    fichiers,
    saisie,
)

GET_POST = require_http_methods(["GET", "POST"])


def _dernier_motif(facture) -> str:
    derniere = facture.historique.order_by("-date", "-pk").first()
    return derniere.motif if derniere else ""


def _page(request, facture, gabarit, form, statuts, traiter, succes):
    if facture.statut not in statuts:
        messages.info(request, _("Cette action n'est plus possible sur cette facture."))
        return redirect("factures:emises_detail", pk=facture.pk)
    if request.method == "POST" and form.is_valid():
        try:
            traiter(form.cleaned_data)
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except TransitionRefusee as refus:
            messages.error(request, str(refus))
            return redirect("factures:emises_detail", pk=facture.pk)
        else:
            messages.success(request, succes)
            return redirect("factures:emises_detail", pk=facture.pk)
    return render(
        request,
        gabarit,
        contexte_espace(
            request, facture=facture, form=form, motif=_dernier_motif(facture), onglet=""
        ),
    )


@GET_POST
def completer(request, pk):
    facture = facture_modifiable(request, pk)
    form = CompleterForm(data=saisie(request), files=fichiers(request))
    return _page(
        request,
        facture,
        "factures/emises/completer.html",
        form,
        [S.SUSPENDUE],
        lambda d: services.facture_completer(
            facture=facture,
            acting_user=request.user,
            commentaire=d["commentaire"],
            fichiers=d["fichiers"],
        ),
        _("La facture est complétée : elle est de nouveau à la disposition du destinataire."),
    )


@GET_POST
def recycler(request, pk):
    facture = facture_modifiable(request, pk)
    initial = {
        "identifiant_destinataire": facture.destinataire.identifiant
        if facture.destinataire
        else "",
        "code_service": facture.service_destinataire.code if facture.service_destinataire else "",
        "numero_engagement": facture.numero_engagement,
    }
    form = RecyclerForm(data=saisie(request), initial=initial)
    return _page(
        request,
        facture,
        "factures/emises/recycler.html",
        form,
        [S.A_RECYCLER],
        lambda d: services.facture_recycler(facture=facture, acting_user=request.user, **d),
        _("L'acheminement est corrigé : la facture est renvoyée, avec le même numéro."),
    )


@GET_POST
def corriger_valideur(request, pk):
    facture = facture_modifiable(request, pk, select_related=("valideur_1", "valideur_2"))
    form = CorrigerValideurForm(data=saisie(request))
    return _page(
        request,
        facture,
        "factures/emises/corriger_valideur.html",
        form,
        [S.ERREUR_FOURNISSEUR_SUR_VALIDEUR, S.ERREUR_COTRAITANT_SUR_VALIDEUR],
        lambda d: services.facture_corriger_valideur(
            facture=facture, acting_user=request.user, identifiant=d["identifiant"]
        ),
        _("La facture est transmise au valideur désigné, qui a 15 jours pour la valider."),
    )
