from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from structures.enums import (
    CategorieStructure,
    PresenceMoa,
    StatutService,
    StatutStructure,
    TypeIdentifiant,
)


class StructureQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(statut=StatutStructure.ACTIVE)

    def publiques(self):
        return self.filter(categorie=CategorieStructure.PUBLIQUE)


class Structure(models.Model):
    """One legal entity: a supplier (private) or a public entity (domain §1–2)."""

    type_identifiant = models.CharField(
        _("type d'identifiant"), max_length=20, choices=TypeIdentifiant.choices
    )
    identifiant = models.CharField(_("identifiant"), max_length=80)
    categorie = models.CharField(
        _("catégorie"),
        max_length=10,
        choices=CategorieStructure.choices,
        default=CategorieStructure.PRIVEE,
    )
    raison_sociale = models.CharField(_("raison sociale"), max_length=200)
    libelle = models.CharField(_("libellé"), max_length=200, blank=True)
    statut = models.CharField(
        _("statut"), max_length=10, choices=StatutStructure.choices, default=StatutStructure.ACTIVE
    )
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=10, blank=True)
    ville = models.CharField(_("ville"), max_length=100, blank=True)
    pays = models.CharField(_("pays"), max_length=2, default="FR")
    gestionnaire_principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestionnaire principal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures_gerees",
    )
    # Public-structure parameters (domain §2).
    code_service_obligatoire = models.BooleanField(_("code service obligatoire"), default=False)
    numero_ej_obligatoire = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    code_service_ou_ej_obligatoire = models.BooleanField(
        _("code service ou numéro d'engagement obligatoire"), default=False
    )
    mise_en_paiement_non_remontee = models.BooleanField(
        _("statut « mise en paiement » non remonté"), default=False
    )
    presence_moa = models.CharField(
        _("présence MOA"), max_length=20, choices=PresenceMoa.choices, default=PresenceMoa.SANS_MOA
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["raison_sociale"]
        constraints = [
            models.UniqueConstraint(
                fields=["type_identifiant", "identifiant"], name="structure_identifiant_unique"
            )
        ]

    def __str__(self):
        return f"{self.raison_sociale} ({self.identifiant})"

    @property
    def est_publique(self) -> bool:
        return self.categorie == CategorieStructure.PUBLIQUE


class Service(models.Model):
    """A service inside a structure; routes invoices and partitions work."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="services"
    )
    code = models.CharField(_("code"), max_length=100)
    libelle = models.CharField(_("libellé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    statut = models.CharField(
        _("statut"), max_length=10, choices=StatutService.choices, default=StatutService.ACTIF
    )
    date_debut = models.DateField(_("date de début d'activation"), default=timezone.localdate)
    date_fin = models.DateField(_("date de fin d'activation"), null=True, blank=True)
    engagement_obligatoire = models.BooleanField(_("engagement obligatoire"), default=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique")
        ]

    def __str__(self):
        return f"{self.code} – {self.libelle}"
