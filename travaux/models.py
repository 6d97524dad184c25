"""The works billing dossier (dossier de facturation): the pieces of one works contract.

Its pieces are `factures.Facture` rows (cadres A4…A25) pointing to it; each may answer the
one before it (`Facture.piece_precedente`). A dossier is identified by its contract: the
market number and its parties (titulaire, maîtrise d'ouvrage, maîtrise d'œuvre); the first
deposit opens it, the next ones continue it (travaux.services.dossiers).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habilitations.enums import Niveau


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user, role: str, niveau: str = Niveau.CONSULTATION):
        """The dossiers `user` sees when acting in `role` (travaux.acces)."""
        from travaux import acces

        return self.filter(acces.filtre_dossiers(user, role, niveau))


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
    # Who pays: the MOA structure itself (sans or avec MOA), or another public structure when
    # the MOA is « exclusivement MOA ». Payable pieces reach it in Factures reçues.
    structure_financiere = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("service financier (structure)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_payes",
    )
    service_financier = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service financier (service)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers_payes",
    )
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouvert par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier de facturation")
        verbose_name_plural = _("dossiers de facturation")
        ordering = ["-cree_le", "-id"]
        constraints = [
            # One dossier per contract: market number and parties; « no MOE on the portal »
            # counts as a value (two partial constraints: SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["titulaire", "numero_marche", "moa", "moe"],
                condition=Q(moe__isnull=False),
                name="dossier_unique_par_marche_et_parties",
            ),
            models.UniqueConstraint(
                fields=["titulaire", "numero_marche", "moa"],
                condition=Q(moe__isnull=True),
                name="dossier_unique_par_marche_sans_moe",
            ),
        ]

    def __str__(self):
        return self.numero

    @property
    def payeur(self):
        """The structure whose service financier pays the dossier's payable pieces."""
        return self.structure_financiere or self.moa


class PieceIncluse(models.Model):
    """A sub- or co-contractor's piece (A10, A11, A13, A14), accepted by the titulaire and
    attached to his own projet de décompte (A4, A7): it is paid through it, never alone."""

    piece = models.OneToOneField(
        "factures.Facture",
        verbose_name=_("pièce du sous-traitant ou cotraitant"),
        on_delete=models.PROTECT,
        related_name="inclusion",
    )
    decompte = models.ForeignKey(
        "factures.Facture",
        verbose_name=_("projet de décompte du titulaire"),
        on_delete=models.PROTECT,
        related_name="pieces_incluses",
    )
    incluse_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    incluse_le = models.DateTimeField(_("incluse le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce incluse dans un décompte")
        verbose_name_plural = _("pièces incluses dans un décompte")
        ordering = ["decompte", "incluse_le", "id"]

    def __str__(self):
        return f"{self.piece_id} → {self.decompte_id}"
