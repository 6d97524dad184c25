from django.utils.functional import SimpleLazyObject

from habilitations import acces
from habilitations.enums import Application


def _menu(request):
    if not request.user.is_authenticated:
        return []
    return [
        {"code": a, "libelle": Application(a).label, "slug": a.lower().replace("_", "-")}
        for a in acces.applications_de(request.user)
    ]


def espaces(request):
    """The spaces menu, computed at most once per request and only when a page shows it."""
    return {"espaces": SimpleLazyObject(lambda: _menu(request))}
