from django.db import models
from django.utils.translation import gettext_lazy as _


class TypeIdentifiant(models.TextChoices):
    SIRET = "SIRET", _("SIRET")
    UE_HORS_FRANCE = "UE_HORS_FRANCE", _("Union européenne hors France")
    HORS_UE = "HORS_UE", _("Hors Union européenne")
    RIDET = "RIDET", _("RIDET")
    TAHITI = "TAHITI", _("Numéro Tahiti")
    AUTRE = "AUTRE", _("En cours d'immatriculation")
    PARTICULIER = "PARTICULIER", _("Particulier")


class CategorieStructure(models.TextChoices):
    PRIVEE = "PRIVEE", _("Structure privée")
    PUBLIQUE = "PUBLIQUE", _("Entité publique")


class StatutStructure(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    INACTIVE = "INACTIVE", _("Inactive")


class StatutService(models.TextChoices):
    ACTIF = "ACTIF", _("Actif")
    INACTIF = "INACTIF", _("Inactif")


class PresenceMoa(models.TextChoices):
    SANS_MOA = "SANS_MOA", _("Sans MOA")
    AVEC_MOA = "AVEC_MOA", _("Avec MOA")
    EXCLUSIVEMENT_MOA = "EXCLUSIVEMENT_MOA", _("Exclusivement MOA")


class TypeCoordonnee(models.TextChoices):
    IBAN = "IBAN", _("IBAN")
    RIB = "RIB", _("RIB")


class StatutCoordonnee(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    INACTIVE = "INACTIVE", _("Inactive")


class TypeDemandeStructure(models.TextChoices):
    """Requests a support agent handles (domain §2)."""

    CREATION_STRUCTURE_PUBLIQUE = (
        "CREATION_STRUCTURE_PUBLIQUE",
        _("Création d'une structure publique"),
    )
    DESACTIVATION_STRUCTURE = "DESACTIVATION_STRUCTURE", _("Désactivation d'une structure")
    REAFFECTATION_GESTIONNAIRE = (
        "REAFFECTATION_GESTIONNAIRE",
        _("Réaffectation du gestionnaire principal"),
    )


class StatutDemandeStructure(models.TextChoices):
    EN_ATTENTE = "EN_ATTENTE", _("En attente de traitement")
    ACCEPTEE = "ACCEPTEE", _("Acceptée")
    REFUSEE = "REFUSEE", _("Refusée")
    ANNULEE = "ANNULEE", _("Annulée par le demandeur")


class ActionDemandeStructure(models.TextChoices):
    ACCEPTER = "ACCEPTER", _("Accepter")
    REFUSER = "REFUSER", _("Refuser")
    ANNULER = "ANNULER", _("Annuler")


class RoleDemandeStructure(models.TextChoices):
    SUPPORT = "SUPPORT", _("Agent du support")
    DEMANDEUR = "DEMANDEUR", _("Demandeur")
