from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class FormulaireDsfr(DsfrBaseForm):
    """Base of every form of the portal: DSFR markup, optional fields marked as such.

    django-dsfr warns on every render about its transitional marking setting; the portal has
    chosen (settings.DSFR_MARK_OPTIONAL_FIELDS), so the context is built without the warning.
    """

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


# A phone number as people type it: digits, spaces, dots, dashes, brackets, an optional
# leading +. One rule for every form of the portal.
telephone_valide = RegexValidator(
    r"^\+?[0-9][0-9 .()-]{5,28}$",
    _("Saisissez un numéro de téléphone : chiffres, espaces, points ou tirets, + en tête."),
)
