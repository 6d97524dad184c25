"""Forms of the desk: filters, messages, assignment, transfer, closing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from sollicitations.enums import VISIBLES_PAR_LE_DESK, StatutSollicitation
from sollicitations.forms import champ_fichiers
from sollicitations.models import Categorie

ONGLETS_DESK = [
    ("actions", _("Actions requises")),
    ("en_cours", _("En cours")),
    ("cloturees", _("Clôturés")),
]
TRIS = [
    ("-envoyee_le", _("Plus récentes d'abord")),
    ("envoyee_le", _("Plus anciennes d'abord")),
    ("en_attente_depuis", _("Attente la plus longue d'abord")),
    ("numero", _("Numéro")),
    ("statut", _("Statut")),
]
ASSIGNATIONS = [
    ("", _("Toutes")),
    ("moi", _("Assignées à moi")),
    ("personne", _("Non assignées")),
]


class FiltreDeskForm(FormulaireDsfr):
    onglet = forms.ChoiceField(choices=ONGLETS_DESK, required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_(
            "Numéro, objet, structure émettrice (nom ou identifiant), adresse du demandeur"
        ),
    )
    categorie = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=None, required=False, empty_label=_("Toutes")
    )
    structure = forms.CharField(
        label=_("Structure émettrice"),
        required=False,
        max_length=200,
        help_text=_("Raison sociale ou identifiant"),
    )
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[
            ("", _("Tous")),
            *((s.value, s.label) for s in StatutSollicitation if s in VISIBLES_PAR_LE_DESK),
        ],
    )
    assignation = forms.ChoiceField(label=_("Assignation"), required=False, choices=ASSIGNATIONS)
    du = forms.DateField(
        label=_("Envoyée à partir du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    au = forms.DateField(
        label=_("Envoyée jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tri = forms.ChoiceField(label=_("Trier par"), required=False, choices=TRIS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].queryset = Categorie.objects.order_by("ordre", "libelle")
        self.fields["categorie"].label_from_instance = lambda c: c.libelle_affiche

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and du > au:
            self.add_error("au", _("La date de fin doit suivre la date de début."))
        return donnees


ACTION_REPONDRE = "repondre"
ACTION_REPONDRE_CLOTURER = "repondre_cloturer"
ACTION_COMPLEMENT = "complement"
ACTION_NOTE = "note"


class MessageDeskForm(FormulaireDsfr):
    action = forms.ChoiceField(
        choices=[
            (ACTION_REPONDRE, _("Répondre")),
            (ACTION_REPONDRE_CLOTURER, _("Répondre et clôturer")),
            (ACTION_COMPLEMENT, _("Demander un complément")),
            (ACTION_NOTE, _("Ajouter une note interne")),
        ],
        widget=forms.HiddenInput,
    )
    texte = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_(
            "Une réponse ou une demande de complément est envoyée au demandeur ; une note "
            "interne n'est lue que par le desk."
        ),
    )
    fichiers = champ_fichiers()


class AssignerForm(FormulaireDsfr):
    assigne = forms.ModelChoiceField(label=_("Assigner à"), queryset=None, empty_label=None)

    def __init__(self, *args, candidats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigne"].queryset = candidats
        self.fields["assigne"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"


class TransfertForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Motif du transfert (note interne, lue par le support)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


class ClotureForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Message de clôture au demandeur"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )


class RechercheAideForm(FormulaireDsfr):
    q = forms.CharField(label=_("Rechercher dans l'aide"), required=False, max_length=200)
