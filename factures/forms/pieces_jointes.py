"""Forms of an invoice's attachments: upload one, or reuse one of the structure's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr


class PieceJointeForm(FormulaireDsfr):
    fichier = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "10 Mo au plus, nom de 50 caractères au plus ; formats acceptés : PDF, images, "
            "bureautique, XML, CSV, archives…"
        ),
    )
    libelle = forms.CharField(
        label=_("Libellé"),
        max_length=200,
        required=False,
        help_text=_("Par défaut, le nom du fichier."),
    )


class ReutiliserPieceForm(FormulaireDsfr):
    piece_structure = forms.ModelChoiceField(
        label=_("Pièce jointe de votre structure"),
        queryset=None,
        help_text=_("Les documents enregistrés dans l'espace Organisation (Kbis, attestations…)."),
    )

    def __init__(self, *args, facture, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["piece_structure"].queryset = facture.fournisseur.pieces_jointes.order_by(
            "libelle", "pk"
        )
