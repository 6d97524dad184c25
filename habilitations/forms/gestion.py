"""Forms of a structure's users, habilitations, approvals and GP transfer pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from habilitations import acces
from habilitations.enums import Application, Niveau
from habilitations.models import Utilisateur
from habilitations.services.gestion import Decision, NatureDemande, utilisateurs_rattaches
from structures.enums import StatutService

TOUTE_LA_STRUCTURE = _("Toute la structure")


def _services_actifs(structure):
    return structure.services.filter(statut=StatutService.ACTIF).order_by("code")


def _libelle_utilisateur(utilisateur) -> str:
    return f"{utilisateur.get_full_name()} ({utilisateur.email})"


class ChampDemandes(forms.Field):
    """One or several requests of the queue, each posted as "<nature>-<id>"."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Cochez au moins une demande."),
        "invalid": _("Demande inconnue."),
    }

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        jetons = []
        for jeton in value:
            nature, _sep, pk = str(jeton).partition("-")
            if nature not in NatureDemande.values or not pk.isdigit():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if (nature, int(pk)) not in jetons:
                jetons.append((nature, int(pk)))
        return jetons


class TraitementForm(FormulaireDsfr):
    """Approve or refuse one request, or several at once."""

    demandes = ChampDemandes()
    decision = forms.ChoiceField(label=_("Décision"), choices=Decision.choices)
    commentaire = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus ; transmis au demandeur."),
    )


class FiltreUtilisateursForm(FormulaireDsfr):
    TRIS = {
        "nom": ("nom", "prenom", "pk"),
        "-nom": ("-nom", "-prenom", "-pk"),
        "email": ("email",),
        "-email": ("-email",),
        "connexion": ("last_login", "pk"),
        "-connexion": ("-last_login", "pk"),
    }

    q = forms.CharField(label=_("Nom ou adresse électronique"), required=False, max_length=100)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("Tous")
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("nom", _("Nom (A → Z)")),
            ("-nom", _("Nom (Z → A)")),
            ("email", _("Adresse électronique")),
            ("-connexion", _("Dernière connexion (récente d'abord)")),
            ("connexion", _("Dernière connexion (ancienne d'abord)")),
            ("-email", _("Adresse électronique (Z → A)")),
        ],
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = structure.services.order_by("code")

    def ordre(self):
        tri = self.cleaned_data.get("tri") if self.is_valid() else ""
        return self.TRIS.get(tri or "nom")


class RattacherForm(FormulaireDsfr):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion de l'utilisateur"),
        help_text=_(
            "La personne doit déjà avoir un compte sur le portail ; sinon, elle doit d'abord "
            "créer son compte."
        ),
    )
    service = forms.ModelChoiceField(
        label=_("Rattacher à"),
        queryset=None,
        required=False,
        empty_label=TOUTE_LA_STRUCTURE,
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services_actifs(structure)
        self.utilisateur = None

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.utilisateur = Utilisateur.objects.filter(email__iexact=email).first()
        if self.utilisateur is None:
            raise forms.ValidationError(
                _(
                    "Aucun compte n'utilise cette adresse : la personne doit d'abord créer son "
                    "compte, puis vous pourrez la rattacher."
                )
            )
        return email


class HabilitationForm(FormulaireDsfr):
    """Gives a habilitation, or sets the level of the one on the same (service, space)."""

    portee = forms.ModelChoiceField(
        label=_("Périmètre"), queryset=None, required=False, empty_label=TOUTE_LA_STRUCTURE
    )
    application = forms.ChoiceField(label=_("Espace"))
    niveau = forms.ChoiceField(
        label=_("Niveau"),
        choices=Niveau.choices,
        widget=forms.RadioSelect,
        initial=Niveau.CONSULTATION,
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portee"].queryset = _services_actifs(structure)
        self.fields["application"].choices = [
            (a, Application(a).label) for a in acces.applications_de_la_structure(structure)
        ]


class SuppressionHabilitationForm(FormulaireDsfr):
    habilitation = forms.IntegerField(widget=forms.HiddenInput)


class CopierDroitsForm(FormulaireDsfr):
    cible = forms.ModelChoiceField(
        label=_("Utilisateur qui recevra ces droits"),
        queryset=None,
        help_text=_("Ses habilitations actuelles sur la structure seront remplacées."),
    )
    confirme = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, structure, source, **kwargs):
        super().__init__(*args, **kwargs)
        cible = self.fields["cible"]
        cible.queryset = (
            utilisateurs_rattaches(structure).exclude(pk=source.pk).order_by("nom", "prenom")
        )
        cible.label_from_instance = _libelle_utilisateur


class ConfirmationForm(FormulaireDsfr):
    confirme = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TransfertGpForm(FormulaireDsfr):
    """The choices list the eligible users; any account is looked up, so that the service says
    why another one cannot be chosen (inactive, not attached)."""

    utilisateur = forms.ModelChoiceField(
        label=_("Nouveau gestionnaire principal"),
        queryset=Utilisateur.objects.all(),
        help_text=_("Un utilisateur actif rattaché à la structure."),
        error_messages={"invalid_choice": _("Utilisateur inconnu.")},
    )
    confirme = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        eligibles = (
            utilisateurs_rattaches(structure)
            .filter(is_active=True)
            .exclude(pk=structure.gestionnaire_principal_id)
            .order_by("nom", "prenom")
        )
        self.fields["utilisateur"].choices = [
            ("", "---------"),
            *((u.pk, _libelle_utilisateur(u)) for u in eligibles),
        ]
