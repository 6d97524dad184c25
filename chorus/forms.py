from django import forms
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
