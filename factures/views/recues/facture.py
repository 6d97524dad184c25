"""One invoice of Factures reçues: its page, the downloads of its files (recorded), and the
processing of it by the recipient (a confirmation page, then the engine)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from chorus import documents
from chorus.workflow import TransitionRefusee
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.forms.recues import TraitementForm
from factures.models import TypeTelechargement
from factures.services.telechargement import facture_telechargement_enregistrer
from factures.services.traitement import ACTIONS_DE_RETOUR, ACTIONS_DESTINATAIRE, facture_traiter
from factures.views.recues.commun import (
    contexte_espace,
    facture_traitable,
    facture_visible,
    peut_traiter,
)

LIGNES_PAR_PAGE = 100


def actions_offertes(user, facture) -> list[str]:
    """The recipient's actions the engine allows now, in the page's order."""
    possibles = {t.action for t in circuit_de(facture).actions_possibles(facture, user)}
    return [a for a in ACTIONS_DESTINATAIRE if a in possibles]


def contexte_facture(facture, request, *, lignes_param="lignes") -> dict:
    """The sections every invoice page shows (data, lines, VAT, attachments, history)."""
    return {
        "facture": facture,
        "lignes": Paginator(facture.lignes.order_by("ordre", "pk"), LIGNES_PAR_PAGE).get_page(
            request.GET.get(lignes_param)
        ),
        "lignes_tva": list(facture.lignes_tva.all()),
        "pieces_jointes": list(facture.pieces_jointes.select_related("document")),
        "historique": list(facture.historique.select_related("acteur").order_by("date", "pk")),
    }


@require_safe
def detail(request, pk):
    facture = facture_visible(
        request,
        pk,
        select_related=(
            "valideur_1",
            "valideur_2",
            "coordonnee_bancaire",
            "document_original",
            "document_rendu",
        ),
    )
    traitable = peut_traiter(request.user, facture)
    telechargements = list(
        facture.telechargements.select_related("utilisateur", "piece_jointe").order_by("-date")[:20]
    )
    return render(
        request,
        "factures/recues/detail.html",
        contexte_espace(
            request,
            **contexte_facture(facture, request),
            traitable=traitable,
            actions=[
                (a, A(a).label, a in ACTIONS_DE_RETOUR)
                for a in actions_offertes(request.user, facture)
            ]
            if traitable
            else [],
            telechargements=telechargements,
            onglet="",
        ),
    )


def _telecharger(request, facture, document, type_document, absent, piece=None):
    if document is None:
        messages.info(request, absent)
        return redirect("factures:recues_detail", pk=facture.pk)
    facture_telechargement_enregistrer(
        facture=facture,
        utilisateur=request.user,
        type_document=type_document,
        piece_jointe=piece,
    )
    return documents.telecharger(request, document)


@require_safe
def telecharger_original(request, pk):
    facture = facture_visible(request, pk, select_related=("document_original",))
    return _telecharger(
        request,
        facture,
        facture.document_original,
        TypeTelechargement.FACTURE,
        _("Cette facture a été saisie sur le portail : téléchargez sa version PDF."),
    )


@require_safe
def telecharger_rendu(request, pk):
    facture = facture_visible(request, pk, select_related=("document_rendu",))
    return _telecharger(
        request,
        facture,
        facture.document_rendu,
        TypeTelechargement.RENDU,
        _("Le document de cette facture est en cours de préparation : réessayez dans un instant."),
    )


@require_safe
def telecharger_piece_jointe(request, pk, piece_pk):
    facture = facture_visible(request, pk)
    piece = get_object_or_404(facture.pieces_jointes.select_related("document"), pk=piece_pk)
    return _telecharger(
        request, facture, piece.document, TypeTelechargement.PIECE_JOINTE, "", piece=piece
    )


@require_http_methods(["GET", "POST"])
def traiter(request, pk):
    """The confirmation page of one action (chosen on the invoice page), then the action."""
    facture = facture_traitable(request, pk)
    offertes = actions_offertes(request.user, facture)
    if request.method == "POST":
        form = TraitementForm(data=request.POST, actions=ACTIONS_DESTINATAIRE)
        if form.is_valid():
            donnees = form.cleaned_data
            try:
                facture_traiter(
                    facture=facture,
                    action=donnees["action"],
                    acting_user=request.user,
                    motif=donnees["motif"],
                    numero_mandat=donnees["numero_mandat"],
                )
            except TransitionRefusee as refus:
                # A stale page (a colleague acted meanwhile): a message, never an error.
                messages.error(request, refus.message)
            else:
                messages.success(
                    request,
                    _("La facture %(numero)s est au statut « %(statut)s ».")
                    % {"numero": facture, "statut": facture.get_statut_display()},
                )
            return redirect("factures:recues_detail", pk=facture.pk)
    else:
        action = request.GET.get("action", "")
        if action not in offertes:
            if action:
                messages.error(
                    request,
                    _(
                        "Cette action n'est pas possible au statut « %(statut)s » : "
                        "la page a été actualisée."
                    )
                    % {"statut": facture.get_statut_display()},
                )
            return redirect("factures:recues_detail", pk=facture.pk)
        form = TraitementForm(initial={"action": action}, actions=[action])
    action = form.data.get("action") if form.is_bound else form.initial.get("action")
    return render(
        request,
        "factures/recues/traiter.html",
        contexte_espace(
            request,
            facture=facture,
            form=form,
            action=action,
            libelle_action=A(action).label if action in A.values else "",
            retour=action in ACTIONS_DE_RETOUR,
            mandater=action == A.MANDATER,
            onglet="",
        ),
    )
