"""Forms of the supplier's answers to a return: complete, recycle, name the right validator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr


class PlusieursFichiers(forms.ClearableFileInput):
    allow_multiple_selected = True


class ChampPlusieursFichiers(forms.FileField):
    widget = PlusieursFichiers

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(ChampPlusieursFichiers, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CompleterForm(FormulaireDsfr):
    commentaire = forms.CharField(
        label=_("Commentaire pour le destinataire"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    fichiers = ChampPlusieursFichiers(
        label=_("Pièces jointes"),
        required=False,
        help_text=_("Un ou plusieurs fichiers, 10 Mo au plus chacun."),
    )


class RecyclerForm(FormulaireDsfr):
    identifiant_destinataire = forms.CharField(
        label=_("Identifiant du destinataire (SIRET)"),
        max_length=80,
        help_text=_("Le SIRET de l'entité publique à qui la facture doit aller."),
    )
    code_service = forms.CharField(
        label=_("Code service"),
        max_length=100,
        required=False,
        help_text=_("Un service actif du destinataire, s'il en exige un."),
    )
    numero_engagement = forms.CharField(
        label=_("Numéro d'engagement (bon de commande)"), max_length=50, required=False
    )


class CorrigerValideurForm(FormulaireDsfr):
    identifiant = forms.CharField(
        label=_("Identifiant du bon valideur (SIRET)"),
        max_length=80,
        help_text=_("La structure titulaire du marché, ou le mandataire du groupement."),
    )
