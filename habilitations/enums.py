from django.db import models
from django.utils.translation import gettext_lazy as _


class Application(models.TextChoices):
    """The spaces (tabs) of the portal a habilitation opens (domain §1)."""

    FACTURES_EMISES = "FACTURES_EMISES", _("Factures émises")
    FACTURES_RECUES = "FACTURES_RECUES", _("Factures reçues")
    FACTURES_A_VALIDER = "FACTURES_A_VALIDER", _("Factures à valider")
    FACTURES_TRAVAUX = "FACTURES_TRAVAUX", _("Factures de travaux")
    SOLLICITATIONS_EMISES = "SOLLICITATIONS_EMISES", _("Sollicitations émises")
    SOLLICITATIONS_RECUES = "SOLLICITATIONS_RECUES", _("Sollicitations reçues")
    ORGANISATION = "ORGANISATION", _("Organisation")


# Every user attached to a structure gets these (domain §1).
APPLICATIONS_PAR_DEFAUT = [
    Application.FACTURES_EMISES,
    Application.SOLLICITATIONS_EMISES,
    Application.SOLLICITATIONS_RECUES,
]


class Niveau(models.TextChoices):
    CONSULTATION = "CONSULTATION", _("Consultation")
    MODIFICATION = "MODIFICATION", _("Modification")


class Langue(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"


class StatutRattachement(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", _("En attente d'approbation")
    ACTIF = "ACTIF", _("Actif")
    REFUSE = "REFUSE", _("Refusé")
    ANNULE = "ANNULE", _("Annulé par le demandeur")
    DETACHE = "DETACHE", _("Détaché")


class ActionRattachement(models.TextChoices):
    APPROUVER = "APPROUVER", _("Approuver")
    REFUSER = "REFUSER", _("Refuser")
    ANNULER = "ANNULER", _("Annuler la demande")
    DETACHER = "DETACHER", _("Détacher")


class RoleRattachement(models.TextChoices):
    """Who acts on an attachment request."""

    GESTIONNAIRE = "GESTIONNAIRE", _("Gestionnaire de la structure")
    DEMANDEUR = "DEMANDEUR", _("Demandeur")


class StatutDemandeHabilitation(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", _("En attente d'approbation")
    ACCORDEE = "ACCORDEE", _("Accordée")
    REFUSEE = "REFUSEE", _("Refusée")
    ANNULEE = "ANNULEE", _("Annulée par le demandeur")


class ActionDemandeHabilitation(models.TextChoices):
    ACCORDER = "ACCORDER", _("Accorder")
    REFUSER = "REFUSER", _("Refuser")
    ANNULER = "ANNULER", _("Annuler la demande")
