"""Attachments of a draft: add one (upload or reuse the structure's), remove one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from factures.forms.pieces_jointes import PieceJointeForm, ReutiliserPieceForm
from factures.services import pieces_jointes as services
from factures.views.emises.commun import contexte_espace, facture_modifiable


def _retour(facture):
    return redirect(reverse("factures:emises_modifier", args=[facture.pk]) + "#pieces-jointes")


def _erreurs(request, *sources) -> None:
    for source in sources:
        for message in source:
            messages.error(request, message)


@require_POST
def ajouter(request, pk):
    facture = facture_modifiable(request, pk)
    form = PieceJointeForm(data=request.POST, files=request.FILES)
    if not form.is_valid():
        _erreurs(request, *form.errors.values())
        return _retour(facture)
    try:
        piece = services.piece_jointe_ajouter(
            facture=facture,
            acting_user=request.user,
            fichier=form.cleaned_data["fichier"],
            libelle=form.cleaned_data["libelle"],
        )
    except ValidationError as erreur:
        _erreurs(request, erreur.messages)
    else:
        messages.success(request, _("La pièce jointe « %s » est ajoutée.") % piece)
    return _retour(facture)


@require_POST
def reutiliser(request, pk):
    facture = facture_modifiable(request, pk)
    form = ReutiliserPieceForm(data=request.POST, facture=facture)
    if not form.is_valid():
        _erreurs(request, *form.errors.values())
        return _retour(facture)
    try:
        piece = services.piece_jointe_reutiliser(
            facture=facture,
            acting_user=request.user,
            piece_structure=form.cleaned_data["piece_structure"],
        )
    except ValidationError as erreur:
        _erreurs(request, erreur.messages)
    else:
        messages.success(request, _("La pièce jointe « %s » est ajoutée.") % piece)
    return _retour(facture)


@require_http_methods(["GET", "POST"])
def retirer(request, pk, piece_pk):
    facture = facture_modifiable(request, pk)
    piece = get_object_or_404(facture.pieces_jointes.select_related("document"), pk=piece_pk)
    if request.method == "POST":
        try:
            services.piece_jointe_retirer(piece=piece, acting_user=request.user)
        except ValidationError as erreur:
            _erreurs(request, erreur.messages)
        else:
            messages.success(request, _("La pièce jointe « %s » est retirée.") % piece)
        return _retour(facture)
    return render(
        request,
        "factures/emises/piece_jointe_retirer.html",
        contexte_espace(request, facture=facture, piece=piece, onglet=""),
    )
