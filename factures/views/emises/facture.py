"""One invoice of Factures émises: its page and the downloads of its files.

Downloads go through a view that checks the access first (core 1), then streams the stored
file (core 3); files are never served from a public URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from chorus import documents
from factures.circuits import circuit_de
from factures.enums import EtatControle, Severite
from factures.enums import StatutFacture as S
from factures.views.controles import suivre_les_controles
from factures.views.emises.commun import contexte_espace, facture_visible, peut_modifier

LIGNES_PAR_PAGE = 100


def _historique(facture):
    historique = facture.historique.select_related("acteur").order_by("date", "pk")
    if facture.destinataire is not None and facture.destinataire.mise_en_paiement_non_remontee:
        historique = historique.exclude(statut_apres=S.MISE_EN_PAIEMENT)
    return historique


def _validation_en_attente(facture):
    """The validator the invoice waits for and his deadline, while it waits for one."""
    valideurs = {S.A_VALIDER_1: facture.valideur_1, S.A_VALIDER_2: facture.valideur_2}
    valideur = valideurs.get(facture.statut)
    if valideur is None or facture.echeance_action is None:
        return None
    return {"valideur": valideur, "echeance": facture.echeance_action}


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
            "document_signature",
            "document_rendu",
            "document_certificat",
            "cree_par",
        ),
    )
    modifiable = peut_modifier(request.user, facture)
    actions = (
        {t.action for t in circuit_de(facture).actions_possibles(facture, request.user)}
        if modifiable
        else set()
    )
    lignes = Paginator(facture.lignes.order_by("ordre", "pk"), LIGNES_PAR_PAGE).get_page(
        request.GET.get("lignes")
    )
    anomalies = list(facture.anomalies.order_by("severite", "regle", "pk"))
    return render(
        request,
        "factures/emises/detail.html",
        contexte_espace(
            request,
            facture=facture,
            statut_affiche=facture.statut_pour_fournisseur(),
            validation_en_attente=_validation_en_attente(facture),
            modifiable=modifiable,
            actions=actions,
            lignes=lignes,
            lignes_tva=list(facture.lignes_tva.all()),
            pieces_jointes=list(facture.pieces_jointes.select_related("document")),
            anomalies=anomalies,
            bloquantes=[a for a in anomalies if a.severite == Severite.BLOQUANTE],
            controles_en_cours=facture.etat_controle == EtatControle.EN_COURS,
            historique=list(_historique(facture)),
            onglet="",
        ),
    )


def _telecharger(request, facture, document, absent: str):
    if document is None:
        messages.info(request, absent)
        return redirect("factures:emises_detail", pk=facture.pk)
    return documents.telecharger(request, document)


@require_safe
def telecharger_original(request, pk):
    facture = facture_visible(request, pk, select_related=("document_original",))
    return _telecharger(
        request,
        facture,
        facture.document_original,
        _("Cette facture a été saisie sur le portail : elle n'a pas de fichier déposé."),
    )


@require_safe
def telecharger_signature(request, pk):
    facture = facture_visible(request, pk, select_related=("document_signature",))
    return _telecharger(
        request,
        facture,
        facture.document_signature,
        _("Cette facture n'a pas de fichier de signature."),
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
def telecharger_certificat(request, pk):
    facture = facture_visible(request, pk, select_related=("document_certificat",))
    if facture.deposee_le is None:
        messages.info(request, _("Le certificat de dépôt est établi à l'envoi de la facture."))
        return redirect("factures:emises_detail", pk=facture.pk)
    return _telecharger(
        request,
        facture,
        facture.document_certificat,
        _("Le certificat de dépôt est en cours de préparation : réessayez dans un instant."),
    )


@require_safe
def telecharger_piece_jointe(request, pk, piece_pk):
    facture = facture_visible(request, pk)
    piece = get_object_or_404(facture.pieces_jointes.select_related("document"), pk=piece_pk)
    return documents.telecharger(request, piece.document)


@require_safe
def controles(request, pk):
    """The progress of a deposited file's checks, polled by htmx: the same fragment while
    they run; once done, htmx is told to reload the page, which then shows every finding
    next to its field. Without htmx, back to the invoice page."""
    facture = facture_visible(request, pk)
    return suivre_les_controles(
        request,
        facture,
        fragment="factures/emises/_controles.html",
        contexte={"facture": facture},
        page=reverse("factures:emises_detail", args=[facture.pk]),
    )
