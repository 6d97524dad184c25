"""Forms of Mon compte and of the sign-in's second step."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr, telephone_valide
from habilitations import acces
from habilitations.enums import Application, Langue, Niveau
from habilitations.services import compte as services


class CompteForm(FormulaireDsfr):
    prenom = forms.CharField(label=_("Prénom"), max_length=100)
    nom = forms.CharField(label=_("Nom"), max_length=100)
    email_contact = forms.EmailField(
        label=_("Adresse électronique de contact"),
        max_length=254,
        required=False,
        help_text=_("Reçoit les notifications. Vide : l'adresse de connexion."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telephone = forms.CharField(
        label=_("Téléphone fixe"),
        max_length=30,
        required=False,
        validators=[telephone_valide],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    telephone_mobile = forms.CharField(
        label=_("Téléphone mobile"),
        max_length=30,
        required=False,
        validators=[telephone_valide],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    langue = forms.ChoiceField(label=_("Langue"), choices=Langue.choices)
    notifications_actives = forms.BooleanField(
        label=_("Recevoir les notifications par courriel"), required=False
    )

    def __init__(self, *args, utilisateur, **kwargs):
        initial = {
            "prenom": utilisateur.prenom,
            "nom": utilisateur.nom,
            "email_contact": utilisateur.email_contact,
            "telephone": utilisateur.telephone,
            "telephone_mobile": utilisateur.telephone_mobile,
            "langue": utilisateur.langue,
            "notifications_actives": utilisateur.notifications_actives,
        }
        super().__init__(*args, initial=initial, **kwargs)
        if services.notifications_obligatoires(utilisateur):
            champ = self.fields["notifications_actives"]
            champ.disabled = True
            champ.initial = True
            self.initial["notifications_actives"] = True
            # The bound field copied the help text already (DsfrBaseForm builds them early).
            champ.help_text = self["notifications_actives"].help_text = _(
                "Obligatoire : en tant que gestionnaire principal, vous recevez les "
                "notifications des factures de votre structure."
            )

    def clean_prenom(self):
        return self.cleaned_data["prenom"].strip()

    def clean_nom(self):
        return self.cleaned_data["nom"].strip()


class CodeForm(FormulaireDsfr):
    code = forms.CharField(
        label=_("Code à usage unique"),
        help_text=_("Les 6 chiffres affichés par votre application d'authentification."),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Saisissez les 6 chiffres du code, sans lettre."))
        return code


class MotDePasseConfirmationForm(FormulaireDsfr):
    mot_de_passe = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur = utilisateur

    def clean_mot_de_passe(self):
        mot_de_passe = self.cleaned_data["mot_de_passe"]
        if not self.utilisateur.check_password(mot_de_passe):
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return mot_de_passe


class RechercheStructureForm(FormulaireDsfr):
    identifiant = forms.CharField(
        label=_("Identifiant de la structure"),
        help_text=_("Le SIRET (14 chiffres) ou l'autre identifiant exact de la structure."),
        min_length=3,
        max_length=80,
        error_messages={"min_length": _("Saisissez l'identifiant complet de la structure.")},
    )


class RattachementDemandeForm(FormulaireDsfr):
    service = forms.ModelChoiceField(
        label=_("Périmètre"),
        queryset=None,
        required=False,
        empty_label=_("Toute la structure"),
        help_text=_("Toute la structure, ou un de ses services actifs."),
    )
    commentaire = forms.CharField(
        label=_("Commentaire pour le gestionnaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services.services_actifs(structure)


class AbonnementDemandeForm(FormulaireDsfr):
    application = forms.ChoiceField(label=_("Espace"))
    niveau = forms.ChoiceField(label=_("Niveau"), choices=Niveau.choices, widget=forms.RadioSelect)
    service = forms.ModelChoiceField(
        label=_("Périmètre"), queryset=None, required=False, empty_label=_("Toute la structure")
    )
    commentaire = forms.CharField(
        label=_("Commentaire pour le gestionnaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, utilisateur, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (a, Application(a).label) for a in acces.applications_de_la_structure(structure)
        ]
        tout, perimetre = services.perimetre_services(utilisateur, structure)
        champ = self.fields["service"]
        champ.queryset = perimetre
        if not tout:
            champ.required = True
            champ.empty_label = None
