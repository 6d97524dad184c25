"""Codes of invoices and works pieces, as the Chorus Pro API names them (domain §4–6).

Data keeps the API codes; the UI shows the French labels. Named groups of statuses say what
each audience has to do; views and templates use them instead of bare strings.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadre(models.TextChoices):
    """Cadres de facturation (domain §4): who deposits what, and where it goes."""

    A1_FACTURE_FOURNISSEUR = "A1_FACTURE_FOURNISSEUR", _("A1 – Dépôt par un fournisseur")
    A2_FACTURE_FOURNISSEUR_DEJA_PAYEE = (
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        _("A2 – Dépôt par un fournisseur d'une facture déjà payée"),
    )
    A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR = (
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        _("A4 – Projet de décompte mensuel (fournisseur)"),
    )
    A5_ETAT_ACOMPTE_FOURNISSEUR = (
        "A5_ETAT_ACOMPTE_FOURNISSEUR",
        _("A5 – État d'acompte (fournisseur)"),
    )
    A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR = (
        "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
        _("A6 – État d'acompte validé (fournisseur)"),
    )
    A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR = (
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
        _("A7 – Projet de décompte final (fournisseur)"),
    )
    A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR = (
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        _("A8 – Décompte général et définitif signé (fournisseur)"),
    )
    A9_FACTURE_SOUSTRAITANT = "A9_FACTURE_SOUSTRAITANT", _("A9 – Facture de sous-traitant")
    A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT = (
        "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
        _("A10 – Projet de décompte mensuel (sous-traitant)"),
    )
    A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT = (
        "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
        _("A11 – Projet de décompte final (sous-traitant)"),
    )
    A12_FACTURE_COTRAITANT = "A12_FACTURE_COTRAITANT", _("A12 – Facture de cotraitant")
    A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT = (
        "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
        _("A13 – Projet de décompte mensuel (cotraitant)"),
    )
    A14_PROJET_DECOMPTE_FINAL_COTRAITANT = (
        "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
        _("A14 – Projet de décompte final (cotraitant)"),
    )
    A15_ETAT_ACOMPTE_MOE = "A15_ETAT_ACOMPTE_MOE", _("A15 – État d'acompte (MOE)")
    A16_ETAT_ACOMPTE_VALIDE_MOE = (
        "A16_ETAT_ACOMPTE_VALIDE_MOE",
        _("A16 – État d'acompte validé (MOE)"),
    )
    A17_PROJET_DECOMPTE_GENERAL_MOE = (
        "A17_PROJET_DECOMPTE_GENERAL_MOE",
        _("A17 – Projet de décompte général (MOE)"),
    )
    A18_DECOMPTE_GENERAL_MOE = "A18_DECOMPTE_GENERAL_MOE", _("A18 – Décompte général (MOE)")
    A19_ETAT_ACOMPTE_VALIDE_MOA = (
        "A19_ETAT_ACOMPTE_VALIDE_MOA",
        _("A19 – État d'acompte validé (MOA)"),
    )
    A20_DECOMPTE_GENERAL_MOA = "A20_DECOMPTE_GENERAL_MOA", _("A20 – Décompte général (MOA)")
    A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE = (
        "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
        _("A22 – Projet de décompte général, procédure tacite (fournisseur)"),
    )
    A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR = (
        "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
        _("A23 – Décompte général et définitif tacite (fournisseur)"),
    )
    A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE = (
        "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
        _("A24 – Décompte général et définitif tacite (MOE)"),
    )
    A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE = (
        "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
        _("A25 – Décompte général et définitif, procédure tacite (MOA)"),
    )


# Ordinary invoices, deposited in Factures émises (domain §6.1).
CADRES_ORDINAIRES = [
    Cadre.A1_FACTURE_FOURNISSEUR,
    Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE,
    Cadre.A9_FACTURE_SOUSTRAITANT,
    Cadre.A12_FACTURE_COTRAITANT,
]
# Works pieces, deposited in Factures de travaux (domain §6.2).
CADRES_TRAVAUX = [c for c in Cadre if c not in CADRES_ORDINAIRES]
# Pieces a titulaire (sub-contractor's) or a mandataire (co-contractor's) validates first.
CADRES_SOUS_TRAITANT = [
    Cadre.A9_FACTURE_SOUSTRAITANT,
    Cadre.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
    Cadre.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT,
]
CADRES_COTRAITANT = [
    Cadre.A12_FACTURE_COTRAITANT,
    Cadre.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT,
    Cadre.A14_PROJET_DECOMPTE_FINAL_COTRAITANT,
]
CADRES_AVEC_VALIDEUR = CADRES_SOUS_TRAITANT + CADRES_COTRAITANT


class StatutFacture(models.TextChoices):
    """Statuses of an invoice or works piece (domain §6), labels as the real portal shows."""

    BROUILLON = "BROUILLON", _("Brouillon")
    SUPPRIMEE = "SUPPRIMEE", _("Supprimée")
    DEPOSEE = "DEPOSEE", _("Déposée")
    EN_COURS_ACHEMINEMENT = (
        "EN_COURS_ACHEMINEMENT",
        _("En cours d'acheminement vers le destinataire"),
    )
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION", _("Mise à disposition du destinataire")
    A_RECYCLER = (
        "A_RECYCLER",
        _("Rejetée par l'ordonnateur pour erreur dans les données d'acheminement"),
    )
    REJETEE = "REJETEE", _("Rejetée par l'ordonnateur pour autre motif")
    SUSPENDUE = "SUSPENDUE", _("Suspendue")
    COMPLETEE = "COMPLETEE", _("Complétée – mise à disposition")
    SERVICE_FAIT = "SERVICE_FAIT", _("Service fait")
    MANDATEE = "MANDATEE", _("Mandatée / DP validée")
    MISE_A_DISPOSITION_COMPTABLE = (
        "MISE_A_DISPOSITION_COMPTABLE",
        _("Mise à disposition du comptable"),
    )
    COMPTABILISEE = "COMPTABILISEE", _("Comptabilisée")
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT", _("Mise en paiement")
    # Validators (A9, A12 and the works pieces of sub- and co-contractors).
    A_VALIDER_1 = "A_VALIDER_1", _("Mise à disposition du premier valideur")
    VALIDEE_1 = "VALIDEE_1", _("Validée par le premier valideur")
    REFUSEE_1 = "REFUSEE_1", _("Refusée par le premier valideur pour autre motif")
    ERREUR_FOURNISSEUR_SUR_VALIDEUR = (
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
        _("Refusée par le premier valideur pour erreur dans les données d'acheminement"),
    )
    ABSENCE_VALIDATION_1_HORS_DELAI = (
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        _("Validation 1 hors délai"),
    )
    A_VALIDER_2 = "A_VALIDER_2", _("Mise à disposition du second valideur")
    VALIDEE_2 = "VALIDEE_2", _("Validée par le second valideur")
    REFUSEE_2 = "REFUSEE_2", _("Refusée par le second valideur pour autre motif")
    ERREUR_COTRAITANT_SUR_VALIDEUR = (
        "ERREUR_COTRAITANT_SUR_VALIDEUR",
        _("Refusée par le second valideur pour erreur dans les données d'acheminement"),
    )
    ABSENCE_VALIDATION_2_HORS_DELAI = (
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        _("Validation 2 hors délai"),
    )
    # Works circuits (domain §6.2).
    MISE_A_DISPOSITION_MOE = "MISE_A_DISPOSITION_MOE", _("Mise à disposition MOE")
    PRISE_EN_COMPTE_MOE = "PRISE_EN_COMPTE_MOE", _("Prise en compte MOE")
    ERREUR_DE_MOE = (
        "ERREUR_DE_MOE",
        _("Refusée par la MOE pour erreur dans les données d'acheminement"),
    )
    REFUSEE_MOE = "REFUSEE_MOE", _("Refusée par la MOE pour autre motif")
    ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE = (
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        _("Absence de validation MOE dans le délai réglementaire"),
    )
    MISE_A_DISPOSITION_MOA = "MISE_A_DISPOSITION_MOA", _("Mise à disposition MOA")
    PRISE_EN_COMPTE_MOA = "PRISE_EN_COMPTE_MOA", _("Prise en compte par la MOA")
    ERREUR_DE_MOA = (
        "ERREUR_DE_MOA",
        _("Refusée par la MOA pour erreur dans les données d'acheminement"),
    )
    REFUSEE_MOA = "REFUSEE_MOA", _("Refusée par la MOA pour autre motif")
    A_ASSOCIER_FOURNISSEUR = "A_ASSOCIER_FOURNISSEUR", _("Mise à disposition du fournisseur")
    REFUSEE_FOURNISSEUR = "REFUSEE_FOURNISSEUR", _("Refusée par le fournisseur pour autre motif")
    ASSOCIEE = "ASSOCIEE", _("Associée")


S = StatutFacture

# What the recipient has to process (Factures reçues, Synthèse).
A_TRAITER_PAR_DESTINATAIRE = [S.MISE_A_DISPOSITION, S.COMPLETEE]
# Forward statuses of the recipient, in their order (never backwards, any may be skipped).
STATUTS_DE_TRAITEMENT = [
    S.SERVICE_FAIT,
    S.MANDATEE,
    S.MISE_A_DISPOSITION_COMPTABLE,
    S.COMPTABILISEE,
    S.MISE_EN_PAIEMENT,
]
# Statuses in which the invoice stands at the recipient (it may see and process it).
CHEZ_LE_DESTINATAIRE = [
    S.MISE_A_DISPOSITION,
    S.COMPLETEE,
    S.SUSPENDUE,
    S.REJETEE,
    *STATUTS_DE_TRAITEMENT,
]
# What a validator has to act on (Factures à valider).
A_VALIDER = [S.A_VALIDER_1, S.A_VALIDER_2]
# What the supplier has to act on (Factures émises, Synthèse), besides unacknowledged rejects.
A_TRAITER_PAR_FOURNISSEUR = [
    S.BROUILLON,
    S.A_RECYCLER,
    S.SUSPENDUE,
    S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    S.ERREUR_COTRAITANT_SUR_VALIDEUR,
]
# Statuses that end an invoice's life (Archives).
STATUTS_FINAUX = [
    S.REJETEE,
    S.REFUSEE_1,
    S.REFUSEE_2,
    S.MISE_EN_PAIEMENT,
    S.SUPPRIMEE,
    S.REFUSEE_MOE,
    S.REFUSEE_MOA,
    S.REFUSEE_FOURNISSEUR,
    S.ASSOCIEE,
]


class ActionFacture(models.TextChoices):
    """Actions of the invoice circuits (labels are the buttons' words)."""

    # Supplier
    VALIDER_ET_ENVOYER = "VALIDER_ET_ENVOYER", _("Valider et envoyer")
    SUPPRIMER = "SUPPRIMER", _("Supprimer le brouillon")
    COMPLETER = "COMPLETER", _("Compléter")
    RECYCLER = "RECYCLER", _("Corriger l'acheminement et renvoyer")
    CORRIGER_VALIDEUR = "CORRIGER_VALIDEUR", _("Désigner le bon valideur")
    # System (routing, deadlines)
    ACHEMINER = "ACHEMINER", _("Acheminer vers le destinataire")
    METTRE_A_DISPOSITION = "METTRE_A_DISPOSITION", _("Mettre à disposition du destinataire")
    SOUMETTRE_VALIDEUR_1 = "SOUMETTRE_VALIDEUR_1", _("Soumettre au premier valideur")
    SOUMETTRE_VALIDEUR_2 = "SOUMETTRE_VALIDEUR_2", _("Soumettre au second valideur")
    CONSTATER_ABSENCE_VALIDATION = (
        "CONSTATER_ABSENCE_VALIDATION",
        _("Constater l'absence de validation dans le délai"),
    )
    # Validators
    VALIDER = "VALIDER", _("Valider")
    REFUSER = "REFUSER", _("Refuser pour autre motif")
    SIGNALER_ERREUR_VALIDEUR = (
        "SIGNALER_ERREUR_VALIDEUR",
        _("Refuser : je ne suis pas le bon valideur"),
    )
    # Recipient
    METTRE_A_RECYCLER = "METTRE_A_RECYCLER", _("Mettre à recycler")
    SUSPENDRE = "SUSPENDRE", _("Suspendre")
    REJETER = "REJETER", _("Rejeter")
    CONSTATER_SERVICE_FAIT = "CONSTATER_SERVICE_FAIT", _("Service fait")
    MANDATER = "MANDATER", _("Mandater")
    METTRE_A_DISPOSITION_COMPTABLE = (
        "METTRE_A_DISPOSITION_COMPTABLE",
        _("Mettre à disposition du comptable"),
    )
    COMPTABILISER = "COMPTABILISER", _("Comptabiliser")
    METTRE_EN_PAIEMENT = "METTRE_EN_PAIEMENT", _("Mettre en paiement")
    # Works circuits (domain §6.2): routing to the MOE, the MOA or the supplier, the MOE's
    # deadline, and the answers of each actor.
    METTRE_A_DISPOSITION_MOE = "METTRE_A_DISPOSITION_MOE", _("Mettre à disposition de la MOE")
    METTRE_A_DISPOSITION_MOA = "METTRE_A_DISPOSITION_MOA", _("Mettre à disposition de la MOA")
    METTRE_A_DISPOSITION_FOURNISSEUR = (
        "METTRE_A_DISPOSITION_FOURNISSEUR",
        _("Mettre à disposition du fournisseur"),
    )
    CONSTATER_DEPASSEMENT_DELAI_MOE = (
        "CONSTATER_DEPASSEMENT_DELAI_MOE",
        _("Constater le dépassement du délai de la MOE"),
    )
    PRENDRE_EN_COMPTE = "PRENDRE_EN_COMPTE", _("Prendre en compte")
    SIGNALER_ERREUR_ACHEMINEMENT = (
        "SIGNALER_ERREUR_ACHEMINEMENT",
        _("Refuser pour erreur dans les données d'acheminement"),
    )
    ASSOCIER = "ASSOCIER", _("Associer à la pièce qui y répond")


class RoleFacture(models.TextChoices):
    """Roles a user acts in on an invoice (asked of the access core, see factures.circuits)."""

    FOURNISSEUR = "FOURNISSEUR", _("Fournisseur")
    DESTINATAIRE = "DESTINATAIRE", _("Destinataire")
    VALIDEUR_1 = "VALIDEUR_1", _("Premier valideur")
    VALIDEUR_2 = "VALIDEUR_2", _("Second valideur")
    MOE = "MOE", _("Maîtrise d'œuvre")
    MOA = "MOA", _("Maîtrise d'ouvrage")


class TypeFacture(models.TextChoices):
    FACTURE = "FACTURE", _("Facture")
    AVOIR = "AVOIR", _("Avoir")
    ACOMPTE = "ACOMPTE", _("Facture d'acompte")


class TypeTva(models.TextChoices):
    TVA_SUR_DEBIT = "TVA_SUR_DEBIT", _("TVA sur les débits")
    TVA_SUR_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT", _("TVA sur les encaissements")
    EXONERATION = "EXONERATION", _("Exonération de TVA")
    SANS_TVA = "SANS_TVA", _("Sans TVA")


class CategorieTva(models.TextChoices):
    """VAT category codes of EN 16931 (UNCL 5305 subset, BT-118 / BT-151)."""

    S = "S", _("Taux normal")
    Z = "Z", _("Taux zéro")
    E = "E", _("Exonéré")
    AE = "AE", _("Autoliquidation")
    K = "K", _("Livraison intracommunautaire")
    G = "G", _("Exportation hors UE")
    O = "O", _("Hors champ de la TVA")  # noqa: E741
    L = "L", _("Îles Canaries (IGIC)")
    M = "M", _("Ceuta et Melilla (IPSI)")


class ModePaiement(models.TextChoices):
    CHEQUE = "CHEQUE", _("Chèque")
    PRELEVEMENT = "PRELEVEMENT", _("Prélèvement")
    VIREMENT = "VIREMENT", _("Virement")
    ESPECE = "ESPECE", _("Espèces")
    AUTRE = "AUTRE", _("Autre")
    REPORT = "REPORT", _("Report")


class ModeDepot(models.TextChoices):
    SAISIE_PORTAIL = "SAISIE_PORTAIL", _("Saisie sur le portail")
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL", _("Dépôt d'un PDF sur le portail")
    DEPOT_PDF_SIGNE_PORTAIL = "DEPOT_PDF_SIGNE_PORTAIL", _("Dépôt d'un PDF signé sur le portail")
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL", _("Dépôt d'un fichier structuré sur le portail")
    SAISIE_API = "SAISIE_API", _("Saisie par API")
    DEPOT_PDF_API = "DEPOT_PDF_API", _("Dépôt d'un PDF par API")
    UPLOAD_API = "UPLOAD_API", _("Dépôt d'un fichier structuré par API")


class FormatFacture(models.TextChoices):
    """Format of the deposited file, detected from its content."""

    PDF = "PDF", _("PDF non signé")
    PDF_SIGNE_PADES = "PDF_SIGNE_PADES", _("PDF signé (PAdES)")
    PDF_SIGNE_XADES = "PDF_SIGNE_XADES", _("PDF signé (XAdES)")
    FACTURX = "FACTURX", _("Factur-X")
    UBL = "UBL", _("UBL 2.1")
    CII = "CII", _("CII D16B")


class EtatControle(models.TextChoices):
    """Progress of the checks of a deposited file (run in a Celery task)."""

    SANS_OBJET = "SANS_OBJET", _("Aucun contrôle")
    EN_COURS = "EN_COURS", _("Contrôles en cours")
    TERMINE = "TERMINE", _("Contrôles terminés")
    ECHEC = "ECHEC", _("Contrôles impossibles")


class Severite(models.TextChoices):
    """A finding either blocks the sending (BLOQUANTE) or is only shown (AVERTISSEMENT)."""

    BLOQUANTE = "BLOQUANTE", _("Erreur bloquante")
    AVERTISSEMENT = "AVERTISSEMENT", _("Avertissement")


class SourceControle(models.TextChoices):
    XSD = "XSD", _("Schéma XML")
    EN16931 = "EN16931", _("Règles EN 16931")
    BR_FR = "BR_FR", _("Règles françaises")
    METIER = "METIER", _("Règles du portail")
