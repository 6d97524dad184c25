from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.workflow import HistoriqueStatut
from structures.cles import CHAMPS_DE_L_ENTREE, CHAMPS_SOURCES_DE_L_ENTREE, valeurs_de_l_entree
from structures.enums import (
    CategorieStructure,
    PresenceMoa,
    StatutCoordonnee,
    StatutDemandeStructure,
    StatutService,
    StatutStructure,
    TypeCoordonnee,
    TypeDemandeStructure,
    TypeIdentifiant,
)


class StructureQuerySet(models.QuerySet):
    def update(self, **valeurs):
        """As `QuerySet.update()`; a change of a field the directory's search table is made
        of (`CHAMPS_SOURCES_DE_L_ENTREE`) also rewrites the rows of the structures it
        changed, in the same transaction: they stay found by their new name, city or
        status, and a structure no longer public leaves the table."""
        if CHAMPS_SOURCES_DE_L_ENTREE.isdisjoint(valeurs):
            return super().update(**valeurs)
        with transaction.atomic(using=self.db, savepoint=False):
            ids = list(self.values_list("pk", flat=True))  # before: the filter may change
            nombre = super().update(**valeurs)
            EntreeAnnuaire.rafraichir(ids, using=self.db)
        return nombre

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
    # A private person (PARTICULIER) has a name instead of a company name.
    nom = models.CharField(_("nom"), max_length=100, blank=True)
    prenom = models.CharField(_("prénom"), max_length=100, blank=True)
    rcs = models.CharField(_("RCS"), max_length=50, blank=True)
    tva_intracommunautaire = models.CharField(
        _("numéro de TVA intracommunautaire"), max_length=20, blank=True
    )
    email = models.EmailField(_("adresse électronique"), blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    non_diffusible = models.BooleanField(_("non diffusible (INSEE)"), default=False)
    statut = models.CharField(
        _("statut"), max_length=10, choices=StatutStructure.choices, default=StatutStructure.ACTIVE
    )
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    adresse_complement_1 = models.CharField(_("complément d'adresse 1"), max_length=200, blank=True)
    adresse_complement_2 = models.CharField(_("complément d'adresse 2"), max_length=200, blank=True)
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
    reception_edi = models.BooleanField(_("réception des factures par EDI"), default=False)
    double_authentification_obligatoire = models.BooleanField(
        _("double authentification obligatoire pour les utilisateurs"), default=False
    )
    # The spaces the structure opens (codes of habilitations.enums.Application); None: the
    # defaults of its category (habilitations.acces.APPLICATIONS_DE_LA_STRUCTURE).
    applications_ouvertes = models.JSONField(_("espaces ouverts"), null=True, blank=True)
    # After a change of SIRET, the old structure points to the new one.
    remplacee_par = models.ForeignKey(
        "self",
        verbose_name=_("remplacée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplace",
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
        # The public directory (structures/annuaire/recherche.py) browses public structures
        # in these orders when no « contains » criterion is given; « contains » searches go
        # through the search table (EntreeAnnuaire).
        indexes = [
            models.Index(
                fields=["raison_sociale", "id"],
                condition=models.Q(categorie=CategorieStructure.PUBLIQUE),
                name="structure_annuaire_rs",
            ),
            models.Index(
                fields=["identifiant", "id"],
                condition=models.Q(categorie=CategorieStructure.PUBLIQUE),
                name="structure_annuaire_id",
            ),
            models.Index(
                fields=["ville", "raison_sociale", "id"],
                condition=models.Q(categorie=CategorieStructure.PUBLIQUE),
                name="structure_annuaire_ville",
            ),
            models.Index(
                fields=["code_postal"],
                opclasses=["varchar_pattern_ops"],
                condition=models.Q(categorie=CategorieStructure.PUBLIQUE),
                name="structure_annuaire_cp",
            ),
        ]

    def __str__(self):
        return f"{self.raison_sociale} ({self.identifiant})"

    def save(self, *args, update_fields=None, **kwargs):
        nouvelle = self._state.adding
        with transaction.atomic(savepoint=False):
            super().save(*args, update_fields=update_fields, **kwargs)
            if update_fields is None or not CHAMPS_SOURCES_DE_L_ENTREE.isdisjoint(update_fields):
                self._tenir_l_annuaire_a_jour(nouvelle)

    def _tenir_l_annuaire_a_jour(self, nouvelle: bool) -> None:
        """A public structure has its row in the directory's search table, with its current
        keys; any other has none (one statement, none for a new private structure)."""
        if self.est_publique:
            EntreeAnnuaire.enregistrer(
                [EntreeAnnuaire.pour(self.pk, {c: getattr(self, c) for c in CHAMPS_DE_L_ENTREE})],
                using=self._state.db,
            )
        elif not nouvelle:
            EntreeAnnuaire.objects.using(self._state.db).filter(structure_id=self.pk).delete()

    @property
    def est_publique(self) -> bool:
        return self.categorie == CategorieStructure.PUBLIQUE


class EntreeAnnuaire(models.Model):
    """A public structure's row in the search table of the public directory: its search keys
    (structures/cles.py), postal code and status, nothing else.

    « Contains » searches (structures/annuaire/recherche.py) find and sort their matches here:
    a row is a few dozen bytes instead of a structure's few hundred, so reading and sorting
    20,000 matches costs a third. On PostgreSQL (migration 0005) one trigram GIN index covers
    the three keys, and the keys are compared byte by byte (COLLATE "C": alphabetical order,
    word by word, for upper-case keys without accents; a later AlterField of a key must keep
    it). No btree indexes the keys, on purpose: with one, PostgreSQL may walk it in order and
    filter, and when the matches sit far along that order (names starting with « Syndicat »)
    it reads most of the table to fill one page.

    Kept in step by `Structure.save()`, by `Structure.objects…update()` and by the import,
    which writes structures in bulk (structures/annuaire/import_csv/ecriture.py). Only writes
    outside the ORM (SQL, a partial restore) and `bulk_update()` bypass it: rebuild the table
    afterwards (`manage.py reconstruire_annuaire`).
    """

    structure = models.OneToOneField(
        Structure, on_delete=models.CASCADE, primary_key=True, related_name="entree_annuaire"
    )
    cle_raison_sociale = models.CharField(max_length=200)
    cle_ville = models.CharField(max_length=100, blank=True)
    cle_identifiant = models.CharField(max_length=80)
    code_postal = models.CharField(max_length=10, blank=True)
    statut = models.CharField(max_length=10, choices=StatutStructure.choices)

    def __str__(self):
        return self.cle_raison_sociale

    @classmethod
    def pour(cls, structure_id: int, valeurs: dict) -> "EntreeAnnuaire":
        """The row of a structure from its field values (`CHAMPS_DE_L_ENTREE`)."""
        return cls(structure_id=structure_id, **valeurs_de_l_entree(valeurs))

    @classmethod
    def rafraichir(cls, structure_ids: list[int], using: str | None = None) -> None:
        """Rewrites the rows of these structures from their current values: a row for each
        public one, none for the others (by 2,000 structures)."""
        for debut in range(0, len(structure_ids), 2000):
            paquet = structure_ids[debut : debut + 2000]
            structures = Structure.objects.using(using).filter(pk__in=paquet)
            publiques = structures.publiques().values("pk", *CHAMPS_DE_L_ENTREE)
            cls.enregistrer([cls.pour(v["pk"], v) for v in publiques], using=using)
            cls.objects.using(using).filter(structure_id__in=paquet).exclude(
                structure__categorie=CategorieStructure.PUBLIQUE
            ).delete()

    @classmethod
    def enregistrer(cls, entrees: list["EntreeAnnuaire"], using: str | None = None) -> None:
        """Creates the rows, or replaces those that exist: one statement per 2,000 rows."""
        cls.objects.using(using).bulk_create(
            entrees,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["structure"],
            update_fields=[f.name for f in cls._meta.concrete_fields if not f.primary_key],
        )


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
    engagement_obligatoire = models.BooleanField(
        _("numéro d'engagement obligatoire"), default=False
    )
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    code_postal = models.CharField(_("code postal"), max_length=10, blank=True)
    ville = models.CharField(_("ville"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique")
        ]

    def __str__(self):
        return f"{self.code} – {self.libelle}"


class CoordonneeBancaire(models.Model):
    """Bank details of a structure: IBAN + BIC or French RIB, optional factor (domain §2)."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="coordonnees_bancaires"
    )
    libelle = models.CharField(_("nom"), max_length=100)
    type_coordonnee = models.CharField(
        _("type"), max_length=5, choices=TypeCoordonnee.choices, default=TypeCoordonnee.IBAN
    )
    pays = models.CharField(_("pays"), max_length=2, default="FR")
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    code_banque = models.CharField(_("code banque"), max_length=5, blank=True)
    code_guichet = models.CharField(_("code guichet"), max_length=5, blank=True)
    numero_compte = models.CharField(_("numéro de compte"), max_length=11, blank=True)
    cle_rib = models.CharField(_("clé RIB"), max_length=2, blank=True)
    affactureur_raison_sociale = models.CharField(
        _("raison sociale de l'affactureur"), max_length=200, blank=True
    )
    affactureur_pays = models.CharField(_("pays de l'affactureur"), max_length=2, blank=True)
    affactureur_type_identifiant = models.CharField(
        _("type d'identifiant de l'affactureur"),
        max_length=20,
        choices=TypeIdentifiant.choices,
        blank=True,
    )
    affactureur_identifiant = models.CharField(
        _("identifiant de l'affactureur"), max_length=80, blank=True
    )
    document_rib = models.ForeignKey(
        "chorus.Document",
        verbose_name=_("RIB"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statut = models.CharField(
        _("statut"),
        max_length=10,
        choices=StatutCoordonnee.choices,
        default=StatutCoordonnee.ACTIVE,
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("coordonnée bancaire")
        verbose_name_plural = _("coordonnées bancaires")
        ordering = ["structure", "libelle"]

    def __str__(self):
        return f"{self.libelle} ({self.iban or self.numero_compte})"


class PieceJointeStructure(models.Model):
    """A document the structure's users can reuse on their invoices (≤ 4 Mo)."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="pieces_jointes"
    )
    document = models.ForeignKey("chorus.Document", on_delete=models.PROTECT, related_name="+")
    libelle = models.CharField(_("libellé"), max_length=200)
    ajoutee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ajoutee_le = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe de la structure")
        verbose_name_plural = _("pièces jointes de la structure")
        ordering = ["-ajoutee_le"]

    def __str__(self):
        return self.libelle


class DemandeStructure(models.Model):
    """A request a support agent handles: create or deactivate a public structure, reassign
    a gestionnaire principal who is gone. Moves through `structures.circuits.DEMANDE`."""

    type_demande = models.CharField(
        _("type de demande"), max_length=40, choices=TypeDemandeStructure.choices
    )
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur"),
        on_delete=models.PROTECT,
        related_name="demandes_structure",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes",
    )
    # What the request carries: the new structure's data, the proposed GP's id…
    donnees = models.JSONField(_("données"), default=dict, blank=True)
    commentaire = models.TextField(_("commentaire"), blank=True)
    statut = models.CharField(
        _("statut"),
        max_length=20,
        choices=StatutDemandeStructure.choices,
        default=StatutDemandeStructure.EN_ATTENTE,
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande au support")
        verbose_name_plural = _("demandes au support")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.get_type_demande_display()} ({self.get_statut_display()})"


class DemandeStructureHistorique(HistoriqueStatut):
    objet = models.ForeignKey(DemandeStructure, on_delete=models.PROTECT, related_name="historique")

    class Meta(HistoriqueStatut.Meta):
        verbose_name = _("historique d'une demande au support")
