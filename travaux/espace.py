"""Factures de travaux as follow-up spaces (factures.suivi), one per role.

The same generic pages as Factures émises and reçues (Synthèse, Rechercher, Tableau de bord,
Archives, CSV export), scoped by the role the user acts in (travaux.acces) instead of one
application's `visible_to`. The Synthèse's rubriques depend on the user (the pieces *he*
validates, signs or corrects): `espace_pour(user, role)` builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factures.enums import STATUTS_FINAUX, Cadre, StatutFacture
from factures.enums import StatutFacture as S
from factures.models import Facture, FactureHistorique, Telechargement
from factures.suivi import colonnes, statuts
from factures.suivi.espace import Cellule, Colonne, Espace, Rubrique
from factures.suivi.filtres import TOUS, FiltreFactures, texte_structure
from habilitations.enums import Application, Niveau
from travaux import acces
from travaux.enums import (
    CHEZ_LA_MOA,
    CHEZ_LA_MOE,
    ERREURS_D_ACHEMINEMENT,
    NATURE,
    REFUS_DEFINITIFS,
    STATUTS_REFUS,
    NaturePiece,
    RoleTravaux,
)
from travaux.routage import CADRES_SOUS_TRAITANCE, DEPOSANT, cadres_deposes_par

R = RoleTravaux
# Statuses a works piece may take (no ordinary-invoice validator 2).
STATUTS_TRAVAUX = [
    s
    for s in StatutFacture
    if s
    not in (
        S.A_VALIDER_2,
        S.VALIDEE_2,
        S.REFUSEE_2,
        S.ERREUR_COTRAITANT_SUR_VALIDEUR,
        S.ABSENCE_VALIDATION_2_HORS_DELAI,
        S.SUPPRIMEE,
    )
]
DELAI_REJETS_RECENTS = timedelta(days=10)


def code_cadre(cadre: str) -> str:
    return cadre.split("_", 1)[0]


def _statut(piece, _espace) -> Cellule:
    return Cellule(piece.get_statut_display(), badge=statuts.badge(piece.statut))


def _echeance(piece, _espace) -> Cellule:
    if piece.echeance_action is None:
        return Cellule("—")
    return Cellule(colonnes.date_courte(timezone.localtime(piece.echeance_action)))


COLONNES = (
    colonnes.numero(),
    Colonne(
        "cadre",
        _("Pièce"),
        lambda f, e: Cellule(f"{code_cadre(f.cadre)} – {NATURE[f.cadre].label}"),
        lambda f: Cadre(f.cadre).label,
        tri=("cadre",),
    ),
    Colonne(
        "dossier",
        _("Dossier"),
        lambda f, e: Cellule(f.dossier.numero, lien=e.url("dossier", f.dossier_id)),
        lambda f: f.dossier.numero,
        tri=("dossier__numero",),
    ),
    Colonne(
        "marche",
        _("Marché"),
        lambda f, e: Cellule(f.dossier.numero_marche),
        lambda f: f.dossier.numero_marche,
        tri=("dossier__numero_marche",),
    ),
    colonnes.fournisseur(),
    colonnes.identifiant_fournisseur("siret_fournisseur"),
    colonnes.destinataire(),
    colonnes.date_facture(_("Date")),
    colonnes.montant_ht(),
    colonnes.montant_ttc(),
    Colonne("statut", _("Statut"), _statut, lambda f: f.get_statut_display(), tri=("statut",)),
    Colonne(
        "echeance",
        _("Échéance"),
        _echeance,
        lambda f: f.echeance_action,
        tri=("echeance_action",),
    ),
    colonnes.deposee_le(tableau=False),
    colonnes.numero_engagement(),
    colonnes.export_seul(
        "precedente",
        _("Répond à"),
        lambda f: f.piece_precedente.numero if f.piece_precedente_id else "",
    ),
)


class FiltrePiecesTravaux(FiltreFactures):
    """The criteria of the works pieces: the role's structure, recipient, cadre, type of
    piece, SIREN, period, status, dossier; and the two « Masquer » boxes."""

    structure = django_filters.ModelChoiceFilter(
        label=_("Structure"), queryset=None, empty_label=TOUS, method="filtrer_structure"
    )
    destinataire = django_filters.CharFilter(
        label=_("Destinataire"),
        method="filtrer_destinataire",
        max_length=100,
        help_text=_("Une partie du nom ou le début de l'identifiant."),
    )
    nature = django_filters.ChoiceFilter(
        label=_("Type de pièce"),
        choices=NaturePiece.choices,
        empty_label=TOUS,
        method="filtrer_nature",
    )
    siren = django_filters.CharFilter(
        label=_("SIREN du fournisseur"),
        method="filtrer_siren",
        max_length=9,
        validators=[RegexValidator(r"^\d{9}$", _("Un SIREN a 9 chiffres."))],
    )
    numero_dossier = django_filters.CharFilter(
        label=_("Numéro de dossier"), field_name="dossier__numero", lookup_expr="icontains"
    )
    masquer_rejetees = django_filters.BooleanFilter(
        label=_("Masquer les factures rejetées depuis plus de 10 jours"),
        method="filtrer_rejetees",
        widget=forms.CheckboxInput,
    )
    masquer_telechargees = django_filters.BooleanFilter(
        label=_("Masquer les factures téléchargées"),
        method="filtrer_telechargees",
        widget=forms.CheckboxInput,
    )

    CRITERES_AVANCES = (
        "siren",
        "numero_dossier",
        "numero_engagement",
        "numero_marche",
        "montant_min",
        "montant_max",
        "deposee_du",
        "deposee_au",
    )

    def __init__(self, *args, request=None, espace=None, **kwargs):
        super().__init__(*args, request=request, espace=espace, **kwargs)
        for inutile in ("mode_depot", "type_facture", "format_depot"):
            del self.filters[inutile]
        self.filters["structure"].queryset = acces.structures_du_role(
            request.user, espace.role
        ).order_by("raison_sociale", "pk")
        self.filters["cadre"].extra["choices"] = [(c, Cadre(c).label) for c in DEPOSANT]
        self.filters["numero"].label = _("Numéro de pièce")

    def choix_statuts(self):
        return [(s.value, s.label) for s in STATUTS_TRAVAUX]

    def filtrer_structure(self, qs, _nom, structure):
        if structure is None:
            return qs
        role = self.espace.role
        if role == R.FOURNISSEUR:
            return qs.filter(Q(fournisseur=structure) | Q(dossier__titulaire=structure))
        if role == R.MOE:
            return qs.filter(dossier__moe=structure)
        return qs.filter(dossier__moa=structure)

    def filtrer_destinataire(self, qs, _nom, valeur):
        return texte_structure(qs, "destinataire", valeur)

    def filtrer_nature(self, qs, _nom, valeur):
        if not valeur:
            return qs
        return qs.filter(cadre__in=[c for c, n in NATURE.items() if n == valeur])

    def filtrer_siren(self, qs, _nom, valeur):
        if not valeur:
            return qs
        return qs.filter(
            Q(fournisseur__identifiant__startswith=valeur)
            | Q(dossier__titulaire__identifiant__startswith=valeur)
        )

    def filtrer_rejetees(self, qs, _nom, masquer):
        if not masquer:
            return qs
        # A refused piece stays if it changed within the last days (its last change is
        # recent if any is). Written in this order, the history is only read for refused
        # pieces, not for every piece of the search.
        limite = timezone.now() - DELAI_REJETS_RECENTS
        recente = FactureHistorique.objects.filter(objet=OuterRef("pk"), date__gte=limite)
        return qs.filter(~Q(statut__in=STATUTS_REFUS) | Q(Exists(recente)))

    def filtrer_telechargees(self, qs, _nom, masquer):
        if not masquer:
            return qs
        telechargee = Telechargement.objects.filter(
            facture=OuterRef("pk"), utilisateur=self.request.user
        )
        return qs.exclude(Exists(telechargee))


@dataclass(frozen=True)
class EspaceTravaux(Espace):
    """A role of Factures de travaux as a follow-up space."""

    role: str = R.FOURNISSEUR

    def visibles(self, user):
        """The pieces `user` sees in this role only (travaux.acces), on every page of it:
        the Synthèse, and also Rechercher, the Tableau de bord, the Archives and the export."""
        return Facture.objects.filter(acces.filtre_pieces(user, self.role))


def _rubriques(user, role: str) -> tuple[Rubrique, ...]:
    """What waits for `user` in `role`: the Synthèse's sections."""
    miennes = acces.ids_du_role(user, role, Niveau.CONSULTATION)
    deposees = Q(cadre__in=cadres_deposes_par(role))
    brouillons = Rubrique(
        "brouillons",
        _("Brouillons"),
        deposees & Q(statut=S.BROUILLON),
        _("Pièces saisies ou déposées, pas encore envoyées."),
    )
    remplacee = Facture.objects.filter(
        dossier=OuterRef("dossier"),
        cadre=OuterRef("cadre"),
        fournisseur=OuterRef("fournisseur"),
        cree_le__gt=OuterRef("cree_le"),
    ).exclude(statut=S.SUPPRIMEE)
    refusees = Rubrique(
        "refusees",
        _("Refusées : à déposer à nouveau"),
        deposees & Q(statut__in=REFUS_DEFINITIFS) & ~Q(Exists(remplacee)),
        _(
            "Refusées par leur destinataire (motif sur la pièce) : déposez une pièce corrigée, "
            "pré-remplie depuis celle-ci."
        ),
    )
    a_corriger = Rubrique(
        "a_corriger",
        _("À corriger"),
        deposees & Q(statut__in=[*ERREURS_D_ACHEMINEMENT, S.SUSPENDUE]),
        _("Refusées pour erreur d'acheminement, ou suspendues par le service financier."),
    )
    if role == R.FOURNISSEUR:
        sous_traitance = Q(cadre__in=CADRES_SOUS_TRAITANCE)
        return (
            brouillons,
            Rubrique(
                "a_signer",
                _("Décomptes généraux à signer"),
                Q(statut=S.A_ASSOCIER_FOURNISSEUR, fournisseur_id__in=miennes),
                _("Signez-les en déposant le décompte général et définitif, ou refusez-les."),
            ),
            Rubrique(
                "a_valider",
                _("Pièces de sous-traitants à valider"),
                sous_traitance
                & (
                    Q(statut=S.A_VALIDER_1, valideur_1_id__in=miennes)
                    | Q(statut=S.A_VALIDER_2, valideur_2_id__in=miennes)
                ),
                _("Vous avez 15 jours ; passé ce délai, la validation est tacite."),
            ),
            replace(
                a_corriger,
                filtre=(deposees & Q(fournisseur_id__in=miennes))
                & Q(
                    statut__in=[
                        *ERREURS_D_ACHEMINEMENT,
                        S.SUSPENDUE,
                        S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
                        S.ERREUR_COTRAITANT_SUR_VALIDEUR,
                    ]
                ),
            ),
            replace(refusees, filtre=refusees.filtre & Q(fournisseur_id__in=miennes)),
        )
    attente = CHEZ_LA_MOE if role == R.MOE else CHEZ_LA_MOA
    rubriques = [
        Rubrique(
            "a_traiter",
            _("Pièces à traiter"),
            Q(statut__in=attente),
            _("Mises à votre disposition : prenez-les en compte, répondez ou refusez."),
        ),
    ]
    if role == R.MOE:
        rubriques.append(
            Rubrique(
                "hors_delai",
                _("Délai de 7 jours dépassé"),
                Q(statut=S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE),
                _("La maîtrise d'ouvrage et le fournisseur en ont été avertis."),
            )
        )
    else:
        rubriques.append(
            Rubrique(
                "moe_hors_delai",
                _("Maîtrise d'œuvre hors délai"),
                Q(statut=S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE),
                _("Projets sans réponse de la maîtrise d'œuvre après 7 jours."),
            )
        )
    return (*rubriques, brouillons, a_corriger, refusees)


TITRES = {
    R.FOURNISSEUR: _("Factures de travaux — Fournisseur"),
    R.MOE: _("Factures de travaux — Maîtrise d'œuvre"),
    R.MOA: _("Factures de travaux — Maîtrise d'ouvrage"),
}

ESPACES = {
    role: EspaceTravaux(
        application=Application.FACTURES_TRAVAUX,
        nom=role.slug,
        namespace="travaux",
        titre=TITRES[role],
        colonnes=COLONNES,
        filtres=FiltrePiecesTravaux,
        tri_par_defaut="-cree_le",
        statuts_archives=tuple(STATUTS_FINAUX),
        select_related=("fournisseur", "destinataire", "dossier"),
        role=role,
    )
    for role in R
}


def espace_pour(user, role: str) -> EspaceTravaux:
    """The space of `role`, with the Synthèse's rubriques of `user`."""
    return replace(ESPACES[role], rubriques=_rubriques(user, role))
