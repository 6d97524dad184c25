"""Forms of the support requests, the support desk and the change of SIRET."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from structures.enums import (
    ActionDemandeStructure,
    StatutDemandeStructure,
    TypeDemandeStructure,
    TypeIdentifiant,
)
from structures.validation import identifiant_normaliser, valider_siret

# A public structure is never a private person.
TYPES_IDENTIFIANT_PUBLICS = [
    c for c in TypeIdentifiant.choices if c[0] != TypeIdentifiant.PARTICULIER
]


class DemandeCreationStructureForm(FormulaireDsfr):
    type_identifiant = forms.ChoiceField(
        label=_("Type d'identifiant"), choices=TYPES_IDENTIFIANT_PUBLICS, initial="SIRET"
    )
    identifiant = forms.CharField(
        label=_("Identifiant"),
        max_length=80,
        help_text=_("Pour un SIRET : 14 chiffres."),
    )
    raison_sociale = forms.CharField(label=_("Raison sociale"), max_length=200)
    adresse = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    code_postal = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    ville = forms.CharField(label=_("Ville"), max_length=100, required=False)
    pays = forms.CharField(
        label=_("Pays"),
        max_length=2,
        initial="FR",
        help_text=_("Code ISO à deux lettres, par exemple FR."),
    )
    commentaire = forms.CharField(
        label=_("Commentaire pour le support"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )

    def clean_pays(self):
        pays = self.cleaned_data["pays"].strip().upper()
        if len(pays) != 2 or not pays.isalpha():
            raise ValidationError(_("Saisissez un code pays ISO à deux lettres (par exemple FR)."))
        return pays

    def clean(self):
        donnees = super().clean()
        type_identifiant = donnees.get("type_identifiant")
        if type_identifiant and donnees.get("identifiant"):
            try:
                donnees["identifiant"] = identifiant_normaliser(
                    type_identifiant, donnees["identifiant"]
                )
            except ValidationError as erreur:
                self.add_error("identifiant", erreur)
        return donnees


class DemandeDesactivationForm(FormulaireDsfr):
    motif = forms.CharField(
        label=_("Motif de la désactivation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class DemandeReaffectationForm(FormulaireDsfr):
    gestionnaire_propose = forms.ModelChoiceField(
        label=_("Nouveau gestionnaire principal proposé"),
        queryset=None,
        empty_label=None,
    )
    commentaire = forms.CharField(
        label=_("Commentaire pour le support"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, candidats, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["gestionnaire_propose"]
        champ.queryset = candidats
        champ.label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"


class TraiterDemandeForm(FormulaireDsfr):
    action = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (ActionDemandeStructure.ACCEPTER, _("Accepter")),
            (ActionDemandeStructure.REFUSER, _("Refuser")),
        ],
    )
    motif = forms.CharField(
        label=_("Motif"),
        help_text=_("Obligatoire en cas de refus ; il est communiqué au demandeur."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


TRIS = [
    ("recent", _("Plus récentes d'abord")),
    ("ancien", _("Plus anciennes d'abord")),
]


class FiltreDeskForm(FormulaireDsfr):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Identifiant, raison sociale ou adresse électronique du demandeur"),
    )
    type_demande = forms.ChoiceField(
        label=_("Type de demande"),
        required=False,
        choices=[("", _("Tous les types")), *TypeDemandeStructure.choices],
    )
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts")), *StatutDemandeStructure.choices],
    )
    tri = forms.ChoiceField(label=_("Tri"), required=False, choices=TRIS)


class ChangementSiretForm(FormulaireDsfr):
    nouveau_siret = forms.CharField(
        label=_("Nouveau SIRET"),
        max_length=20,
        help_text=_("14 chiffres, ceux du nouvel établissement."),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure

    def clean_nouveau_siret(self):
        nouveau = valider_siret(self.cleaned_data["nouveau_siret"])
        if nouveau == self.structure.identifiant:
            raise ValidationError(_("Le nouveau SIRET doit être différent du SIRET actuel."))
        return nouveau
