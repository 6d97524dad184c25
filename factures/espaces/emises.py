"""Factures émises as a follow-up space: the supplier's invoices, as the supplier sees them.

The supplier sees the status `statut_fournisseur` (factures.suivi.statuts): a recipient that
keeps MISE_EN_PAIEMENT to itself shows him the step before, in lists, filters, dashboard
and recent events alike.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factures.enums import A_VALIDER, CADRES_ORDINAIRES, STATUTS_FINAUX, Cadre, StatutFacture
from factures.enums import StatutFacture as S
from factures.forms.widgets import SelectLeger
from factures.suivi import colonnes, statuts
from factures.suivi.espace import Cellule, Colonne, Espace, Rubrique
from factures.suivi.filtres import TOUS, FiltreFactures, texte_structure
from habilitations import acces
from habilitations.enums import Application, Niveau

# Statuses of ordinary invoices (not the works circuits), as a supplier may see them.
STATUTS_ORDINAIRES = [
    S.BROUILLON,
    S.DEPOSEE,
    S.EN_COURS_ACHEMINEMENT,
    S.MISE_A_DISPOSITION,
    S.A_RECYCLER,
    S.REJETEE,
    S.SUSPENDUE,
    S.COMPLETEE,
    S.SERVICE_FAIT,
    S.MANDATEE,
    S.MISE_A_DISPOSITION_COMPTABLE,
    S.COMPTABILISEE,
    S.MISE_EN_PAIEMENT,
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
]


def _statut(facture, _espace) -> Cellule:
    code = getattr(facture, statuts.CHAMP, facture.statut)
    return Cellule(StatutFacture(code).label, badge=statuts.badge(code))


def _code_cadre(cadre: str) -> str:
    return cadre.split("_", 1)[0]


COLONNES = (
    colonnes.numero(),
    colonnes.destinataire(),
    colonnes.export_seul(
        "identifiant_destinataire",
        _("Identifiant du destinataire"),
        lambda f: f.destinataire.identifiant if f.destinataire else "",
    ),
    colonnes.service(),
    Colonne(
        "cadre",
        _("Cadre"),
        lambda f, e: Cellule(_code_cadre(f.cadre)),
        lambda f: Cadre(f.cadre).label,
        tri=("cadre",),
    ),
    colonnes.date_facture(),
    colonnes.montant_ht(),
    colonnes.montant_ttc(),
    colonnes.devise(),
    Colonne(
        "statut",
        _("Statut"),
        _statut,
        lambda f: StatutFacture(getattr(f, statuts.CHAMP, f.statut)).label,
        tri=(statuts.CHAMP,),
    ),
    colonnes.deposee_le(),
    colonnes.numero_engagement(),
    colonnes.export_seul(
        "mode_depot",
        _("Mode de dépôt"),
        lambda f: f.get_mode_depot_display(),
    ),
    colonnes.export_seul(
        "fournisseur",
        _("Fournisseur"),
        lambda f: f.fournisseur.raison_sociale,
    ),
)

RUBRIQUES = (
    Rubrique(
        "brouillons",
        _("Brouillons"),
        Q(statut=S.BROUILLON),
        _("Factures saisies ou déposées, pas encore envoyées."),
    ),
    Rubrique(
        "retournees",
        _("Factures retournées"),
        # Rejections stay here until acknowledged (acknowledgement: Factures reçues' work).
        Q(statut__in=[S.A_RECYCLER, S.SUSPENDUE, S.REJETEE]),
        _("À recycler, suspendues ou rejetées par le destinataire."),
    ),
    Rubrique(
        "en_validation",
        _("Validations en attente"),
        Q(statut__in=A_VALIDER),
        _("Chez le titulaire ou le mandataire, qui a 15 jours pour valider."),
    ),
    Rubrique(
        "validation_refusee",
        _("Validations refusées"),
        Q(
            statut__in=[
                S.REFUSEE_1,
                S.REFUSEE_2,
                S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
                S.ERREUR_COTRAITANT_SUR_VALIDEUR,
            ]
        ),
        _("Refusées par un valideur, ou adressées au mauvais valideur."),
    ),
)


class FiltreFacturesEmises(FiltreFactures):
    fournisseur = django_filters.ModelChoiceFilter(
        label=_("Structure"), queryset=None, empty_label=TOUS, widget=SelectLeger
    )
    destinataire = django_filters.CharFilter(
        label=_("Destinataire"),
        method="filtrer_destinataire",
        max_length=100,
        help_text=_("Une partie du nom ou le début de l'identifiant."),
    )

    CRITERES_AVANCES = FiltreFactures.CRITERES_AVANCES

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        structures = acces.structures_for(
            request.user, Application.FACTURES_EMISES, Niveau.CONSULTATION
        ).order_by("raison_sociale", "pk")
        self.filters["fournisseur"].queryset = structures
        self.filters["cadre"].extra["choices"] = [(c.value, c.label) for c in CADRES_ORDINAIRES]

    def choix_statuts(self):
        return [(s.value, s.label) for s in STATUTS_ORDINAIRES]

    def filtrer_destinataire(self, qs, _nom, valeur):
        return texte_structure(qs, "destinataire", valeur)


EMISES = Espace(
    application=Application.FACTURES_EMISES,
    nom="emises",
    titre=_("Factures émises"),
    colonnes=COLONNES,
    filtres=FiltreFacturesEmises,
    rubriques=RUBRIQUES,
    tri_par_defaut="-cree_le",
    statuts_archives=tuple(s for s in STATUTS_FINAUX if s in STATUTS_ORDINAIRES),
    champ_statut=statuts.CHAMP,
    annoter=statuts.avec_statut_fournisseur,
    evenements_masques=Q(
        statut_apres=S.MISE_EN_PAIEMENT,
        objet__destinataire__mise_en_paiement_non_remontee=True,
    ),
)
