"""The search criteria every invoice space shares, as a django-filter FilterSet.

A space extends `FiltreFactures` with its own criteria (the supplier searches by recipient,
the recipient by supplier…) and lists in `CRITERES_AVANCES` those shown behind the "+"
(a `<details>` element: it works without JavaScript). Criteria that would be slow on a large
table are avoided: text criteria search within the user's own invoices only, which the
access core has already narrowed to his structures.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr
from factures.enums import CADRES_ORDINAIRES, FormatFacture, ModeDepot, TypeFacture
from factures.forms.champs import ChampDecimal
from factures.suivi.espace import Espace

TOUS = _("Tous")


class FormulaireFiltres(FormulaireDsfr):
    """The form of a FilterSet, with the portal's DSFR markup."""


def filtre_date(libelle, champ: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=champ,
        lookup_expr=lookup,
        label=libelle,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class FiltreMontant(django_filters.NumberFilter):
    field_class = ChampDecimal


def filtre_montant(libelle, champ: str, lookup: str) -> django_filters.NumberFilter:
    return FiltreMontant(
        field_name=champ,
        lookup_expr=lookup,
        label=libelle,
        min_value=-(10**13),
        max_value=10**13,
        help_text=_("Par exemple 1 500,00"),
    )


def texte_structure(qs, prefixe: str, valeur: str):
    """A structure named by a part of its name or the beginning of its identifier."""
    valeur = valeur.strip()
    if not valeur:
        return qs
    compact = valeur.replace(" ", "").replace(".", "").upper()
    return qs.filter(
        Q(**{f"{prefixe}__raison_sociale__icontains": valeur})
        | Q(**{f"{prefixe}__identifiant__startswith": compact})
    )


class FiltreFactures(django_filters.FilterSet):
    """Criteria common to every space. Build it with the space:
    `Filtre(request.GET, queryset=..., request=request, espace=espace)`."""

    numero = django_filters.CharFilter(
        label=_("Numéro de facture"), lookup_expr="icontains", max_length=20
    )
    rubrique = django_filters.ChoiceFilter(
        label=_("À traiter"), method="filtrer_rubrique", empty_label=TOUS
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), method="filtrer_statut", empty_label=TOUS
    )
    cadre = django_filters.ChoiceFilter(
        label=_("Cadre de facturation"),
        choices=[(c.value, c.label) for c in CADRES_ORDINAIRES],
        empty_label=TOUS,
    )
    date_du = filtre_date(_("Date de facture : du"), "date_facture", "gte")
    date_au = filtre_date(_("Date de facture : au"), "date_facture", "lte")
    montant_min = filtre_montant(_("Montant TTC minimum"), "montant_ttc", "gte")
    montant_max = filtre_montant(_("Montant TTC maximum"), "montant_ttc", "lte")
    mode_depot = django_filters.ChoiceFilter(
        label=_("Mode de dépôt"), choices=ModeDepot.choices, empty_label=TOUS
    )
    # Behind the "+".
    type_facture = django_filters.ChoiceFilter(
        label=_("Type de facture"), choices=TypeFacture.choices, empty_label=TOUS
    )
    numero_engagement = django_filters.CharFilter(
        label=_("Numéro d'engagement"), lookup_expr="icontains", max_length=50
    )
    numero_marche = django_filters.CharFilter(
        label=_("Numéro de marché"), lookup_expr="icontains", max_length=50
    )
    format_depot = django_filters.ChoiceFilter(
        label=_("Format du fichier déposé"), choices=FormatFacture.choices, empty_label=TOUS
    )
    deposee_du = filtre_date(_("Déposée : du"), "deposee_le__date", "gte")
    deposee_au = filtre_date(_("Déposée : au"), "deposee_le__date", "lte")

    CRITERES_AVANCES = (
        "type_facture",
        "numero_engagement",
        "numero_marche",
        "format_depot",
        "deposee_du",
        "deposee_au",
    )

    class Meta:
        form = FormulaireFiltres
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, espace: Espace, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.espace = espace
        self.filters["rubrique"].extra["choices"] = [(r.cle, r.titre) for r in espace.rubriques]
        self.filters["statut"].extra["choices"] = self.choix_statuts()
        if not espace.rubriques:
            del self.filters["rubrique"]

    def choix_statuts(self) -> list[tuple[str, str]]:
        """The statuses offered; a space narrows them to those its invoices may take."""
        from factures.enums import StatutFacture

        return list(StatutFacture.choices)

    def filtrer_statut(self, qs, _nom, valeur):
        return qs.filter(**{self.espace.champ_statut: valeur}) if valeur else qs

    def filtrer_rubrique(self, qs, _nom, valeur):
        rubrique = next((r for r in self.espace.rubriques if r.cle == valeur), None)
        return qs.filter(rubrique.filtre) if rubrique else qs

    @property
    def champs_avances(self):
        return [self.form[nom] for nom in self.CRITERES_AVANCES if nom in self.form.fields]

    @property
    def champs_principaux(self):
        return [
            self.form[nom]
            for nom in self.form.fields
            if nom not in self.CRITERES_AVANCES and nom != "tri"
        ]

    @property
    def criteres_avances_utilises(self) -> bool:
        return any(self.data.get(nom) for nom in self.CRITERES_AVANCES if self.data)


def union(rubriques) -> Q:
    """Q of the invoices in any of the rubriques (one query counts them all)."""
    return reduce(or_, (r.filtre for r in rubriques), Q(pk__in=[]))
