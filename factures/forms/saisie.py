"""Forms of a draft: its creation, its header, its lines, its recipient."""

from __future__ import annotations

from decimal import Decimal

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from factures import montants
from factures.enums import CADRES_ORDINAIRES, Cadre, ModePaiement, TypeFacture, TypeTva
from factures.forms.champs import ChampDecimal
from factures.services import verifications
from factures.services.saisie import est_structuree
from habilitations import acces
from habilitations.enums import Application, Niveau
from structures.enums import StatutCoordonnee, StatutService
from structures.models import CoordonneeBancaire, Service

DEVISES_USUELLES = ["EUR", "USD", "GBP", "CHF", "XPF"]
# Units of UN/ECE recommendation 20 (BT-130), the usual ones first.
UNITES = [
    ("C62", _("Unité")),
    ("H87", _("Pièce")),
    ("LS", _("Forfait")),
    ("HUR", _("Heure")),
    ("DAY", _("Jour")),
    ("WEE", _("Semaine")),
    ("MON", _("Mois")),
    ("ANN", _("Année")),
    ("KGM", _("Kilogramme")),
    ("TNE", _("Tonne")),
    ("MTR", _("Mètre")),
    ("KMT", _("Kilomètre")),
    ("MTK", _("Mètre carré")),
    ("MTQ", _("Mètre cube")),
    ("LTR", _("Litre")),
    ("KWH", _("Kilowattheure")),
]
AIDE_CADRES = {
    Cadre.A1_FACTURE_FOURNISSEUR: _(
        "Le cas le plus courant : votre facture à une entité publique."
    ),
    Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE: _(
        "Une facture déjà réglée (par exemple par carte d'achat) : le montant à payer est nul."
    ),
    Cadre.A9_FACTURE_SOUSTRAITANT: _(
        "Vous êtes sous-traitant : le titulaire du marché valide d'abord votre facture."
    ),
    Cadre.A12_FACTURE_COTRAITANT: _(
        "Vous êtes cotraitant : le mandataire du groupement valide d'abord votre facture."
    ),
}


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        **kwargs,
    )


def _choix_cadres(cadres):
    return [(c, Cadre(c).label) for c in cadres]


class _ChoixService(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service.code} – {service.libelle}"


class NouvelleFactureForm(FormulaireDsfr):
    """First step of a saisie: who invoices, in which cadre."""

    fournisseur = forms.ModelChoiceField(label=_("Structure qui facture"), queryset=None)
    service_fournisseur = _ChoixService(
        label=_("Service de votre structure"),
        queryset=None,
        required=False,
        help_text=_("Facultatif, sauf si vous n'êtes habilité que pour certains services."),
    )
    cadre = forms.ChoiceField(
        label=_("Cadre de facturation"),
        widget=forms.RadioSelect,
        initial=Cadre.A1_FACTURE_FOURNISSEUR,
    )

    def __init__(self, *args, user, cadres=CADRES_ORDINAIRES, **kwargs):
        super().__init__(*args, **kwargs)
        structures = (
            acces.structures_for(user, Application.FACTURES_EMISES, Niveau.MODIFICATION)
            .actives()
            .order_by("raison_sociale", "pk")
        )
        self.fields["fournisseur"].queryset = structures
        if len(structures) == 1:
            self.fields["fournisseur"].initial = structures[0].pk
        self.fields["service_fournisseur"].queryset = Service.objects.filter(
            structure__in=structures, statut=StatutService.ACTIF
        ).order_by("code")
        self.fields["cadre"].choices = [
            (c, f"{Cadre(c).label} — {AIDE_CADRES.get(c, '')}".rstrip(" —")) for c in cadres
        ]

    def clean(self):
        donnees = super().clean()
        fournisseur, service = donnees.get("fournisseur"), donnees.get("service_fournisseur")
        if fournisseur and service and service.structure_id != fournisseur.pk:
            self.add_error("service_fournisseur", _("Ce service n'appartient pas à la structure."))
        return donnees


class EnteteForm(FormulaireDsfr):
    """The header of a draft. A structured file's draft keeps only what the file does not
    say (cadre, validators, the supplier's service)."""

    cadre = forms.ChoiceField(label=_("Cadre de facturation"), widget=forms.RadioSelect)
    identifiant_valideur_1 = forms.CharField(
        label=_("Identifiant du premier valideur (titulaire ou mandataire)"),
        max_length=80,
        required=False,
        help_text=_("Le SIRET (ou autre identifiant) de la structure qui valide d'abord."),
    )
    identifiant_valideur_2 = forms.CharField(
        label=_("Identifiant du second valideur (mandataire)"),
        max_length=80,
        required=False,
        help_text=_(
            "Seulement si vous êtes sous-traitant d'un cotraitant : le cotraitant valide "
            "d'abord, puis le mandataire du groupement."
        ),
    )
    service_fournisseur = _ChoixService(
        label=_("Service de votre structure"), queryset=None, required=False
    )
    service_destinataire = _ChoixService(
        label=_("Service destinataire"),
        queryset=None,
        required=False,
        help_text=_("Un service actif du destinataire (code service)."),
    )
    type_facture = forms.ChoiceField(
        label=_("Type"), choices=TypeFacture.choices, initial=TypeFacture.FACTURE
    )
    numero = forms.CharField(
        label=_("Numéro de facture"),
        max_length=20,
        required=False,
        help_text=_("20 caractères au plus : lettres, chiffres et - _ / +"),
    )
    date_facture = _date(label=_("Date de facture"), required=False)
    date_echeance = _date(label=_("Date d'échéance"), required=False)
    numero_facture_origine = forms.CharField(
        label=_("Numéro de la facture d'origine"),
        max_length=20,
        required=False,
        help_text=_("Pour un avoir : la facture qu'il corrige."),
    )
    devise = forms.CharField(
        label=_("Devise"),
        max_length=3,
        initial="EUR",
        help_text=_("Code ISO à trois lettres : EUR, USD, CHF…"),
        widget=forms.TextInput(attrs={"list": "devises", "autocomplete": "off"}),
    )
    type_tva = forms.ChoiceField(label=_("Type de TVA"), choices=TypeTva.choices)
    motif_exoneration = forms.CharField(
        label=_("Motif de l'exonération"),
        max_length=200,
        required=False,
        help_text=_("Par exemple : « TVA non applicable, article 293 B du CGI »."),
    )
    mode_paiement = forms.ChoiceField(
        label=_("Mode de paiement"),
        choices=[("", _("Aucun (avoir)")), *ModePaiement.choices],
        required=False,
    )
    coordonnee_bancaire = forms.ModelChoiceField(
        label=_("Coordonnées bancaires"),
        queryset=None,
        required=False,
        help_text=_("Parmi les coordonnées bancaires actives de votre structure."),
    )
    numero_engagement = forms.CharField(
        label=_("Numéro d'engagement (bon de commande)"), max_length=50, required=False
    )
    numero_marche = forms.CharField(label=_("Numéro de marché"), max_length=50, required=False)
    montant_ht = ChampDecimal(
        label=_("Montant total HT"),
        max_digits=15,
        decimal_places=2,
        required=False,
        help_text=_("Sans lignes, saisissez les totaux de la facture déposée."),
    )
    montant_tva = ChampDecimal(
        label=_("Montant total de TVA"), max_digits=15, decimal_places=2, required=False
    )
    montant_remise_globale_ttc = ChampDecimal(
        label=_("Remise globale TTC"),
        max_digits=15,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    motif_remise_globale = forms.CharField(
        label=_("Motif de la remise globale"), max_length=200, required=False
    )
    commentaire = forms.CharField(
        label=_("Commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    CHAMPS_CADRE = [
        "cadre",
        "identifiant_valideur_1",
        "identifiant_valideur_2",
        "service_fournisseur",
    ]

    def __init__(self, *args, facture, cadres=CADRES_ORDINAIRES, **kwargs):
        kwargs.setdefault("initial", initial_de(facture))
        super().__init__(*args, **kwargs)
        self.facture = facture
        self.fields["cadre"].choices = _choix_cadres(cadres)
        self.fields["service_fournisseur"].queryset = facture.fournisseur.services.filter(
            statut=StatutService.ACTIF
        ).order_by("code")
        if est_structuree(facture):
            for nom in list(self.fields):
                if nom not in self.CHAMPS_CADRE:
                    del self.fields[nom]
            return
        self.fields["service_destinataire"].queryset = (
            Service.objects.filter(structure=facture.destinataire, statut=StatutService.ACTIF)
            if facture.destinataire_id
            else Service.objects.none()
        ).order_by("code")
        self.fields["coordonnee_bancaire"].queryset = CoordonneeBancaire.objects.filter(
            structure=facture.fournisseur, statut=StatutCoordonnee.ACTIVE
        ).order_by("libelle")
        if facture.mode_depot == "SAISIE_PORTAIL":
            del self.fields["montant_ht"], self.fields["montant_tva"]

    def clean_numero(self):
        numero = self.cleaned_data["numero"].strip()
        if numero and not verifications.numero_valide(numero):
            raise ValidationError(verifications.message_numero())
        return numero

    def clean_numero_facture_origine(self):
        numero = self.cleaned_data["numero_facture_origine"].strip()
        if numero and not verifications.numero_valide(numero):
            raise ValidationError(verifications.message_numero())
        return numero

    def clean_devise(self):
        code = self.cleaned_data["devise"].strip().upper()
        if pycountry.currencies.get(alpha_3=code) is None:
            raise ValidationError(_("Saisissez un code de devise ISO 4217 (par exemple EUR)."))
        return code

    def clean(self):
        donnees = super().clean()
        if donnees.get("type_facture") == TypeFacture.AVOIR and donnees.get("mode_paiement"):
            self.add_error("mode_paiement", _("Un avoir n'a pas de mode de paiement."))
        return donnees

    @property
    def champs_cadre(self):
        return [self[n] for n in self.CHAMPS_CADRE if n in self.fields]


def initial_de(facture) -> dict:
    valeurs = {
        "cadre": facture.cadre,
        "identifiant_valideur_1": facture.valideur_1.identifiant if facture.valideur_1 else "",
        "identifiant_valideur_2": facture.valideur_2.identifiant if facture.valideur_2 else "",
        "service_fournisseur": facture.service_fournisseur_id,
        "service_destinataire": facture.service_destinataire_id,
        "coordonnee_bancaire": facture.coordonnee_bancaire_id,
    }
    for champ in (
        "type_facture",
        "numero",
        "date_facture",
        "date_echeance",
        "numero_facture_origine",
        "devise",
        "type_tva",
        "motif_exoneration",
        "mode_paiement",
        "numero_engagement",
        "numero_marche",
        "montant_ht",
        "montant_tva",
        "montant_remise_globale_ttc",
        "motif_remise_globale",
        "commentaire",
    ):
        valeurs[champ] = getattr(facture, champ)
    if not valeurs["montant_remise_globale_ttc"]:
        valeurs["montant_remise_globale_ttc"] = None
    return valeurs


CODES_UNITES = frozenset(code for code, _libelle in UNITES)


class _Partage:
    """A line field shared by every line form instead of deep-copied for each: a form
    copies its fields so that one instance may change them, which a line form never does
    (nor renders them: _lignes.html builds the inputs). 10,000 lines: 70,000 copies saved."""

    def __deepcopy__(self, memo):
        return self


class _Texte(_Partage, forms.CharField):
    pass


class _Decimal(_Partage, ChampDecimal):
    pass


class LigneForm(forms.Form):
    """One line. A plain form (the lines table renders its inputs itself, see _lignes.html):
    an invoice may have 10,000 of them, each built and cleaned on every post."""

    designation = _Texte(label=_("Désignation"), max_length=500)
    reference = _Texte(label=_("Référence"), max_length=100, required=False)
    quantite = _Decimal(label=_("Quantité"), max_digits=19, decimal_places=4)
    unite = _Texte(label=_("Unité"), max_length=3, initial="C62")
    prix_unitaire_ht = _Decimal(
        label=_("Prix unitaire HT"), max_digits=19, decimal_places=6, min_value=Decimal("0")
    )
    remise_ht = _Decimal(
        label=_("Remise HT"),
        max_digits=15,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    taux_tva = _Decimal(
        label=_("Taux de TVA (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        initial=Decimal("20"),
        widget=forms.TextInput(attrs={"list": "taux-tva"}),
    )

    def clean_unite(self):
        code = self.cleaned_data["unite"].strip().upper()
        if code not in CODES_UNITES:
            raise ValidationError(_("Choisissez une unité de la liste (C62 pour « unité »)."))
        return code


class BaseLignesFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("Une facture compte au plus %(num)d lignes."),
    }

    def __getitem__(self, index):
        # A template's `{{ lignes.management_form }}` first tries `lignes["management_form"]`,
        # which would build every form (10,000 of them): only integers index the lines.
        if isinstance(index, str):
            raise TypeError(index)
        return super().__getitem__(index)

    def lignes(self) -> list[dict]:
        """The cleaned lines, blank and deleted ones left out, in their order."""
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


LignesFormSet = formset_factory(
    LigneForm,
    formset=BaseLignesFormSet,
    extra=1,
    can_delete=True,
    max_num=verifications.LIGNES_MAX,
    validate_max=True,
    absolute_max=verifications.LIGNES_MAX + 1,
)


def initial_lignes(facture) -> list[dict]:
    return [
        {
            "designation": ligne.designation,
            "reference": ligne.reference,
            "quantite": ligne.quantite.normalize(),
            "unite": ligne.unite or "C62",
            "prix_unitaire_ht": ligne.prix_unitaire_ht.normalize(),
            "remise_ht": ligne.remise_ht or None,
            "taux_tva": ligne.taux_tva.normalize(),
        }
        for ligne in facture.lignes.order_by("ordre", "pk")
    ]


TAUX_USUELS = montants.TAUX_USUELS
