"""Fields of the invoice forms that read numbers the way French users type them."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# Spaces people put between thousands: space, no-break space, narrow no-break space.
_ESPACES = re.compile(r"[\s\u00a0\u202f]")


def nettoyer_nombre(valeur):
    """'1 234,50' → '1234.50'; a value already clean (or not a string) is left as it is."""
    if isinstance(valeur, str):
        valeur = _ESPACES.sub("", valeur).replace(",", ".")
    return valeur


class ChampDecimal(forms.DecimalField):
    """A decimal typed with a comma or a dot, spaces between thousands allowed. Rendered as
    text (with `inputmode="decimal"`): a number input would refuse the comma."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid": _("Saisissez un nombre, par exemple 1 234,50.")}
        )
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        return super().to_python(nettoyer_nombre(value))

    def prepare_value(self, value):
        # Shown back with a comma, as typed.
        if value is None or isinstance(value, str):
            return value
        return format(value, "f").replace(".", ",")
