"""The signed-in user's request form (draft), and the requester's messages."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from sollicitations.forms import CategoriesMixin, champ_fichiers
from sollicitations.services import depot
from structures.enums import StatutService
from structures.models import Service


class SollicitationForm(CategoriesMixin, FormulaireDsfr):
    categorie = forms.ChoiceField(label=_("Catégorie"))
    sous_categorie = forms.ChoiceField(
        label=_("Sous-catégorie"),
        help_text=_(
            "« Question pour une entité publique » (Factures émises) est adressée à "
            "l'entité destinataire de la facture citée ; les autres vont au support."
        ),
    )
    structure_emettrice = forms.ModelChoiceField(
        label=_("Structure émettrice"), queryset=None, empty_label=None
    )
    service_emetteur = forms.ModelChoiceField(
        label=_("Service émetteur"), queryset=None, required=False
    )
    objet = forms.CharField(
        label=_("Objet"),
        max_length=200,
        help_text=_("En une phrase : des articles d'aide qui y répondent peut-être s'affichent."),
    )
    description = forms.CharField(
        label=_("Description détaillée"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
    )
    numero_facture = forms.CharField(
        label=_("Numéro de la facture concernée"),
        max_length=20,
        required=False,
        help_text=_(
            "Une facture déposée par la structure émettrice. Obligatoire pour une question à "
            "une entité publique."
        ),
    )
    fichiers = champ_fichiers()

    def __init__(self, *args, user, sollicitation=None, **kwargs):
        self.user = user
        self.sollicitation = sollicitation
        if sollicitation is not None:
            kwargs.setdefault(
                "initial",
                {
                    "categorie": str(sollicitation.sous_categorie.categorie_id),
                    "sous_categorie": str(sollicitation.sous_categorie_id),
                    "structure_emettrice": sollicitation.structure_emettrice_id,
                    "service_emetteur": sollicitation.service_emetteur_id,
                    "objet": sollicitation.objet,
                    "description": sollicitation.description,
                    "numero_facture": sollicitation.facture.numero
                    if sollicitation.facture_id
                    else "",
                },
            )
        super().__init__(*args, **kwargs)
        self._preparer_categories()
        structures = depot.structures_emettrices(user)
        self.fields["structure_emettrice"].queryset = structures
        self.fields["structure_emettrice"].label_from_instance = lambda s: (
            f"{s.raison_sociale} — {s.get_type_identifiant_display()} {s.identifiant}"
        )
        services = (
            Service.objects.filter(structure__in=structures, statut=StatutService.ACTIF)
            .select_related("structure")
            .order_by("structure__raison_sociale", "code")
        )
        self.fields["service_emetteur"].queryset = services
        self.fields["service_emetteur"].label_from_instance = lambda s: (
            f"{s.structure.raison_sociale} — {s.code} – {s.libelle}"
        )
        self.fields["objet"].widget.attrs.update(
            {
                "hx-get": reverse("sollicitations:suggestions"),
                "hx-trigger": "input changed delay:600ms, search",
                "hx-target": "#suggestions-aide",
                "hx-swap": "innerHTML",
                "autocomplete": "off",
            }
        )

    def clean(self):
        donnees = super().clean()
        donnees["sous_categorie_objet"] = self._nettoyer_categories(donnees)
        structure = donnees.get("structure_emettrice")
        service = donnees.get("service_emetteur")
        if structure and service and service.structure_id != structure.pk:
            self.add_error(
                "service_emetteur", _("Choisissez un service de la structure émettrice.")
            )
        numero = (donnees.get("numero_facture") or "").strip()
        donnees["facture"] = None
        if numero and structure:
            facture = depot.facture_trouver(self.user, structure, numero)
            if facture is None:
                self.add_error(
                    "numero_facture",
                    _(
                        "Aucune facture déposée par la structure émettrice ne porte ce numéro "
                        "(parmi celles que vous pouvez consulter)."
                    ),
                )
            donnees["facture"] = facture
        sc = donnees["sous_categorie_objet"]
        if sc is not None and sc.vers_entite and not numero:
            self.add_error(
                "numero_facture",
                _("Indiquez la facture concernée : la question est adressée à son destinataire."),
            )
        return donnees

    def donnees_service(self) -> dict:
        d = self.cleaned_data
        return {
            "structure_emettrice": d["structure_emettrice"],
            "service_emetteur": d.get("service_emetteur"),
            "sous_categorie": d["sous_categorie_objet"],
            "objet": d["objet"],
            "description": d["description"],
            "facture": d["facture"],
            "fichiers": d.get("fichiers") or [],
        }


class MessageDemandeurForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    fichiers = champ_fichiers()


class RenvoiForm(FormulaireDsfr):
    motif = forms.CharField(
        label=_("Pourquoi la réponse ne vous satisfait-elle pas ?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    fichiers = champ_fichiers()
