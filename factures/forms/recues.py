"""Forms of Factures reçues: one action on one invoice, or on a selection of invoices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from factures.enums import ActionFacture as A
from factures.services.traitement import (
    ACTIONS_DE_RETOUR,
    ACTIONS_DESTINATAIRE,
    NUMERO_MANDAT_MAX,
)

MOTIF_MAX = 2000
SELECTION_MAX = 500


class TraitementForm(FormulaireDsfr):
    """The recipient's action, with its motif (required for a return) and, to mandate, the
    mandate number. `actions` are those offered (the engine's, from the current status)."""

    action = forms.ChoiceField(label=_("Action"), choices=())
    motif = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obligatoire pour suspendre, rejeter ou mettre à recycler ; transmis au fournisseur."
        ),
    )
    numero_mandat = forms.CharField(
        label=_("Numéro de mandat"),
        required=False,
        max_length=NUMERO_MANDAT_MAX,
        help_text=_("Obligatoire pour mandater."),
    )

    def __init__(self, *args, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        offertes = [a for a in ACTIONS_DESTINATAIRE if actions is None or a in actions]
        self.fields["action"].choices = [(a, A(a).label) for a in offertes]

    def clean(self):
        donnees = super().clean()
        action = donnees.get("action")
        if action in ACTIONS_DE_RETOUR and not donnees.get("motif", "").strip():
            self.add_error("motif", _("Le motif est obligatoire pour cette action."))
        if action == A.MANDATER and not donnees.get("numero_mandat", "").strip():
            self.add_error("numero_mandat", _("Le numéro de mandat est obligatoire."))
        return donnees


class SelectionForm(forms.Form):
    """The invoices ticked in a list (ids; the view fetches them within the user's scope)."""

    factures = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here: the scoped fetch drops those the user may not see.
        valeurs = self.data.getlist("factures") if hasattr(self.data, "getlist") else []
        self.fields["factures"].choices = [(v, v) for v in valeurs if str(v).isdigit()]
        self.fields["factures"].error_messages["required"] = _("Cochez au moins une facture.")

    def clean_factures(self):
        ids = self.cleaned_data["factures"]
        if len(ids) > SELECTION_MAX:
            raise forms.ValidationError(
                _("Sélectionnez au plus %(max)s factures à la fois.") % {"max": SELECTION_MAX}
            )
        return list(dict.fromkeys(ids))
