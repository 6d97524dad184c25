"""Vocabulary of Factures de travaux: the roles a user acts in, where a piece goes, and the
nature of each piece (domain §4, §6.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from factures.enums import Cadre, RoleFacture
from factures.enums import StatutFacture as S


class RoleTravaux(models.TextChoices):
    """The roles of the space Factures de travaux (the codes of `RoleFacture`)."""

    FOURNISSEUR = RoleFacture.FOURNISSEUR.value, _("Fournisseur")
    MOE = RoleFacture.MOE.value, _("Maîtrise d'œuvre")
    MOA = RoleFacture.MOA.value, _("Maîtrise d'ouvrage")

    @property
    def slug(self) -> str:
        return self.value.lower()

    @classmethod
    def depuis_slug(cls, slug: str) -> "RoleTravaux":
        """The role of a URL segment (`fournisseur`, `moe`, `moa`); ValueError otherwise."""
        return cls(slug.upper())


class Destination(models.TextChoices):
    """Who receives a works piece (one step of its route)."""

    VALIDEUR = "VALIDEUR", _("Titulaire ou mandataire (validation)")
    MOE = "MOE", _("Maîtrise d'œuvre")
    MOA = "MOA", _("Maîtrise d'ouvrage")
    FOURNISSEUR = "FOURNISSEUR", _("Fournisseur (signature)")
    SERVICE_FINANCIER = "SERVICE_FINANCIER", _("Service financier")


class NaturePiece(models.TextChoices):
    """The kind of document a cadre carries (the « type de pièce » filter)."""

    PROJET_DECOMPTE_MENSUEL = "PROJET_DECOMPTE_MENSUEL", _("Projet de décompte mensuel")
    ETAT_ACOMPTE = "ETAT_ACOMPTE", _("État d'acompte")
    ETAT_ACOMPTE_VALIDE = "ETAT_ACOMPTE_VALIDE", _("État d'acompte validé")
    PROJET_DECOMPTE_FINAL = "PROJET_DECOMPTE_FINAL", _("Projet de décompte final")
    PROJET_DECOMPTE_GENERAL = "PROJET_DECOMPTE_GENERAL", _("Projet de décompte général")
    DECOMPTE_GENERAL = "DECOMPTE_GENERAL", _("Décompte général")
    DECOMPTE_GENERAL_DEFINITIF = "DECOMPTE_GENERAL_DEFINITIF", _("Décompte général et définitif")


C = Cadre
N = NaturePiece

NATURE = {
    C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR: N.PROJET_DECOMPTE_MENSUEL,
    C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT: N.PROJET_DECOMPTE_MENSUEL,
    C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT: N.PROJET_DECOMPTE_MENSUEL,
    C.A5_ETAT_ACOMPTE_FOURNISSEUR: N.ETAT_ACOMPTE,
    C.A15_ETAT_ACOMPTE_MOE: N.ETAT_ACOMPTE,
    C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR: N.ETAT_ACOMPTE_VALIDE,
    C.A16_ETAT_ACOMPTE_VALIDE_MOE: N.ETAT_ACOMPTE_VALIDE,
    C.A19_ETAT_ACOMPTE_VALIDE_MOA: N.ETAT_ACOMPTE_VALIDE,
    C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR: N.PROJET_DECOMPTE_FINAL,
    C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT: N.PROJET_DECOMPTE_FINAL,
    C.A14_PROJET_DECOMPTE_FINAL_COTRAITANT: N.PROJET_DECOMPTE_FINAL,
    C.A17_PROJET_DECOMPTE_GENERAL_MOE: N.PROJET_DECOMPTE_GENERAL,
    C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE: N.PROJET_DECOMPTE_GENERAL,
    C.A18_DECOMPTE_GENERAL_MOE: N.DECOMPTE_GENERAL,
    C.A20_DECOMPTE_GENERAL_MOA: N.DECOMPTE_GENERAL,
    C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR: N.DECOMPTE_GENERAL_DEFINITIF,
    C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR: N.DECOMPTE_GENERAL_DEFINITIF,
    C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE: N.DECOMPTE_GENERAL_DEFINITIF,
    C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE: N.DECOMPTE_GENERAL_DEFINITIF,
}

# Statuses in which a piece waits at the MOE, the MOA, the supplier (a décompte général to
# sign), or during the titulaire's / mandataire's validation.
CHEZ_LA_MOE = [
    S.MISE_A_DISPOSITION_MOE,
    S.PRISE_EN_COMPTE_MOE,
    S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE,
]
CHEZ_LA_MOA = [S.MISE_A_DISPOSITION_MOA, S.PRISE_EN_COMPTE_MOA]
CHEZ_LE_FOURNISSEUR = [S.A_ASSOCIER_FOURNISSEUR]
EN_VALIDATION = [S.A_VALIDER_1, S.A_VALIDER_2]
# Refusals of the works circuits (« Masquer les factures rejetées depuis plus de 10 jours »).
STATUTS_REFUS = [
    S.REFUSEE_MOE,
    S.REFUSEE_MOA,
    S.REFUSEE_FOURNISSEUR,
    S.REFUSEE_1,
    S.REFUSEE_2,
    S.REJETEE,
    S.ERREUR_DE_MOE,
    S.ERREUR_DE_MOA,
    S.A_RECYCLER,
    S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    S.ERREUR_COTRAITANT_SUR_VALIDEUR,
]
# Refusals that end a piece's circuit: its depositor deposits a corrected piece (another
# number) in the same dossier, pre-filled from the refused one.
REFUS_DEFINITIFS = [
    S.REFUSEE_MOE,
    S.REFUSEE_MOA,
    S.REFUSEE_FOURNISSEUR,
    S.REFUSEE_1,
    S.REFUSEE_2,
]
# Routing errors the depositor corrects (the piece keeps its number).
ERREURS_D_ACHEMINEMENT = [S.ERREUR_DE_MOE, S.ERREUR_DE_MOA, S.A_RECYCLER]
