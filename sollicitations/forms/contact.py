"""The public contact form, for someone who cannot sign in."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from sollicitations import antirobot
from sollicitations.forms import CategoriesMixin


class ContactForm(CategoriesMixin, FormulaireDsfr):
    sans_compte = True

    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Le numéro de votre demande et nos réponses y seront envoyés."),
    )
    categorie = forms.ChoiceField(label=_("Catégorie"))
    sous_categorie = forms.ChoiceField(label=_("Sous-catégorie"))
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
    reponse = forms.CharField(label=_("Vérification"), max_length=5)
    jeton = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people and assistive technologies by the template.
    site_web = forms.CharField(required=False, label=_("Ne pas remplir"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._preparer_categories()
        question = None
        if self.is_bound:
            question = antirobot.question_du_jeton(self.data.get("jeton", ""))
        if question is None:
            question = antirobot.nouvelle_question()
        self.question = question
        self.initial["jeton"] = question.jeton
        self.fields["reponse"].label = _("Combien font %(a)s + %(b)s ? (en chiffres)") % {
            "a": question.a,
            "b": question.b,
        }
        self.fields["reponse"].help_text = _("Cette question nous protège des envois automatiques.")
        self.fields["reponse"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["site_web"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        # django-dsfr built the bound fields in super().__init__(): rebuild them with the
        # question's label.
        self._bound_fields_cache.clear()
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
        try:
            antirobot.verifier(
                jeton=self.data.get("jeton", ""),
                reponse=self.data.get("reponse", ""),
                pot_de_miel=self.data.get("site_web", ""),
            )
        except antirobot.Refus as refus:
            self.add_error(refus.champ, refus.message)
        donnees["sous_categorie_objet"] = self._nettoyer_categories(donnees)
        return donnees

    def nouvelle_verification(self):
        """After a refusal, a new question (and a fresh time stamp) for the next attempt."""
        question = antirobot.nouvelle_question()
        self.question = question
        donnees = self.data.copy()
        donnees["jeton"] = question.jeton
        donnees["reponse"] = ""
        self.data = donnees
        self.fields["reponse"].label = _("Combien font %(a)s + %(b)s ? (en chiffres)") % {
            "a": question.a,
            "b": question.b,
        }
        self._bound_fields_cache.clear()
