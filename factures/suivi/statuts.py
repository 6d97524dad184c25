"""The status a supplier sees, computed by the database for a whole list.

`Facture.statut_pour_fournisseur()` answers for one invoice (one query for the history).
Lists annotate `statut_fournisseur` instead: a recipient that keeps MISE_EN_PAIEMENT to
itself (`mise_en_paiement_non_remontee`) shows its supplier the status before it; every
other invoice shows its own status. Filters and the dashboard use the same annotation, so
that what the supplier filters on is what he sees.
"""

from __future__ import annotations

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from factures.enums import StatutFacture as S
from factures.models import FactureHistorique

CHAMP = "statut_fournisseur"

MASQUEE = Q(statut=S.MISE_EN_PAIEMENT, destinataire__mise_en_paiement_non_remontee=True)


def _statut_precedent():
    return Subquery(
        FactureHistorique.objects.filter(objet=OuterRef("pk"), statut_apres=S.MISE_EN_PAIEMENT)
        .exclude(statut_avant=S.MISE_EN_PAIEMENT)
        .order_by("-date", "-pk")
        .values("statut_avant")[:1]
    )


def avec_statut_fournisseur(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        **{
            CHAMP: Case(
                When(
                    MASQUEE,
                    then=Coalesce(_statut_precedent(), Value(S.MISE_A_DISPOSITION.value)),
                ),
                default=F("statut"),
            )
        }
    )


# DSFR badge of each status: what the user should read in it at a glance.
_BADGES = {
    "fr-badge--new": [S.BROUILLON],
    "fr-badge--success": [
        S.MISE_A_DISPOSITION,
        S.COMPLETEE,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
        S.VALIDEE_1,
        S.VALIDEE_2,
        S.ABSENCE_VALIDATION_1_HORS_DELAI,
        S.ABSENCE_VALIDATION_2_HORS_DELAI,
        S.ASSOCIEE,
    ],
    "fr-badge--warning": [
        S.A_RECYCLER,
        S.SUSPENDUE,
        S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
        S.ERREUR_COTRAITANT_SUR_VALIDEUR,
        S.ERREUR_DE_MOE,
        S.ERREUR_DE_MOA,
    ],
    "fr-badge--error": [
        S.REJETEE,
        S.REFUSEE_1,
        S.REFUSEE_2,
        S.REFUSEE_MOE,
        S.REFUSEE_MOA,
        S.REFUSEE_FOURNISSEUR,
        S.SUPPRIMEE,
    ],
}
BADGE_PAR_STATUT = {statut: classe for classe, statuts in _BADGES.items() for statut in statuts}


def badge(statut: str) -> str:
    """The DSFR badge class of a status (information blue when in progress)."""
    return BADGE_PAR_STATUT.get(statut, "fr-badge--info")
