"""Template helpers of Factures de travaux: role URLs, cadre labels, amount differences."""

from django import template
from django.utils.formats import number_format

from factures.enums import Cadre
from travaux.enums import NATURE
from travaux.views.commun import url_role

register = template.Library()


@register.simple_tag
def url_du_role(role, page, *args):
    """`{% url_du_role role "dossier" dossier.pk %}`: a page of the role the user acts in."""
    return url_role(role, page, *args)


@register.filter
def code_cadre(cadre: str) -> str:
    """A4, A15…: the short code of a cadre."""
    return str(cadre).split("_", 1)[0]


@register.filter
def libelle_cadre(cadre: str) -> str:
    try:
        return Cadre(cadre).label
    except ValueError:
        return cadre


@register.filter
def nature(cadre: str) -> str:
    return NATURE[cadre].label if cadre in NATURE else ""


@register.filter
def ecart(valeur, devise: str = "") -> str:
    """A signed difference the French way: +1 234,50 EUR, −600,00 EUR, 0,00 EUR."""
    if valeur is None:
        return "—"
    signe = "+" if valeur > 0 else ("−" if valeur < 0 else "")
    texte = number_format(abs(valeur), 2, force_grouping=True)
    return f"{signe}{texte} {devise}".strip()
