"""The works billing dossier (dossier de facturation): the pieces of one works contract.

Its pieces are `factures.Facture` rows (cadres A4…A25) pointing to it; each may answer the
one before it (`Facture.piece_precedente`).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DossierFacturation(models.Model):
    """One works contract between a titulaire and a public entity, with its MOE and MOA."""

    numero = models.CharField(_("numéro de dossier"), max_length=30, unique=True)
    numero_marche = models.CharField(_("numéro de marché"), max_length=50)
    titulaire = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("titulaire"),
        on_delete=models.PROTECT,
        related_name="dossiers_titulaire",
    )
    moe = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("maîtrise d'œuvre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_moe",
    )
    moa = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("maîtrise d'ouvrage"),
        on_delete=models.PROTECT,
        related_name="dossiers_moa",
    )
    service_moa = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service de la maîtrise d'ouvrage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("dossier de facturation")
        verbose_name_plural = _("dossiers de facturation")
        ordering = ["-cree_le", "-id"]

    def __str__(self):
        return self.numero
