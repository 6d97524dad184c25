"""The progress of a deposited file's checks, polled by htmx from the page of its draft (an
invoice of Factures émises, a works piece): the same fragment while they run; once done,
htmx is told to reload the page, which then shows the findings. Without htmx, the page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from factures.enums import EtatControle


def suivre_les_controles(request, facture, *, fragment: str, contexte: dict, page: str):
    if not request.htmx:
        return redirect(page)
    if facture.etat_controle == EtatControle.EN_COURS:
        return render(request, fragment, contexte)
    reponse = HttpResponse(status=204)
    reponse["HX-Refresh"] = "true"
    return reponse
