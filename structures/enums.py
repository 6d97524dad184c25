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
