"""Déposer une facture: one file (and its XAdES signature), read into a pre-filled draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from factures.forms.depot import DepotForm
from factures.services import depot
from factures.views.emises.commun import (
    contexte_espace,
    erreurs_dans,
    exiger_espace,
    fichiers,
    peut_deposer,
    saisie,
)


@require_http_methods(["GET", "POST"])
def deposer(request):
    exiger_espace(request)
    if not peut_deposer(request.user):
        raise PermissionDenied
    form = DepotForm(data=saisie(request), files=fichiers(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            facture = depot.facture_deposer(
                acting_user=request.user,
                fournisseur=donnees["fournisseur"],
                service_fournisseur=donnees["service_fournisseur"],
                cadre=donnees["cadre"],
                fichier=donnees["fichier"],
                signature=donnees["signature"],
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        else:
            if facture.format_depot in depot.FORMATS_STRUCTURES:
                messages.success(
                    request,
                    _("Le fichier est déposé : ses données sont lues, ses contrôles en cours."),
                )
            else:
                messages.success(
                    request,
                    _("Le PDF est déposé : complétez les données que sa lecture n'a pas trouvées."),
                )
            return redirect(reverse("factures:emises_modifier", args=[facture.pk]))
    return render(
        request,
        "factures/emises/deposer.html",
        contexte_espace(request, form=form, onglet="deposer"),
    )
