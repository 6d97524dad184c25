"""Template helpers of the invoice pages: status labels and badges, amounts."""

from django import template
from django.utils.formats import number_format

from factures.enums import StatutFacture
from factures.suivi import statuts

register = template.Library()


@register.filter
def libelle_statut(code: str) -> str:
    """The French label of a status code (the code itself if unknown)."""
    try:
        return StatutFacture(code).label
    except ValueError:
        return code


@register.filter
def badge_statut(code: str) -> str:
    return statuts.badge(code)


@register.filter
def montant(valeur, devise: str = "") -> str:
    """An amount the French way, two decimals and grouped thousands: 1 234,50 EUR."""
    if valeur is None or valeur == "":
        return "—"
    texte = number_format(valeur, 2, force_grouping=True)
    return f"{texte} {devise}".strip()


@register.filter
def libelle_action(code: str) -> str:
    from factures.enums import ActionFacture

    try:
        return ActionFacture(code).label
    except ValueError:
        return code
