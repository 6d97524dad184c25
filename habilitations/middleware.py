"""Two-factor authentication made mandatory while users are signed in.

The rule, in words: when one of a user's structures makes two-factor authentication mandatory
(Organisation > the structure), the users signed in at that moment without an authentication
app must set one up before going on. Within DELAI_DE_CONTROLE (5 minutes), each of them is
sent to the setup page of Mon compte, with a message, from any other page; signing out,
changing the language and the setup page itself stay open. The sign-in's second step already
asks for the code or the setup at the next sign-in (habilitations.views.authentification).

Cost: for a session not verified by a code, one query every 5 minutes (the result is kept in
the session only while nothing is required, so a user sent to the setup page is let through
as soon as his app is confirmed); none for a session verified by a code. The sign-in counts
as the first check: it has just asked for the setup when it was required.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from habilitations.services import compte as services_compte

CLE_SESSION = "double_authentification_controlee_le"
DELAI_DE_CONTROLE = 5 * 60  # seconds
PAGES_OUVERTES = frozenset(
    {
        "habilitations:double_authentification",
        "habilitations:deconnexion",
        "changer_langue",
        "sante",
    }
)


def configuration_exigee(utilisateur) -> bool:
    """Must `utilisateur` set up an authentication app before going on?"""
    return (
        services_compte.double_authentification_obligatoire(utilisateur)
        and services_compte.appareil_confirme(utilisateur) is None
    )


def controle_fait_a_la_connexion(sender, request, user, **kwargs):
    """`user_logged_in`: the sign-in has just applied the rule (its second step)."""
    if request is not None and hasattr(request, "session"):
        request.session[CLE_SESSION] = time.time()


class DoubleAuthentificationExigeeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        utilisateur = request.user
        if not utilisateur.is_authenticated or utilisateur.is_verified():
            return None
        correspondance = request.resolver_match
        if correspondance is not None and correspondance.view_name in PAGES_OUVERTES:
            return None
        maintenant = time.time()
        if maintenant - request.session.get(CLE_SESSION, 0) < DELAI_DE_CONTROLE:
            return None
        if not configuration_exigee(utilisateur):
            request.session[CLE_SESSION] = maintenant
            return None
        request.session.pop(CLE_SESSION, None)
        configuration = reverse("habilitations:double_authentification")
        if getattr(request, "htmx", False):  # a fragment cannot show the page: htmx goes there
            reponse = HttpResponse(status=204)
            reponse["HX-Redirect"] = configuration
            return reponse
        messages.warning(
            request,
            _(
                "Une de vos structures impose désormais la double authentification : "
                "configurez votre application d'authentification pour continuer."
            ),
        )
        return redirect(configuration)
