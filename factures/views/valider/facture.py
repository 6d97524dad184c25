"""One invoice of Factures à valider: its page, its files, and the validator's answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from chorus import documents
from chorus.workflow import TransitionRefusee
from factures.circuits import circuit_de
from factures.enums import A_VALIDER
from factures.forms.valider import ValidationForm
from factures.services.validation import ACTIONS_VALIDEUR, facture_traiter_validation
from factures.views.recues.facture import contexte_facture
from factures.views.valider.commun import contexte_espace, facture_visible, peut_valider


def _a_valider_par(user, facture) -> bool:
    """Is it the user's turn (his structure is the validator the status waits for)?"""
    possibles = {t.action for t in circuit_de(facture).actions_possibles(facture, user)}
    return bool(possibles & set(ACTIONS_VALIDEUR))


@require_safe
def detail(request, pk):
    facture = facture_visible(
        request,
        pk,
        select_related=("valideur_1", "valideur_2", "document_original", "document_rendu"),
    )
    a_valider = facture.statut in A_VALIDER and _a_valider_par(request.user, facture)
    return render(
        request,
        "factures/valider/detail.html",
        contexte_espace(
            request,
            **contexte_facture(facture, request),
            a_valider=a_valider,
            form=ValidationForm() if a_valider else None,
            onglet="",
        ),
    )


@require_http_methods(["GET", "POST"])
def decider(request, pk):
    """The validator's answer: the form (with its confirmation), then the engine."""
    facture = facture_visible(request, pk)
    if not peut_valider(request.user, facture):
        raise PermissionDenied
    form = ValidationForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            facture_traiter_validation(
                facture=facture,
                action=form.cleaned_data["action"],
                acting_user=request.user,
                motif=form.cleaned_data["motif"],
            )
        except TransitionRefusee as refus:
            messages.error(request, refus.message)
        else:
            facture.refresh_from_db()
            messages.success(
                request,
                _(
                    "Votre réponse est enregistrée : la facture %(numero)s est au statut "
                    "« %(statut)s »."
                )
                % {"numero": facture, "statut": facture.get_statut_display()},
            )
        return redirect("factures:valider_detail", pk=facture.pk)
    if request.method == "GET":
        return redirect("factures:valider_detail", pk=facture.pk)
    return render(
        request,
        "factures/valider/detail.html",
        contexte_espace(
            request,
            **contexte_facture(facture, request),
            a_valider=True,
            form=form,
            onglet="",
        ),
    )


def _telecharger(request, facture, document, absent):
    if document is None:
        messages.info(request, absent)
        return redirect("factures:valider_detail", pk=facture.pk)
    return documents.telecharger(request, document)


@require_safe
def telecharger_original(request, pk):
    facture = facture_visible(request, pk, select_related=("document_original",))
    return _telecharger(
        request,
        facture,
        facture.document_original,
        _("Cette facture a été saisie sur le portail : téléchargez sa version PDF."),
    )


@require_safe
def telecharger_rendu(request, pk):
    facture = facture_visible(request, pk, select_related=("document_rendu",))
    return _telecharger(
        request,
        facture,
        facture.document_rendu,
        _("Le document de cette facture est en cours de préparation : réessayez dans un instant."),
    )


@require_safe
def telecharger_piece_jointe(request, pk, piece_pk):
    facture = facture_visible(request, pk)
    piece = get_object_or_404(facture.pieces_jointes.select_related("document"), pk=piece_pk)
    return documents.telecharger(request, piece.document)
