"""Forms of the sign-up and activation pages."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr, telephone_valide
from habilitations.forms import AIDE_MOT_DE_PASSE
from habilitations.models import Utilisateur
from habilitations.services.inscription import identifiant_normaliser, inscription_verifier
from structures.enums import TypeIdentifiant

_PAYS = re.compile(r"[A-Z]{2}")

# Fields of each part of the page, rendered as fieldsets.
CHAMPS_COMPTE = ["email", "email_contact", "prenom", "nom", "telephone", "password1", "password2"]
CHAMPS_STRUCTURE = ["type_identifiant", "identifiant", "raison_sociale"]
CHAMPS_ADRESSE = ["adresse", "code_postal", "ville", "pays"]


class InscriptionForm(FormulaireDsfr):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        max_length=254,
        help_text=_("Vous recevrez le lien d'activation à cette adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    email_contact = forms.EmailField(
        label=_("Adresse électronique de contact"),
        max_length=254,
        required=False,
        help_text=_("Reçoit les notifications. Par défaut, l'adresse de connexion."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    prenom = forms.CharField(
        label=_("Prénom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    nom = forms.CharField(
        label=_("Nom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    telephone = forms.CharField(
        label=_("Téléphone"),
        max_length=30,
        required=False,
        help_text=_("Par exemple 01 23 45 67 89 ou +33 1 23 45 67 89."),
        validators=[telephone_valide],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=AIDE_MOT_DE_PASSE,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        help_text=_("Saisissez le même mot de passe."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    type_identifiant = forms.ChoiceField(
        label=_("Type d'identifiant de la structure"),
        choices=TypeIdentifiant.choices,
        initial=TypeIdentifiant.SIRET,
    )
    identifiant = forms.CharField(
        label=_("Identifiant de la structure"),
        max_length=100,
        error_messages={"required": _("Saisissez l'identifiant de votre structure.")},
        help_text=_(
            "SIRET : 14 chiffres. TVA intracommunautaire : code du pays puis numéro "
            "(BE0123456789). RIDET : 7 à 10 chiffres. Numéro Tahiti : 6 à 9 caractères. "
            "Particulier : laissez vide."
        ),
    )
    # Required only for a structure new to the portal: the service checks it then.
    raison_sociale = forms.CharField(
        label=_("Raison sociale"),
        max_length=200,
        required=False,
        help_text=_(
            "Obligatoire si votre structure n'existe pas encore sur Chorus Pro ; sinon, sa "
            "raison sociale enregistrée est conservée. Un particulier laisse ce champ vide."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    adresse = forms.CharField(
        label=_("Adresse"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    code_postal = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    ville = forms.CharField(
        label=_("Ville"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    pays = forms.CharField(
        label=_("Pays"),
        max_length=2,
        required=False,
        help_text=_("Code à deux lettres (FR, BE…). Par défaut, déduit de l'identifiant."),
        widget=forms.TextInput(attrs={"autocomplete": "country"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        select = self.fields["type_identifiant"].widget
        select.attrs["class"] = "fr-select"
        select.group_class = "fr-select-group"
        # A private person types no identifier.
        if self.data.get(self.add_prefix("type_identifiant")) == TypeIdentifiant.PARTICULIER:
            self.fields["identifiant"].required = False

    def champs(self, noms):
        return [self[nom] for nom in noms]

    def champs_compte(self):
        return self.champs(CHAMPS_COMPTE)

    def champs_structure(self):
        return self.champs(CHAMPS_STRUCTURE)

    def champs_adresse(self):
        return self.champs(CHAMPS_ADRESSE)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_pays(self):
        pays = self.cleaned_data["pays"].strip().upper()
        if pays and not _PAYS.fullmatch(pays):
            raise ValidationError(_("Saisissez un code pays de deux lettres (FR, BE, DE…)."))
        return pays

    def clean(self):
        donnees = super().clean()
        type_identifiant = donnees.get("type_identifiant")
        if type_identifiant and "identifiant" in donnees:
            try:
                donnees["identifiant"] = identifiant_normaliser(
                    type_identifiant, donnees["identifiant"]
                )
            except ValidationError as erreur:
                self.add_error("identifiant", erreur)

        if (
            type_identifiant == TypeIdentifiant.HORS_UE
            and "pays" in donnees
            and donnees["pays"] in ("", "FR")
        ):
            self.add_error(
                "pays",
                _("Indiquez le pays de la structure (hors Union européenne), par exemple CH."),
            )

        password1, password2 = donnees.get("password1"), donnees.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif password1:
            futur = Utilisateur(
                email=donnees.get("email", ""),
                prenom=donnees.get("prenom", ""),
                nom=donnees.get("nom", ""),
            )
            try:
                password_validation.validate_password(password1, futur)
            except ValidationError as erreur:
                self.add_error("password1", erreur)

        if type_identifiant == TypeIdentifiant.PARTICULIER:
            donnees["raison_sociale"] = ""
        if "email" in donnees and "identifiant" in donnees and type_identifiant:
            try:
                inscription_verifier(
                    email=donnees["email"],
                    type_identifiant=type_identifiant,
                    identifiant=donnees["identifiant"],
                    raison_sociale=donnees.get("raison_sociale", ""),
                )
            except ValidationError as erreur:
                for champ, messages in erreur.message_dict.items():
                    if champ not in self.errors:  # one message per field is enough
                        self.add_error(champ, messages)
        return donnees

    def donnees_du_compte(self) -> dict:
        """The keyword arguments of `compte_creer`."""
        d = self.cleaned_data
        return {
            "email": d["email"],
            "mot_de_passe": d["password1"],
            "prenom": d["prenom"],
            "nom": d["nom"],
            "email_contact": d["email_contact"],
            "telephone": d["telephone"],
            "type_identifiant": d["type_identifiant"],
            "identifiant": d["identifiant"],
            "raison_sociale": d["raison_sociale"],
            "adresse": d["adresse"],
            "code_postal": d["code_postal"],
            "ville": d["ville"],
            "pays": d["pays"],
        }


class ActivationRenvoyerForm(FormulaireDsfr):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
