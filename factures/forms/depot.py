"""The deposit form: the structure, the cadre, the file (and its XAdES signature)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from factures.enums import CADRES_ORDINAIRES
from factures.forms.saisie import NouvelleFactureForm


class DepotForm(NouvelleFactureForm):
    fichier = forms.FileField(
        label=_("Fichier de la facture"),
        help_text=_(
            "PDF (signé ou non), Factur-X, UBL 2.1 ou CII D16B ; 10 Mo au plus, nom de 50 "
            "caractères au plus. Le format est reconnu d'après le contenu."
        ),
    )
    signature = forms.FileField(
        label=_("Fichier de signature XAdES"),
        required=False,
        help_text=_("Seulement pour un PDF signé en XAdES : le fichier XML de la signature."),
    )

    def __init__(self, *args, user, cadres=CADRES_ORDINAIRES, **kwargs):
        super().__init__(*args, user=user, cadres=cadres, **kwargs)
        self.fields["fournisseur"].help_text = _(
            "Pour un fichier structuré (Factur-X, UBL, CII), c'est le vendeur indiqué dans le "
            "fichier qui compte : il doit être l'une de vos structures."
        )
