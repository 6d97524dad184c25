"""Valider et envoyer: a confirmation page, then the sending (DEPOSEE, routed at once)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.workflow import TransitionRefusee
from factures.enums import StatutFacture
from factures.services import envoi, verifications
from factures.views.emises.commun import contexte_espace, facture_modifiable


@require_http_methods(["GET", "POST"])
def envoyer(request, pk):
    facture = facture_modifiable(
        request, pk, select_related=("valideur_1", "valideur_2", "coordonnee_bancaire")
    )
    if facture.statut != StatutFacture.BROUILLON:
        messages.info(request, _("Cette facture a déjà été envoyée."))
        return redirect("factures:emises_detail", pk=facture.pk)
    if request.method == "POST":
        try:
            envoi.facture_envoyer(facture=facture, acting_user=request.user)
        except ValidationError as erreur:
            for message in erreur.messages:
                messages.error(request, message)
            return redirect("factures:emises_envoyer", pk=facture.pk)
        except TransitionRefusee as refus:
            messages.error(request, str(refus))
            return redirect("factures:emises_detail", pk=facture.pk)
        messages.success(
            request,
            _(
                "La facture n° %(numero)s est envoyée. Son certificat de dépôt sera disponible "
                "dans un instant sur cette page."
            )
            % {"numero": facture.numero},
        )
        return redirect("factures:emises_detail", pk=facture.pk)
    manques = verifications.verifier_avant_envoi(facture)
    return render(
        request,
        "factures/emises/envoyer.html",
        contexte_espace(
            request,
            facture=facture,
            manques=[m.texte() for m in manques],
            lignes_tva=list(facture.lignes_tva.all()),
            nombre_de_lignes=facture.lignes.count(),
            nombre_de_pieces=facture.pieces_jointes.count(),
            onglet="",
        ),
    )
