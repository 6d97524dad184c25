"""The supplier's returns to acknowledge (domain §6.1): the dialog shown after sign-in,
its page, and "Traiter le rejet".

The dialog: at sign-in (`factures.signaux`), a user with returns to acknowledge gets a flag
in his session; while it is there, every page shows the dialog (`factures.context_processors`).
He may close it for later ("Fermer"), unless a return is 7 days old: then there is no way to
close it but acknowledging. Acknowledging everything clears the flag.

Access, in words: users holding *Factures émises – modification* on the invoices; others
have nothing to acknowledge (an empty page); a return of another supplier is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from chorus.workflow import TransitionRefusee
from factures.services import acquittement

# Session flag set at sign-in when there is something to acknowledge: True (show the dialog),
# or, once the user closed it, the moment (a timestamp) acknowledging becomes mandatory, when
# the dialog comes back by itself.
CLE_DIALOGUE = "factures_retours_a_acquitter"


def _suivant(request) -> str:
    suivant = request.POST.get("suivant", "")
    if url_has_allowed_host_and_scheme(
        suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suivant
    return ""


def actualiser_drapeau(request) -> None:
    """Keeps the dialog's flag only while there is something to acknowledge."""
    if not acquittement.retours_a_acquitter(request.user).exists():
        request.session.pop(CLE_DIALOGUE, None)


@require_safe
def retours(request):
    liste = list(acquittement.retours_a_acquitter(request.user))
    a_traiter = list(
        acquittement.rejets_a_traiter(request.user)
        .select_related("facture__destinataire", "historique")
        .order_by("cree_le", "pk")
    )
    return render(
        request,
        "factures/retours/retours.html",
        {
            "retours": liste,
            "obligatoire": acquittement.acquittement_obligatoire(liste),
            "rejets_a_traiter": a_traiter,
        },
    )


@require_POST
def acquitter(request):
    """ "Acquitter les factures sélectionnées" or "Tout acquitter et fermer"."""
    if request.POST.get("tout"):
        nombre = acquittement.retours_acquitter(acting_user=request.user)
    else:
        ids = [int(v) for v in request.POST.getlist("retours") if v.isdigit()]
        if not ids:
            messages.error(request, _("Cochez au moins une facture à acquitter."))
            return redirect(_suivant(request) or "factures:retours")
        nombre = acquittement.retours_acquitter(acting_user=request.user, retours=ids)
    if nombre:
        messages.success(
            request,
            ngettext("%(n)s facture acquittée.", "%(n)s factures acquittées.", nombre)
            % {"n": nombre},
        )
    else:
        messages.info(request, _("Ces factures étaient déjà acquittées."))
    actualiser_drapeau(request)
    return redirect(_suivant(request) or "factures:retours")


@require_POST
def fermer(request):
    """Closes the dialog until acknowledging becomes mandatory (the oldest return's 7th day,
    when it comes back in the same session), or refuses once it is."""
    liste = list(acquittement.retours_a_acquitter(request.user))
    if acquittement.acquittement_obligatoire(liste):
        messages.error(
            request,
            _("Des factures vous ont été retournées il y a plus de 7 jours : acquittez-les."),
        )
    elif liste:
        request.session[CLE_DIALOGUE] = acquittement.obligatoire_a_partir_de(liste).timestamp()
    else:
        request.session.pop(CLE_DIALOGUE, None)
    return redirect(_suivant(request) or "accueil")


@require_POST
def rejet_traiter(request, pk):
    retour = get_object_or_404(acquittement.retours_du_fournisseur(request.user), pk=pk)
    try:
        acquittement.rejet_traiter(acting_user=request.user, retour=retour)
    except TransitionRefusee as refus:
        messages.error(request, refus.message)
    else:
        messages.success(
            request,
            _("Le rejet de la facture %(numero)s est traité : elle quitte vos factures à traiter.")
            % {"numero": retour.facture},
        )
    actualiser_drapeau(request)
    return redirect(_suivant(request) or "factures:retours")
