"""Forms of a structure's management pages. They parse and check values; the services apply
the business rules (structures/services/gestion.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from habilitations.enums import Application
from structures import validation
from structures.enums import StatutService, TypeCoordonnee, TypeIdentifiant
from structures.models import CoordonneeBancaire, Service, Structure
from structures.services.gestion import CHAMPS_GENERAUX, PARAMETRES_PUBLICS


class _FormulaireModele(FormulaireDsfr, forms.ModelForm):
    pass


def _champ_date(**kwargs) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        **kwargs,
    )


class StructureForm(_FormulaireModele):
    """General data, address and, for a public structure, its parameters."""

    class Meta:
        model = Structure
        fields = [
            *CHAMPS_GENERAUX,
            *PARAMETRES_PUBLICS,
            "double_authentification_obligatoire",
        ]
        widgets = {"presence_moa": forms.RadioSelect}
        help_texts = {
            "pays": _("Code ISO à deux lettres : FR, BE, DE…"),
            "code_service_ou_ej_obligatoire": _(
                "Le fournisseur indique au moins l'un des deux. Ne se combine pas avec les "
                "deux paramètres précédents."
            ),
            "mise_en_paiement_non_remontee": _(
                "Le fournisseur ne voit jamais le statut « mise en paiement »."
            ),
            "double_authentification_obligatoire": _(
                "Les utilisateurs de la structure doivent activer la double authentification."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        structure = self.instance
        if not structure.est_publique:
            for champ in PARAMETRES_PUBLICS:
                del self.fields[champ]
        if structure.type_identifiant != TypeIdentifiant.PARTICULIER:
            del self.fields["nom"], self.fields["prenom"]

    def clean_tva_intracommunautaire(self):
        valeur = self.cleaned_data["tva_intracommunautaire"].strip()
        return validation.valider_tva_intracommunautaire(valeur) if valeur else ""

    def clean_pays(self):
        return validation.valider_pays(self.cleaned_data["pays"])


class ServiceForm(_FormulaireModele):
    date_debut = _champ_date(label=_("Date de début d'activation"))
    date_fin = _champ_date(
        label=_("Date de fin d'activation"),
        required=False,
        help_text=_("Laissez vide si le service n'a pas de date de fin."),
    )

    class Meta:
        model = Service
        fields = [
            "code",
            "libelle",
            "description",
            "date_debut",
            "date_fin",
            "engagement_obligatoire",
            "adresse",
            "code_postal",
            "ville",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "code": _("Unique dans la structure ; les fournisseurs le portent sur leurs factures.")
        }

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class FiltreServicesForm(FormulaireDsfr):
    STATUTS = [("", _("Tous")), *StatutService.choices]
    TRIS = [
        ("code", _("Code")),
        ("libelle", _("Libellé")),
        ("-date_debut", _("Début d'activation, du plus récent")),
    ]

    q = forms.CharField(label=_("Code ou libellé"), required=False, max_length=100)
    statut = forms.ChoiceField(label=_("Statut"), choices=STATUTS, required=False)
    tri = forms.ChoiceField(label=_("Trier par"), choices=TRIS, required=False)


class CoordonneeBancaireForm(_FormulaireModele):
    """IBAN + BIC or French RIB, an optional factor, and the RIB document."""

    document_rib = forms.FileField(
        label=_("RIB (PDF ou image)"),
        help_text=_("Formats acceptés : PDF, PNG, JPG. 10 Mo au plus."),
    )

    class Meta:
        model = CoordonneeBancaire
        fields = [
            "libelle",
            "type_coordonnee",
            "pays",
            "iban",
            "bic",
            "code_banque",
            "code_guichet",
            "numero_compte",
            "cle_rib",
            "affactureur_raison_sociale",
            "affactureur_pays",
            "affactureur_type_identifiant",
            "affactureur_identifiant",
        ]
        widgets = {"type_coordonnee": forms.RadioSelect}
        help_texts = {
            "pays": _("Code ISO à deux lettres du pays du compte : FR, BE, DE…"),
            "iban": _("Pour le type IBAN. Par exemple : FR76 3000 4000 0312 3456 7890 143"),
            "bic": _("BIC de la banque, 8 ou 11 caractères (type IBAN seulement)."),
            "code_banque": _("Pour le type RIB : 5 chiffres."),
            "code_guichet": _("Pour le type RIB : 5 chiffres."),
            "numero_compte": _("Pour le type RIB : 11 chiffres ou lettres."),
            "cle_rib": _("Pour le type RIB : 2 chiffres."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["document_rib"].required = False
            self.fields["document_rib"].help_text = _(
                "Laissez vide pour garder le RIB déjà joint. Formats acceptés : PDF, PNG, JPG."
            )
        # Free-text fields: these models' fields are blank=True, the type decides.
        self.fields["affactureur_type_identifiant"].choices = [
            ("", _("Aucun")),
            *TypeIdentifiant.choices,
        ]

    def _requis(self, *champs: str) -> bool:
        complet = True
        for champ in champs:
            if champ not in self._errors and not self.cleaned_data.get(champ):
                self.add_error(champ, _("Ce champ est obligatoire pour ce type de coordonnées."))
                complet = False
        return complet

    def _valider(self, champ: str, fonction):
        if champ in self._errors or not self.cleaned_data.get(champ):
            return None
        try:
            valeur = fonction(self.cleaned_data[champ])
        except ValidationError as erreur:
            self.add_error(champ, erreur)
            return None
        self.cleaned_data[champ] = str(valeur)
        return valeur

    def clean(self):
        donnees = super().clean()
        if donnees.get("type_coordonnee") == TypeCoordonnee.IBAN:
            self._clean_iban()
        elif donnees.get("type_coordonnee") == TypeCoordonnee.RIB:
            self._clean_rib()
        self._clean_affactureur()
        return self.cleaned_data

    def _clean_iban(self):
        self._requis("pays", "iban", "bic")
        pays = self._valider("pays", validation.valider_pays)
        iban = self._valider("iban", validation.valider_iban)
        bic = self._valider("bic", validation.valider_bic)
        if iban is not None and pays is not None and iban.country_code != pays:
            self.add_error(
                "iban",
                _("Cet IBAN est d'un autre pays (%(iban)s) que celui indiqué (%(pays)s).")
                % {"iban": iban.country_code, "pays": pays},
            )
        if iban is not None and bic is not None:
            try:
                validation.verifier_iban_et_bic(iban, bic)
            except ValidationError as erreur:
                self.add_error("bic", erreur)
        for champ in ("code_banque", "code_guichet", "numero_compte", "cle_rib"):
            self.cleaned_data[champ] = ""

    def _clean_rib(self):
        self._requis("code_banque", "code_guichet", "numero_compte", "cle_rib")
        banque = self._valider("code_banque", validation.valider_code_banque)
        guichet = self._valider("code_guichet", validation.valider_code_guichet)
        compte = self._valider("numero_compte", validation.valider_numero_compte)
        cle = self._valider("cle_rib", validation.valider_cle_rib)
        if None not in (banque, guichet, compte, cle):
            try:
                validation.verifier_rib(banque, guichet, compte, cle)
            except ValidationError as erreur:
                self.add_error("cle_rib", erreur)
        # A RIB is a French account.
        self.cleaned_data.update(pays="FR", iban="", bic="")
        self._errors.pop("pays", None)

    def _clean_affactureur(self):
        champs = (
            "affactureur_raison_sociale",
            "affactureur_pays",
            "affactureur_type_identifiant",
            "affactureur_identifiant",
        )
        if not any(self.cleaned_data.get(c) for c in champs):
            return
        self._requis(
            "affactureur_raison_sociale",
            "affactureur_type_identifiant",
            "affactureur_identifiant",
        )
        self._valider("affactureur_pays", validation.valider_pays)
        if self.cleaned_data.get("affactureur_type_identifiant") == TypeIdentifiant.SIRET:
            self._valider("affactureur_identifiant", validation.valider_siret)


class PieceJointeForm(FormulaireDsfr):
    libelle = forms.CharField(label=_("Libellé"), max_length=200)
    fichier = forms.FileField(
        label=_("Fichier"),
        help_text=_("4 Mo au plus ; nom de 50 caractères au plus (PDF, images, bureautique…)."),
    )


class EspacesForm(FormulaireDsfr):
    applications = forms.MultipleChoiceField(
        label=_("Espaces ouverts pour la structure"),
        choices=Application.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Les utilisateurs de la structure peuvent demander l'accès aux espaces ouverts. "
            "L'espace Organisation reste toujours ouvert."
        ),
    )


class ConfirmationForm(FormulaireDsfr):
    """An empty form: a POST that confirms an action shown on the page."""
