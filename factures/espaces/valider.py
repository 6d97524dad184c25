"""Factures à valider as a follow-up space: the invoices naming one of the user's structures
as first or second validator (`visible_to(user, FACTURES_A_VALIDER)`), with the deadline of
the validation as a countdown."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from factures.enums import (
    A_VALIDER,
    CADRES_AVEC_VALIDEUR,
    Cadre,
    StatutFacture,
)
from factures.enums import StatutFacture as S
from factures.suivi import colonnes, statuts
from factures.suivi.espace import Cellule, Colonne, Espace, Rubrique
from factures.suivi.filtres import FiltreFactures, texte_structure
from factures.templatetags.factures_recues import compte_a_rebours
from habilitations import acces
from habilitations.enums import Application, Niveau

STATUTS_DU_VALIDEUR = [
    S.A_VALIDER_1,
    S.VALIDEE_1,
    S.REFUSEE_1,
    S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    S.ABSENCE_VALIDATION_1_HORS_DELAI,
    S.A_VALIDER_2,
    S.VALIDEE_2,
    S.REFUSEE_2,
    S.ERREUR_COTRAITANT_SUR_VALIDEUR,
    S.ABSENCE_VALIDATION_2_HORS_DELAI,
    S.EN_COURS_ACHEMINEMENT,
    S.MISE_A_DISPOSITION,
]


def a_valider_par(user) -> Q:
    """The invoices waiting for one of `user`'s structures now: first validation for the
    first validator, second for the second."""
    mes = acces.structures_for(user, Application.FACTURES_A_VALIDER, Niveau.CONSULTATION)
    ids = list(mes.values_list("pk", flat=True))
    return Q(statut=S.A_VALIDER_1, valideur_1_id__in=ids) | Q(
        statut=S.A_VALIDER_2, valideur_2_id__in=ids
    )


def _echeance(facture, _espace) -> Cellule:
    if facture.statut not in A_VALIDER or facture.echeance_action is None:
        return Cellule("—")
    return Cellule(
        f"{compte_a_rebours(facture.echeance_action)} "
        f"({date_format(facture.echeance_action, 'SHORT_DATE_FORMAT')})"
    )


COLONNES = (
    colonnes.numero(),
    colonnes.fournisseur(),
    colonnes.destinataire(),
    Colonne(
        "cadre",
        _("Cadre"),
        lambda f, e: Cellule(f.cadre.split("_", 1)[0]),
        lambda f: Cadre(f.cadre).label,
        tri=("cadre",),
    ),
    colonnes.montant_ttc(),
    Colonne(
        "statut",
        _("Statut"),
        lambda f, e: Cellule(StatutFacture(f.statut).label, badge=statuts.badge(f.statut)),
        lambda f: f.get_statut_display(),
        tri=("statut",),
    ),
    Colonne(
        "soumise_le",
        _("Soumise le"),
        lambda f, e: Cellule(colonnes.date_courte(f.soumise_a_validation_le)),
        lambda f: f.soumise_a_validation_le,
        tri=("soumise_a_validation_le",),
    ),
    Colonne(
        "echeance",
        _("Délai restant"),
        _echeance,
        lambda f: f.echeance_action if f.statut in A_VALIDER else None,
        tri=("echeance_action",),
    ),
)

RUBRIQUES = (
    Rubrique(
        "a_valider",
        _("À valider"),
        Q(statut__in=A_VALIDER),
        _("Vous avez 15 jours pour valider ; sans réponse, la validation est tacite."),
    ),
)


class FiltreFacturesAValider(FiltreFactures):
    fournisseur = django_filters.CharFilter(
        label=_("Fournisseur"),
        method="filtrer_fournisseur",
        max_length=100,
        help_text=_("Une partie du nom ou le début de l'identifiant (SIRET…)."),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["cadre"].extra["choices"] = [(c.value, c.label) for c in CADRES_AVEC_VALIDEUR]

    def choix_statuts(self):
        return [(s.value, s.label) for s in STATUTS_DU_VALIDEUR]

    def filtrer_fournisseur(self, qs, _nom, valeur):
        return texte_structure(qs, "fournisseur", valeur)


VALIDER = Espace(
    application=Application.FACTURES_A_VALIDER,
    nom="valider",
    titre=_("Factures à valider"),
    colonnes=COLONNES,
    filtres=FiltreFacturesAValider,
    rubriques=RUBRIQUES,
    tri_par_defaut="echeance",
    statuts_archives=(S.REFUSEE_1, S.REFUSEE_2, S.MISE_EN_PAIEMENT, S.REJETEE),
    select_related=("fournisseur", "destinataire"),
)
