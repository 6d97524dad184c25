"""Factures reçues as a follow-up space: the invoices standing at the user's structures or
services (`Facture.objects.visible_to(user, FACTURES_RECUES)`), as the recipient sees them.

The recipient sees every status, MISE_EN_PAIEMENT included, and whether one of its users
downloaded the invoice (`telechargee`).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from factures.enums import (
    A_TRAITER_PAR_DESTINATAIRE,
    CADRES_ORDINAIRES,
    CHEZ_LE_DESTINATAIRE,
    STATUTS_DE_TRAITEMENT,
    Cadre,
    StatutFacture,
)
from factures.enums import StatutFacture as S
from factures.models import Telechargement
from factures.suivi import colonnes, statuts
from factures.suivi.espace import Cellule, Colonne, Espace, Rubrique
from factures.suivi.filtres import TOUS, FiltreFactures, texte_structure
from habilitations import acces
from habilitations.enums import Application, Niveau
from structures.models import Service

OUI_NON = [("oui", _("Oui")), ("non", _("Non"))]


def jours_depuis_depot(facture) -> int | None:
    if facture.deposee_le is None:
        return None
    return max(0, (timezone.now() - facture.deposee_le).days)


def _jours(facture, _espace) -> Cellule:
    jours = jours_depuis_depot(facture)
    if jours is None:
        return Cellule("—")
    return Cellule(ngettext("%(n)s jour", "%(n)s jours", jours) % {"n": jours}, numerique=True)


def _statut(facture, _espace) -> Cellule:
    return Cellule(StatutFacture(facture.statut).label, badge=statuts.badge(facture.statut))


def annoter(qs):
    """Whether one of the recipient's users downloaded the invoice."""
    return qs.annotate(
        telechargee=Exists(Telechargement.objects.filter(facture=OuterRef("pk")))
    ).select_related("service_destinataire")


COLONNES = (
    colonnes.numero(),
    colonnes.fournisseur(),
    colonnes.identifiant_fournisseur(),
    colonnes.service(),
    colonnes.export_seul(
        "destinataire",
        _("Destinataire"),
        lambda f: f.destinataire.raison_sociale if f.destinataire else "",
    ),
    colonnes.export_seul(
        "cadre",
        _("Cadre"),
        lambda f: Cadre(f.cadre).label,
    ),
    colonnes.date_facture(),
    colonnes.montant_ht(),
    colonnes.montant_ttc(),
    colonnes.devise(),
    Colonne("statut", _("Statut"), _statut, lambda f: f.get_statut_display(), tri=("statut",)),
    colonnes.deposee_le(),
    Colonne(
        "jours",
        _("Depuis le dépôt"),
        _jours,
        jours_depuis_depot,
    ),
    Colonne(
        "telechargee",
        _("Téléchargée"),
        lambda f, e: Cellule(_("oui") if f.telechargee else _("non")),
        lambda f: f.telechargee,
    ),
    colonnes.numero_engagement(),
    colonnes.export_seul(
        "numero_mandat",
        _("Numéro de mandat"),
        lambda f: f.numero_mandat,
    ),
)

RUBRIQUES = (
    Rubrique(
        "a_traiter",
        _("À traiter"),
        Q(statut__in=A_TRAITER_PAR_DESTINATAIRE),
        _("Mises à disposition ou complétées par le fournisseur."),
    ),
    Rubrique(
        "suspendues",
        _("Suspendues"),
        Q(statut=S.SUSPENDUE),
        _("En attente d'un complément du fournisseur."),
    ),
    Rubrique(
        "en_cours",
        _("En cours de traitement"),
        Q(statut__in=STATUTS_DE_TRAITEMENT[:-1]),
        _("Service fait, mandatées, chez le comptable ou comptabilisées."),
    ),
)


class FiltreFacturesRecues(FiltreFactures):
    destinataire = django_filters.ModelChoiceFilter(
        label=_("Structure destinataire"), queryset=None, empty_label=TOUS
    )
    service_destinataire = django_filters.ModelChoiceFilter(
        label=_("Service"), queryset=None, empty_label=TOUS
    )
    fournisseur = django_filters.CharFilter(
        label=_("Fournisseur"),
        method="filtrer_fournisseur",
        max_length=100,
        help_text=_("Une partie du nom ou le début de l'identifiant (SIRET…)."),
    )
    telechargee = django_filters.ChoiceFilter(
        label=_("Déjà téléchargée"), choices=OUI_NON, method="filtrer_telechargee", empty_label=TOUS
    )

    CRITERES_AVANCES = (*FiltreFactures.CRITERES_AVANCES, "telechargee")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        portees = acces.portees(request.user, Application.FACTURES_RECUES, Niveau.CONSULTATION)
        structures = acces.structures_for(
            request.user, Application.FACTURES_RECUES, Niveau.CONSULTATION
        ).order_by("raison_sociale", "pk")
        entieres = {s for s, service in portees if service is None}
        services = Service.objects.filter(
            Q(structure_id__in=entieres)
            | Q(pk__in={service for _s, service in portees if service is not None})
        ).select_related("structure")
        self.filters["destinataire"].queryset = structures
        self.filters["service_destinataire"].queryset = services.order_by(
            "structure__raison_sociale", "code"
        )
        self.filters["cadre"].extra["choices"] = [(c.value, c.label) for c in CADRES_ORDINAIRES]

    def choix_statuts(self):
        return [(s.value, s.label) for s in CHEZ_LE_DESTINATAIRE]

    def filtrer_fournisseur(self, qs, _nom, valeur):
        return texte_structure(qs, "fournisseur", valeur)

    def filtrer_telechargee(self, qs, _nom, valeur):
        if valeur == "oui":
            return qs.filter(telechargee=True)
        if valeur == "non":
            return qs.filter(telechargee=False)
        return qs


RECUES = Espace(
    application=Application.FACTURES_RECUES,
    nom="recues",
    titre=_("Factures reçues"),
    colonnes=COLONNES,
    filtres=FiltreFacturesRecues,
    rubriques=RUBRIQUES,
    tri_par_defaut="-deposee_le",
    statuts_archives=(S.REJETEE, S.MISE_EN_PAIEMENT),
    select_related=("fournisseur", "destinataire", "service_destinataire"),
    annoter=annoter,
)
