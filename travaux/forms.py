"""Forms of Factures de travaux. They parse and check values (identifiers, codes, amounts);
the services apply the business rules (travaux/services/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from factures.enums import Cadre
from factures.forms.champs import ChampDecimal
from factures.services import verifications
from structures.enums import StatutService
from structures.models import Service, Structure
from travaux.enums import RoleTravaux
from travaux.routage import (
    CADRES_SOUS_TRAITANCE,
    CADRES_SOUS_TRAITANT,
    DEPOSANT,
    cadres_deposes_par,
)
from travaux.services.dossiers import Parties

R = RoleTravaux
MOTIF_MAX = 1000


def numero_valide(valeur: str) -> None:
    """The number rule of every invoice (domain §5), as Factures émises checks it."""
    if not verifications.numero_valide(valeur):
        raise forms.ValidationError(verifications.message_numero())


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        **kwargs,
    )


def structure_par_identifiant(valeur: str) -> Structure:
    """The structure of an identifier as users type it (spaces and dots allowed)."""
    compact = valeur.replace(" ", "").replace(".", "").upper()
    trouvees = list(Structure.objects.filter(identifiant=compact)[:2])
    if not trouvees:
        raise forms.ValidationError(
            _("Aucune structure n'a l'identifiant %(identifiant)s sur le portail."),
            params={"identifiant": compact},
        )
    if len(trouvees) > 1:
        raise forms.ValidationError(
            _("Plusieurs structures ont cet identifiant : précisez-le (type d'identifiant).")
        )
    return trouvees[0]


def service_par_code(structure: Structure, code: str) -> Service:
    try:
        return structure.services.get(code=code.strip())
    except Service.DoesNotExist:
        raise forms.ValidationError(
            _("%(structure)s n'a pas de service %(code)s."),
            params={"structure": structure.raison_sociale, "code": code.strip()},
        ) from None


def libelle_cadre(cadre: str) -> str:
    return Cadre(cadre).label


class ChoixDepotForm(FormulaireDsfr, forms.Form):
    """First step of a deposit: the piece and the dossier it belongs to (GET)."""

    cadre = forms.ChoiceField(label=_("Pièce à déposer"), widget=forms.RadioSelect)
    dossier = forms.ChoiceField(
        label=_("Dossier"),
        required=False,
        help_text=_("Le dossier du marché ; un premier dépôt pour un marché ouvre son dossier."),
    )

    def __init__(self, *args, role: str, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(c, libelle_cadre(c)) for c in cadres_deposes_par(role)]
        self.fields["dossier"].choices = [
            ("", _("Nouveau dossier (premier dépôt pour ce marché)")),
            *[
                (str(d.pk), f"{d.numero} — {d.numero_marche} — {d.titulaire.raison_sociale}")
                for d in dossiers
            ],
        ]


class PartiesForm(FormulaireDsfr, forms.Form):
    """The parties of a new dossier (or of a correction): identifiers and service codes.

    The acting structure's own party is not asked: it is the structure chosen above."""

    structure = forms.ModelChoiceField(
        label=_("Vous déposez pour"), queryset=Structure.objects.none(), empty_label=None
    )
    numero_marche = forms.CharField(label=_("Numéro de marché"), max_length=50)
    titulaire = forms.CharField(
        label=_("Titulaire du marché (SIRET)"),
        max_length=20,
        help_text=_("Le titulaire ou le mandataire du groupement, qui valide vos pièces."),
    )
    moa = forms.CharField(
        label=_("Maîtrise d'ouvrage ou service financier (SIRET)"),
        max_length=20,
        help_text=_("L'entité publique du marché, telle qu'elle figure dans l'annuaire."),
    )
    service_moa = forms.CharField(
        label=_("Code du service de la maîtrise d'ouvrage"), max_length=100, required=False
    )
    moe = forms.CharField(
        label=_("Maîtrise d'œuvre (SIRET)"),
        max_length=20,
        required=False,
        help_text=_("Laissez vide si la maîtrise d'œuvre n'est pas sur le portail."),
    )
    cotraitant = forms.CharField(
        label=_("Cotraitant pour lequel vous travaillez (SIRET)"),
        max_length=20,
        required=False,
        help_text=_(
            "Seulement si vous êtes le sous-traitant d'un cotraitant : il valide votre pièce, "
            "puis le mandataire. Laissez vide si vous travaillez pour le mandataire."
        ),
    )
    structure_financiere = forms.CharField(
        label=_("Entité publique du service financier (SIRET)"),
        max_length=20,
        required=False,
        help_text=_(
            "Seulement si la maîtrise d'ouvrage agit « exclusivement MOA » : l'entité qui paie."
        ),
    )
    service_financier = forms.CharField(
        label=_("Code du service financier"),
        max_length=100,
        required=False,
        help_text=_("Le service qui reçoit les pièces à payer (Factures reçues)."),
    )

    def __init__(
        self,
        *args,
        role: str,
        cadre: str,
        structures=None,
        base: Parties | None = None,
        champs=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.role, self.cadre, self.base = role, cadre, base
        if structures is not None:
            self.fields["structure"].queryset = structures
        if self.propre:
            del self.fields[self.propre]
        if cadre not in CADRES_SOUS_TRAITANT:
            del self.fields["cotraitant"]
        if champs is not None:  # a correction: only the fields in error
            for nom in list(self.fields):
                if nom not in champs:
                    del self.fields[nom]

    @property
    def propre(self) -> str | None:
        """The party the acting structure is (not asked: it is the structure chosen)."""
        if self.role == R.FOURNISSEUR:
            return None if self.cadre in CADRES_SOUS_TRAITANCE else "titulaire"
        return {R.MOE: "moe", R.MOA: "moa"}[self.role]

    def _structure(self, nom):
        valeur = self.cleaned_data.get(nom, "").strip()
        return structure_par_identifiant(valeur) if valeur else None

    def clean_titulaire(self):
        return self._structure("titulaire")

    def clean_moa(self):
        return self._structure("moa")

    def clean_moe(self):
        return self._structure("moe")

    def clean_cotraitant(self):
        return self._structure("cotraitant")

    def clean_structure_financiere(self):
        return self._structure("structure_financiere")

    def partie(self, nom):
        """The structure named for `nom`: in the form, the acting one, or the dossier's."""
        if nom in self.fields:
            return self.cleaned_data.get(nom)
        if nom == self.propre and "structure" in self.fields:
            return self.cleaned_data.get("structure")
        return getattr(self.base, nom, None)

    def clean(self):
        donnees = super().clean()
        moa = self.partie("moa")
        financiere = self.partie("structure_financiere") or moa
        for code, structure in (("service_moa", moa), ("service_financier", financiere)):
            if code not in self.fields:
                continue
            valeur = (donnees.get(code) or "").strip()
            donnees[code] = None
            if not valeur or structure is None:
                continue
            try:
                service = service_par_code(structure, valeur)
            except forms.ValidationError as erreur:
                self.add_error(code, erreur)
                continue
            if service.statut != StatutService.ACTIF:
                self.add_error(code, _("Ce service est inactif."))
            donnees[code] = service
        return donnees

    def parties(self) -> Parties:
        """The parties named, the acting structure in its own place; a correction keeps
        the dossier's other parties."""
        valeurs = vars(self.base).copy() if self.base is not None else {}
        for nom in ("titulaire", "moa", "moe", "structure_financiere"):
            if nom in self.fields or nom == self.propre:
                valeurs[nom] = self.partie(nom)
        for nom in ("numero_marche", "service_moa", "service_financier"):
            if nom in self.fields:
                valeurs[nom] = self.cleaned_data.get(nom)
        valeurs["numero_marche"] = (valeurs.get("numero_marche") or "").strip()
        return Parties(**valeurs)


class PieceForm(FormulaireDsfr, forms.Form):
    """The piece's own data: number, date, amounts, file, and what it includes.

    A structured file (Factur-X, UBL, CII) says the number, date, amounts and lines; a PDF's
    text fills what is left blank; typed lines give the totals (travaux.services.contenu)."""

    fichier = forms.FileField(
        label=_("Fichier de la pièce (Factur-X, UBL, CII ou PDF)"),
        required=False,
        help_text=_(
            "Un fichier structuré est lu et contrôlé comme dans Factures émises : ses "
            "données remplacent celles saisies ci-dessous. Un PDF complète les champs laissés "
            "vides. 10 Mo au plus."
        ),
    )
    numero = forms.CharField(
        label=_("Numéro de la pièce"), max_length=20, validators=[numero_valide], required=False
    )
    date_facture = _date(label=_("Date de la pièce"), required=False)
    montant_ht = ChampDecimal(
        label=_("Montant HT"),
        max_digits=15,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Si vous saisissez les lignes, le portail calcule les totaux à leur place."),
    )
    montant_tva = ChampDecimal(
        label=_("Montant de TVA"), max_digits=15, decimal_places=2, min_value=0, required=False
    )
    numero_engagement = forms.CharField(
        label=_("Numéro d'engagement"),
        max_length=50,
        required=False,
        help_text=_("Repris de la pièce à laquelle celle-ci répond s'il est laissé vide."),
    )
    commentaire = forms.CharField(
        label=_("Commentaire"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    incluses = forms.ModelMultipleChoiceField(
        label=_("Pièces de sous-traitants ou cotraitants à inclure"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Validées et parvenues à la maîtrise d'œuvre : elles seront payées avec ce décompte."
        ),
    )

    # What a structured file's draft still takes (its data are the file's).
    CHAMPS_D_UN_FICHIER_STRUCTURE = ("fichier", "numero_engagement", "commentaire", "incluses")

    def __init__(self, *args, inclusibles=None, structuree: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if structuree:
            for nom in list(self.fields):
                if nom not in self.CHAMPS_D_UN_FICHIER_STRUCTURE:
                    del self.fields[nom]
        if inclusibles is None or not inclusibles.exists():
            del self.fields["incluses"]
        else:
            self.fields["incluses"].queryset = inclusibles
            self.fields["incluses"].label_from_instance = lambda p: (
                f"{p.numero} — {p.fournisseur.raison_sociale} — {p.montant_ttc} {p.devise}"
            )
        self._bound_fields_cache.clear()

    def donnees(self) -> dict:
        return {
            c: self.cleaned_data[c]
            for c in (
                "numero",
                "date_facture",
                "montant_ht",
                "montant_tva",
                "numero_engagement",
                "commentaire",
            )
            if c in self.cleaned_data
        }


class MotifForm(FormulaireDsfr, forms.Form):
    motif = forms.CharField(
        label=_("Motif"), max_length=MOTIF_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, obligatoire: bool = True, libelle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].required = obligatoire
        if libelle:
            self.fields["motif"].label = libelle
        # The DSFR form builds its bound fields (label, optional mark) in __init__.
        self._bound_fields_cache.clear()


class ConfirmationForm(FormulaireDsfr, forms.Form):
    """A confirmation step: nothing to fill, a button to press."""


def cadres_du_role(role: str) -> list[str]:
    return [c for c, r in DEPOSANT.items() if r == role]
