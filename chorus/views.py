from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chorus.langue import LANGUES, poser_cookie_langue
from chorus.models import Notification
from habilitations import acces, services
from habilitations.enums import Application
from habilitations.forms import ConnexionForm

NB_EVENEMENTS_RECENTS = 10
# Spaces whose landing page belongs to an app: the menu leads there.
PAGES_DES_ESPACES = {
    Application.ORGANISATION: "structures:organisation",
    Application.FACTURES_EMISES: "factures:emises_synthese",
    Application.SOLLICITATIONS_EMISES: "sollicitations:emises",
    Application.SOLLICITATIONS_RECUES: "sollicitations:desk",
    Application.FACTURES_RECUES: "factures:recues_synthese",
    Application.FACTURES_A_VALIDER: "factures:valider_synthese",
    Application.FACTURES_TRAVAUX: "travaux:accueil",
}


@login_not_required
def accueil(request):
    """The public home page for visitors; the connected home page for users."""
    if not request.user.is_authenticated:
        return render(
            request,
            "chorus/accueil_public.html",
            {"form": ConnexionForm(request)},
        )
    evenements = Notification.objects.pour(request.user)[:NB_EVENEMENTS_RECENTS]
    return render(request, "chorus/accueil.html", {"evenements": evenements})


def espace(request, code):
    """Landing page of one space; 404 when the user holds no right on it."""
    try:
        application = Application(code.upper().replace("-", "_"))
    except ValueError:
        raise Http404 from None
    if application not in acces.applications_de(request.user):
        raise Http404
    if application in PAGES_DES_ESPACES:
        try:
            return redirect(PAGES_DES_ESPACES[application])
        except NoReverseMatch:  # that space's pages are not installed yet
            pass
    structures = acces.structures_for(request.user, application, "CONSULTATION")
    return render(
        request,
        "chorus/espace.html",
        {"application": application, "structures": structures},
    )


@login_not_required
@require_POST
def changer_langue(request):
    """Switches the interface language; remembered on the user's account too."""
    langue = request.POST.get("langue", "")
    suivant = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        suivant = "/"
    response = HttpResponseRedirect(suivant)
    if langue in LANGUES:
        poser_cookie_langue(response, langue)
        if request.user.is_authenticated:
            services.langue_choisir(utilisateur=request.user, langue=langue)
    return response


@login_not_required
def erreur_403(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def erreur_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def erreur_500(request):
    # No context processors that could fail again: a plain render of a static page.
    return HttpResponseServerError(loader.get_template("500.html").render())
