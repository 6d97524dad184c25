"""Display helpers of Factures reçues / à valider pages and of the invoice notifications
(besides `factures_tags`).

Notifications keep codes and ISO dates in their JSON context: these filters turn them into
labels and dates in the language the e-mail or the page is rendered in.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def montant_texte(valeur) -> str:
    """An amount stored as text (a notification's context), in the active language's way:
    1 234,50 in French, 1,234.50 in English."""
    try:
        nombre = Decimal(str(valeur))
    except (InvalidOperation, ValueError):
        return str(valeur)
    return formats.number_format(nombre, 2, use_l10n=True, force_grouping=True)


@register.filter
def date_iso(valeur: str):
    """A datetime from the ISO text a notification stored (None when empty)."""
    if isinstance(valeur, datetime):
        return valeur
    return parse_datetime(valeur) if valeur else None


@register.filter
def jours_depuis(date) -> int | None:
    """Whole days between `date` and now."""
    if not date:
        return None
    return max(0, (timezone.now() - date).days)


@register.filter
def compte_a_rebours(echeance) -> str:
    """The time left before a deadline, as a user reads it: "14 jours", "5 heures",
    "échue"."""
    if not echeance:
        return ""
    reste = echeance - timezone.now()
    secondes = int(reste.total_seconds())
    if secondes <= 0:
        return _("échue")
    if reste.days >= 1:
        return ngettext("%(n)s jour", "%(n)s jours", reste.days) % {"n": reste.days}
    heures = secondes // 3600
    if heures >= 1:
        return ngettext("%(n)s heure", "%(n)s heures", heures) % {"n": heures}
    minutes = max(1, secondes // 60)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
