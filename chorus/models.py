"""Models of the cross-cutting cores: stored documents (core 3), notifications (core 4)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _chemin_document(instance, filename):
    # The stored name never reuses the user's file name: no path tricks, no guessing.
    return f"documents/{instance.depose_le:%Y/%m}/{instance.pk}{instance.extension}"


class Document(models.Model):
    """A file accepted by the documents core; referenced by invoices, structures, requests."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fichier = models.FileField(_("fichier"), upload_to=_chemin_document, max_length=200)
    nom = models.CharField(_("nom du fichier"), max_length=255)
    extension = models.CharField(_("extension"), max_length=10)
    type_mime = models.CharField(_("type"), max_length=100)
    taille = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    depose_le = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-depose_le"]

    def __str__(self):
        return self.nom


class Evenement(models.Model):
    """Something users must be told about: one e-mail and one feed row per recipient."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=80)
    contexte = models.JSONField(_("contexte"), default=dict, blank=True)
    lien = models.CharField(_("lien"), max_length=300, blank=True)
    # Security messages (password changed…) ignore the notification opt-in.
    ignorer_preferences = models.BooleanField(default=False)
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.type} ({self.cree_le:%Y-%m-%d %H:%M})"


class NotificationQuerySet(models.QuerySet):
    def pour(self, user):
        return self.filter(destinataire=user).select_related("evenement")

    def emails_en_attente(self):
        return self.filter(email_a_envoyer=True, email_envoye_le__isnull=True)


class Notification(models.Model):
    """One recipient of one event: a row of his feed and the state of his e-mail."""

    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="notifications")
    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    email_a_envoyer = models.BooleanField(default=True)
    email_envoye_le = models.DateTimeField(null=True, blank=True)
    lue_le = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-evenement__cree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["evenement", "destinataire"], name="notification_unique_par_destinataire"
            )
        ]

    def __str__(self):
        return f"{self.evenement.type} → {self.destinataire_id}"
