from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.workflow import HistoriqueStatut
from habilitations.enums import (
    Application,
    Langue,
    Niveau,
    StatutDemandeHabilitation,
    StatutRattachement,
)


class UtilisateurManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **champs):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **champs)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **champs):
        champs.setdefault("is_staff", False)
        champs.setdefault("is_superuser", False)
        return self._create(email, password, **champs)

    def create_superuser(self, email, password=None, **champs):
        champs.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **champs)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; signs in with a login e-mail (domain §1, §3)."""

    email = models.EmailField(_("adresse électronique de connexion"), max_length=254, unique=True)
    email_contact = models.EmailField(
        _("adresse électronique de contact"),
        max_length=254,
        blank=True,
        help_text=_("Reçoit les notifications. Par défaut, l'adresse de connexion."),
    )
    prenom = models.CharField(_("prénom"), max_length=100)
    nom = models.CharField(_("nom"), max_length=100)
    telephone = models.CharField(_("téléphone fixe"), max_length=30, blank=True)
    telephone_mobile = models.CharField(_("téléphone mobile"), max_length=30, blank=True)
    langue = models.CharField(
        _("langue préférée"), max_length=5, choices=Langue.choices, default=Langue.FR
    )
    notifications_actives = models.BooleanField(
        _("recevoir les notifications par courriel"), default=True
    )
    est_agent_support = models.BooleanField(
        _("agent du support"),
        default=False,
        help_text=_("Traite les sollicitations adressées au support. Jamais rattaché."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Set when the user follows the activation link of the sign-up e-mail.
    active_le = models.DateTimeField(_("compte activé le"), null=True, blank=True)
    desactive_le = models.DateTimeField(_("compte désactivé le"), null=True, blank=True)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email_contact"
    REQUIRED_FIELDS = ["prenom", "nom"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["nom", "prenom"]

    def __str__(self):
        return f"{self.get_full_name()} <{self.email}>"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        if not self.email_contact:
            self.email_contact = self.email
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.prenom} {self.nom}".strip()

    def get_short_name(self):
        return self.prenom


class DemandeQuerySet(models.QuerySet):
    def a_approuver(self):
        """Pending requests a gestionnaire should see: not those of inactive accounts (a
        sign-up not activated yet reaches the GP at activation; a deactivated account never)."""
        return self.filter(statut="EN_ATTENTE", utilisateur__is_active=True)


class Rattachement(models.Model):
    """A user's attachment to a structure, or to one service of it (domain §1).

    Asked by the user, approved or refused by the structure's gestionnaires through the
    workflow engine (`habilitations.circuits.RATTACHEMENT`).
    """

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rattachements"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="rattachements"
    )
    service = models.ForeignKey(
        "structures.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rattachements",
    )
    statut = models.CharField(
        _("statut"),
        max_length=20,
        choices=StatutRattachement.choices,
        default=StatutRattachement.EN_ATTENTE,
    )
    commentaire = models.TextField(_("commentaire du demandeur"), blank=True)
    demande_le = models.DateTimeField(_("demandé le"), default=timezone.now)

    objects = DemandeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ["-demande_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "structure", "service"],
                condition=models.Q(statut__in=["EN_ATTENTE", "ACTIF"], service__isnull=False),
                name="rattachement_service_unique_en_cours",
            ),
            models.UniqueConstraint(
                fields=["utilisateur", "structure"],
                condition=models.Q(statut__in=["EN_ATTENTE", "ACTIF"], service__isnull=True),
                name="rattachement_structure_unique_en_cours",
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} → {self.structure} ({self.get_statut_display()})"


class RattachementHistorique(HistoriqueStatut):
    objet = models.ForeignKey(Rattachement, on_delete=models.PROTECT, related_name="historique")

    class Meta(HistoriqueStatut.Meta):
        verbose_name = _("historique d'un rattachement")
        verbose_name_plural = _("historiques des rattachements")


class Habilitation(models.Model):
    """A right on one application of a structure, or of one of its services (domain §1)."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habilitations"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="habilitations"
    )
    service = models.ForeignKey(
        "structures.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="habilitations",
        help_text=_("Vide : toute la structure."),
    )
    application = models.CharField(_("espace"), max_length=30, choices=Application.choices)
    niveau = models.CharField(_("niveau"), max_length=20, choices=Niveau.choices)
    accordee_le = models.DateTimeField(_("accordée le"), default=timezone.now)

    class Meta:
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "structure", "service", "application"],
                condition=models.Q(service__isnull=False),
                name="habilitation_service_unique",
            ),
            models.UniqueConstraint(
                fields=["utilisateur", "structure", "application"],
                condition=models.Q(service__isnull=True),
                name="habilitation_structure_unique",
            ),
        ]

    def __str__(self):
        portee = self.service or _("toute la structure")
        return f"{self.utilisateur} · {self.get_application_display()} · {portee}"


class DemandeHabilitation(models.Model):
    """A user's request for a space of a structure ("Mes abonnements aux espaces"), approved
    or refused by its gestionnaires through `habilitations.circuits.DEMANDE_HABILITATION`."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demandes_habilitation"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="demandes_habilitation"
    )
    service = models.ForeignKey(
        "structures.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="demandes_habilitation",
    )
    application = models.CharField(_("espace"), max_length=30, choices=Application.choices)
    niveau = models.CharField(_("niveau"), max_length=20, choices=Niveau.choices)
    statut = models.CharField(
        _("statut"),
        max_length=20,
        choices=StatutDemandeHabilitation.choices,
        default=StatutDemandeHabilitation.EN_ATTENTE,
    )
    commentaire = models.TextField(_("commentaire du demandeur"), blank=True)
    demandee_le = models.DateTimeField(_("demandée le"), default=timezone.now)

    objects = DemandeQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'habilitation")
        verbose_name_plural = _("demandes d'habilitation")
        ordering = ["-demandee_le"]

    def __str__(self):
        return (
            f"{self.utilisateur} → {self.get_application_display()} ({self.get_statut_display()})"
        )


class DemandeHabilitationHistorique(HistoriqueStatut):
    objet = models.ForeignKey(
        DemandeHabilitation, on_delete=models.PROTECT, related_name="historique"
    )

    class Meta(HistoriqueStatut.Meta):
        verbose_name = _("historique d'une demande d'habilitation")
