"""Form of Factures à valider: the validator's answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from factures.enums import ActionFacture as A
from factures.services.validation import ACTIONS_VALIDEUR

MOTIF_MAX = 2000


class ValidationForm(FormulaireDsfr):
    action = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[(a, A(a).label) for a in ACTIONS_VALIDEUR],
        widget=forms.RadioSelect,
    )
    motif = forms.CharField(
        label=_("Complément d'information ou motif"),
        required=False,
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Facultatif pour valider (complément d'information) ; obligatoire pour refuser."
        ),
    )

    def clean(self):
        donnees = super().clean()
        action = donnees.get("action")
        if action and action != A.VALIDER and not donnees.get("motif", "").strip():
            self.add_error("motif", _("Le motif est obligatoire pour refuser."))
        return donnees
