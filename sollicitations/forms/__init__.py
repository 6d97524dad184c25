"""Forms of the sollicitations: filing (`depot`), the desk (`desk`), the public contact form
(`contact`), and the pieces they share (here)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from sollicitations.models import Categorie, SousCategorie


class FichiersInput(forms.ClearableFileInput):
    """Several files at once, with the DSFR upload markup."""

    allow_multiple_selected = True
    group_class = "fr-upload-group"

    def __init__(self, attrs=None):
        super().__init__({"class": "fr-upload", **(attrs or {})})


class FichiersField(forms.FileField):
    """Several files in one input; cleaned to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FichiersInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        valeurs = data if isinstance(data, list | tuple) else [data]
        return [super(FichiersField, self).clean(v, initial) for v in valeurs if v]


AIDE_FICHIERS = _(
    "Facultatif. 10 Mo au plus par fichier, 120 Mo au plus pour toute la sollicitation ; "
    "nom de 50 caractères au plus ; PDF, images, bureautique, XML, CSV, ZIP…"
)


def champ_fichiers(label=None):
    return FichiersField(label=label or _("Pièces jointes"), help_text=AIDE_FICHIERS)


def choix_sous_categories(*, sans_compte: bool) -> list:
    """Sub-categories grouped by category (an <optgroup> each), as form choices."""
    groupes: dict[int, tuple[str, list]] = {}
    for sc in SousCategorie.objects.proposees(sans_compte=sans_compte):
        _groupe, options = groupes.setdefault(sc.categorie_id, (sc.categorie.libelle_affiche, []))
        options.append((str(sc.pk), sc.libelle_affiche))
    return [("", _("Choisissez une sous-catégorie")), *groupes.values()]


def choix_categories(*, sans_compte: bool) -> list:
    ids = SousCategorie.objects.proposees(sans_compte=sans_compte).values("categorie_id")
    categories = Categorie.objects.filter(pk__in=ids, active=True).order_by("ordre", "libelle")
    return [
        ("", _("Choisissez une catégorie")),
        *((str(c.pk), c.libelle_affiche) for c in categories),
    ]


class CategoriesMixin:
    """Category and sub-category, checked together; the sub-category list follows the
    category (htmx), and without JavaScript it shows every sub-category grouped."""

    sans_compte = False

    def _preparer_categories(self):
        self.fields["categorie"].choices = choix_categories(sans_compte=self.sans_compte)
        self.fields["sous_categorie"].choices = choix_sous_categories(sans_compte=self.sans_compte)
        self.fields["categorie"].widget.attrs.update(
            {
                "hx-get": reverse("sollicitations:sous_categories")
                + ("?sans_compte=1" if self.sans_compte else ""),
                "hx-target": "#bloc-sous-categorie",
                "hx-select": "#bloc-sous-categorie",
                "hx-swap": "outerHTML",
                "hx-include": "this",
            }
        )

    def _nettoyer_categories(self, donnees):
        categorie, sous_categorie = donnees.get("categorie"), donnees.get("sous_categorie")
        if not (categorie and sous_categorie):
            return None
        sc = (
            SousCategorie.objects.proposees(sans_compte=self.sans_compte)
            .filter(pk=sous_categorie, categorie_id=categorie)
            .first()
        )
        if sc is None:
            self.add_error(
                "sous_categorie",
                _("Choisissez une sous-catégorie de la catégorie choisie."),
            )
        return sc


class SousCategorieForm(FormulaireDsfr):
    """The sub-category field alone, as htmx swaps it in when the category changes."""

    sous_categorie = forms.ChoiceField(label=_("Sous-catégorie"))

    def __init__(self, *args, choix, aide="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sous_categorie"].choices = choix
        self.fields["sous_categorie"].help_text = aide
        self._bound_fields_cache.clear()
