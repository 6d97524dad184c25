"""Sollicitations (domain §7): requests to support or to a public entity, their messages and
attachments, the reference table of categories, and the help centre.

A `Sollicitation` moves through `sollicitations.circuits.SOLLICITATION` only. Reads name their
audience: `Sollicitation.objects.pour_desk(user)` (support agents, or the recipient entity's
users), `.du_demandeur(user)` (his own), `.visible_to(user)` (either).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chorus.workflow import HistoriqueQuerySet, HistoriqueStatut
from habilitations import acces
from habilitations.enums import Application, Niveau
from sollicitations.enums import (
    MESSAGES_DU_DEMANDEUR,
    MESSAGES_INTERNES,
    VISIBLES_PAR_LE_DESK,
    Destination,
    StatutSollicitation,
    TypeMessage,
)


class Libelle:
    """A label kept in French with an optional English version (reference tables)."""

    @property
    def libelle_affiche(self) -> str:
        if (get_language() or "fr").startswith("en") and self.libelle_en:
            return self.libelle_en
        return self.libelle


class Categorie(Libelle, models.Model):
    """A category of requests; an administrator maintains them in the Django admin."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    libelle_en = models.CharField(_("libellé en anglais"), max_length=200, blank=True)
    ordre = models.PositiveIntegerField(_("ordre d'affichage"), default=0)
    active = models.BooleanField(_("proposée aux demandeurs"), default=True)

    class Meta:
        verbose_name = _("catégorie de sollicitation")
        verbose_name_plural = _("catégories de sollicitation")
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class SousCategorieQuerySet(models.QuerySet):
    def proposees(self, *, sans_compte: bool = False):
        """Active sub-categories of active categories; without an account, only those that
        go to support (a question to an entity needs one of the user's invoices)."""
        qs = self.filter(active=True, categorie__active=True).select_related("categorie")
        if sans_compte:
            qs = qs.filter(destination=Destination.SUPPORT)
        return qs.order_by("categorie__ordre", "categorie__libelle", "ordre", "libelle")


class SousCategorie(Libelle, models.Model):
    """A sub-category: it decides where the request goes (domain §7)."""

    categorie = models.ForeignKey(
        Categorie,
        verbose_name=_("catégorie"),
        on_delete=models.PROTECT,
        related_name="sous_categories",
    )
    code = models.CharField(_("code"), max_length=50)
    libelle = models.CharField(_("libellé"), max_length=200)
    libelle_en = models.CharField(_("libellé en anglais"), max_length=200, blank=True)
    destination = models.CharField(
        _("destination"),
        max_length=20,
        choices=Destination.choices,
        default=Destination.SUPPORT,
        help_text=_(
            "« Entité publique » : la sollicitation va à la structure destinataire de la "
            "facture citée, qui devient obligatoire."
        ),
    )
    ordre = models.PositiveIntegerField(_("ordre d'affichage"), default=0)
    active = models.BooleanField(_("proposée aux demandeurs"), default=True)

    objects = SousCategorieQuerySet.as_manager()

    class Meta:
        verbose_name = _("sous-catégorie de sollicitation")
        verbose_name_plural = _("sous-catégories de sollicitation")
        ordering = ["categorie", "ordre", "libelle"]
        constraints = [
            models.UniqueConstraint(fields=["categorie", "code"], name="sous_categorie_code_unique")
        ]

    def __str__(self):
        return f"{self.categorie} › {self.libelle}"

    @property
    def vers_entite(self) -> bool:
        return self.destination == Destination.ENTITE_PUBLIQUE


def est_agent_support(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.est_agent_support)


class SollicitationQuerySet(models.QuerySet):
    def pour_desk(self, user, niveau: str = Niveau.CONSULTATION):
        """The requests a desk member sees:

        - a support agent: every request sent to support;
        - an entity's user: the requests sent to his structure, holding *Sollicitations
          reçues* at `niveau` on the whole structure, or on the service the referenced invoice
          names;
        - never drafts. Anyone else: nothing.
        """
        q = Q(pk__in=[])
        if est_agent_support(user):
            q |= Q(destination=Destination.SUPPORT)
        portees = acces.portees(user, Application.SOLLICITATIONS_RECUES, niveau)
        if portees:
            q |= Q(destination=Destination.ENTITE_PUBLIQUE) & acces.filtre_portees(
                portees, "structure_destinataire_id", "service_destinataire_id"
            )
        return self.filter(q, statut__in=VISIBLES_PAR_LE_DESK)

    def du_demandeur(self, user):
        """The signed-in requester's own requests, drafts included (deleted ones never)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(demandeur=user).exclude(statut=StatutSollicitation.SUPPRIMEE)

    def visible_to(self, user):
        """What `user` may open at all: his own requests, or those of his desk."""
        return self.filter(
            Q(pk__in=self.du_demandeur(user).values("pk"))
            | Q(pk__in=self.pour_desk(user).values("pk"))
        )


class Sollicitation(models.Model):
    """A request from a user (or someone without an account) to support or to the public
    entity that received one of his invoices (domain §7)."""

    # Given right after the row is written (SOL-<year>-<id>): empty for that instant only.
    numero = models.CharField(_("numéro"), max_length=20, blank=True, editable=False)
    statut = models.CharField(
        _("statut"),
        max_length=30,
        choices=StatutSollicitation.choices,
        default=StatutSollicitation.BROUILLON,
        db_index=True,
    )
    sous_categorie = models.ForeignKey(
        SousCategorie,
        verbose_name=_("sous-catégorie"),
        on_delete=models.PROTECT,
        related_name="sollicitations",
    )
    destination = models.CharField(
        _("destination"), max_length=20, choices=Destination.choices, default=Destination.SUPPORT
    )

    # Who asks. No account: `demandeur` is empty and the conversation goes by e-mail links.
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations",
    )
    email_contact = models.EmailField(_("adresse électronique de contact"), max_length=254)
    langue = models.CharField(_("langue du demandeur"), max_length=5, default="fr")
    structure_emettrice = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure émettrice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations_emises",
    )
    service_emetteur = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service émetteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations_emises",
    )

    # Where it goes when it is for a public entity: the referenced invoice's recipient.
    facture = models.ForeignKey(
        "factures.Facture",
        verbose_name=_("facture concernée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations",
    )
    structure_destinataire = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("structure destinataire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations_recues",
    )
    service_destinataire = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service destinataire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations_recues",
    )

    objet = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("description détaillée"))

    assigne_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignée à"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations_assignees",
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    envoyee_le = models.DateTimeField(_("envoyée le"), null=True, blank=True, db_index=True)
    # When the side that must act now (desk or requester) was handed the request.
    en_attente_depuis = models.DateTimeField(_("en attente depuis"), null=True, blank=True)

    objects = SollicitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["-envoyee_le", "-cree_le", "-id"]
        indexes = [
            models.Index(fields=["destination", "statut"], name="sollicitation_desk_support"),
            models.Index(
                fields=["structure_destinataire", "statut"], name="sollicitation_desk_entite"
            ),
            models.Index(fields=["demandeur", "statut"], name="sollicitation_demandeur"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["numero"], condition=~Q(numero=""), name="sollicitation_numero_unique"
            ),
            # A request for a public entity always knows the entity (and the invoice).
            models.CheckConstraint(
                condition=~Q(destination="ENTITE_PUBLIQUE")
                | (Q(structure_destinataire__isnull=False) & Q(facture__isnull=False)),
                name="sollicitation_entite_a_une_facture",
            ),
        ]

    def __str__(self):
        return f"{self.numero or _('Brouillon')} – {self.objet}"

    @property
    def categorie(self) -> Categorie:
        return self.sous_categorie.categorie

    @property
    def sans_compte(self) -> bool:
        return self.demandeur_id is None

    @property
    def est_brouillon(self) -> bool:
        return self.statut == StatutSollicitation.BROUILLON


class HistoriqueSollicitationQuerySet(HistoriqueQuerySet):
    def create(self, *, acteur=None, **champs):
        # Someone acting through a signed e-mail link has no account: the row keeps no user,
        # its role (DEMANDEUR) says who acted.
        if acteur is not None and not isinstance(acteur, models.Model):
            acteur = None
        return super().create(acteur=acteur, **champs)


class SollicitationHistorique(HistoriqueStatut):
    objet = models.ForeignKey(Sollicitation, on_delete=models.PROTECT, related_name="historique")

    objects = HistoriqueSollicitationQuerySet.as_manager()

    class Meta(HistoriqueStatut.Meta):
        verbose_name = _("historique d'une sollicitation")
        verbose_name_plural = _("historiques des sollicitations")


class MessageQuerySet(models.QuerySet):
    def pour_le_demandeur(self):
        return self.exclude(type__in=MESSAGES_INTERNES)


class Message(models.Model):
    """One message of the conversation; internal notes are never shown to the requester."""

    sollicitation = models.ForeignKey(
        Sollicitation, on_delete=models.PROTECT, related_name="messages"
    )
    type = models.CharField(_("type"), max_length=30, choices=TypeMessage.choices)
    # Empty: the requester without an account, writing through his e-mail link.
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    texte = models.TextField(_("message"))
    cree_le = models.DateTimeField(_("écrit le"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["cree_le", "id"]

    def __str__(self):
        return f"{self.get_type_display()} ({self.cree_le:%Y-%m-%d %H:%M})"

    @property
    def interne(self) -> bool:
        return self.type in MESSAGES_INTERNES

    @property
    def du_demandeur(self) -> bool:
        return self.type in MESSAGES_DU_DEMANDEUR


class PieceJointeSollicitation(models.Model):
    """A file of the request (filed with it: no message) or of one of its messages."""

    sollicitation = models.ForeignKey(
        Sollicitation, on_delete=models.PROTECT, related_name="pieces_jointes"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="pieces_jointes"
    )
    document = models.ForeignKey("chorus.Document", on_delete=models.PROTECT, related_name="+")
    ajoutee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ajoutee_le = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe de sollicitation")
        verbose_name_plural = _("pièces jointes de sollicitation")
        ordering = ["ajoutee_le", "id"]

    def __str__(self):
        return self.document.nom

    @property
    def interne(self) -> bool:
        return self.message is not None and self.message.interne


class CourrielPublic(models.Model):
    """An e-mail owed to a requester without an account (he has no feed and no preferences).

    Written in the transaction of the change it reports; a task sends it once and marks it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sollicitation = models.ForeignKey(
        Sollicitation, on_delete=models.PROTECT, related_name="courriels_publics"
    )
    nature = models.CharField(_("nature"), max_length=40)
    contexte = models.JSONField(_("contexte"), default=dict, blank=True)
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel à un demandeur sans compte")
        verbose_name_plural = _("courriels aux demandeurs sans compte")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.nature} → {self.sollicitation_id}"


# --- Help centre ------------------------------------------------------------------------------


def _vecteur_article():
    return (
        SearchVector("titre", weight="A", config="french")
        + SearchVector("mots_cles", weight="A", config="french")
        + SearchVector("resume", weight="B", config="french")
        + SearchVector("contenu", weight="C", config="french")
    )


class ArticleAideQuerySet(models.QuerySet):
    def publies(self):
        return self.filter(publie=True)


class ArticleAide(models.Model):
    """An article of the help centre, written by the operator in the Django admin.

    On PostgreSQL `recherche` holds the French full-text vector (GIN index, migration 0002),
    kept by `save()`; on SQLite it stays empty and searches fall back to `icontains`.
    """

    titre = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=200, unique=True)
    resume = models.CharField(_("résumé"), max_length=300)
    contenu = models.TextField(
        _("contenu"), help_text=_("Texte simple ; une ligne vide sépare deux paragraphes.")
    )
    mots_cles = models.CharField(
        _("mots-clés"),
        max_length=300,
        blank=True,
        help_text=_("Mots que les utilisateurs emploient, séparés par des espaces."),
    )
    publie = models.BooleanField(_("publié"), default=True)
    ordre = models.PositiveIntegerField(_("ordre d'affichage"), default=0)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)
    recherche = SearchVectorField(null=True, editable=False)

    objects = ArticleAideQuerySet.as_manager()

    class Meta:
        verbose_name = _("article d'aide")
        verbose_name_plural = _("articles d'aide")
        ordering = ["ordre", "titre"]

    def __str__(self):
        return self.titre

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if connection.vendor == "postgresql":
            ArticleAide.objects.filter(pk=self.pk).update(recherche=_vecteur_article())
