from contextlib import suppress

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from habilitations import acces
from habilitations.enums import Application


def _menu(request):
    user = request.user
    if not user.is_authenticated:
        return []
    menu = [
        {
            "code": a,
            "libelle": Application(a).label,
            "url": reverse("espace", args=[a.lower().replace("_", "-")]),
        }
        for a in acces.applications_de(user)
    ]
    if user.est_agent_support:
        with suppress(NoReverseMatch):  # the support desk may not be installed
            menu.append(
                {"code": "SUPPORT", "libelle": _("Support"), "url": reverse("structures:support")}
            )
        with suppress(NoReverseMatch):  # the sollicitations' desk, for support agents
            menu.append(
                {
                    "code": "SUPPORT_SOLLICITATIONS",
                    "libelle": _("Sollicitations au support"),
                    "url": reverse("sollicitations:desk"),
                }
            )
    return menu


def espaces(request):
    """The spaces menu, computed at most once per request and only when a page shows it."""
    return {
        "espaces": SimpleLazyObject(lambda: _menu(request)),
        # The codes of the spaces the user may open, for links that lead into one.
        "codes_espaces": SimpleLazyObject(
            lambda: (
                set(acces.applications_de(request.user)) if request.user.is_authenticated else set()
            )
        ),
    }
