"""Every deposited piece: invoices (A1, A2, A9, A12) and works pieces (A4…A25).

A `Facture` moves through the circuits of `factures.circuits` only; its status is never
written anywhere else. Reads name their audience: `Facture.objects.visible_to(user,
application)` asks the access core which structures and services the user holds.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.workflow import HistoriqueStatut
from factures.enums import (
    A_VALIDER,
    CADRES_TRAVAUX,
    CHEZ_LE_DESTINATAIRE,
    Cadre,
    CategorieTva,
    EtatControle,
    FormatFacture,
    ModeDepot,
    ModePaiement,
    Severite,
    SourceControle,
    StatutFacture,
    TypeFacture,
    TypeTva,
)
from habilitations import acces
from habilitations.enums import Application, Niveau

MONTANT = {"max_digits": 15, "decimal_places": 2}
QUANTITE = {"max_digits": 19, "decimal_places": 4}
PRIX_UNITAIRE = {"max_digits": 19, "decimal_places": 6}
TAUX = {"max_digits": 5, "decimal_places": 2}
ZERO = Decimal("0.00")


class FactureQuerySet(models.QuerySet):
    def visible_to(self, user, application: str, niveau: str = Niveau.CONSULTATION):
        """The pieces `user` may see in the space `application` (core 1), at `niveau`:

        - Factures émises: the supplier structure's invoices (a service-level right: those
          deposited for its services; pieces with no supplier service need a structure-wide
          right). Deleted drafts are never shown, nor works pieces (Factures de travaux).
        - Factures reçues: the pieces standing at the recipient structure or at one of the
          user's services of it (never drafts, nor pieces still with a validator).
        - Factures à valider: the pieces naming one of the user's structures as first or
          second validator, once submitted to validation.

        - Factures de travaux: the works pieces of the user's dossiers, in any of his roles
          (the rule is travaux.acces's; its pages scope by the role the user acts in).
        """
        portees = acces.portees(user, application, niveau)
        if not portees:
            return self.none()
        if application == Application.FACTURES_EMISES:
            return (
                self.filter(
                    acces.filtre_portees(portees, "fournisseur_id", "service_fournisseur_id")
                )
                .exclude(statut=StatutFacture.SUPPRIMEE)
                # Works pieces are followed in Factures de travaux (the MOE's and MOA's
                # pieces name the titulaire as supplier, drafts included).
                .exclude(cadre__in=CADRES_TRAVAUX)
            )
        if application == Application.FACTURES_RECUES:
            return self.filter(
                acces.filtre_portees(portees, "destinataire_id", "service_destinataire_id"),
                statut__in=CHEZ_LE_DESTINATAIRE,
            )
        if application == Application.FACTURES_A_VALIDER:
            structures = {s for s, _service in portees}
            return self.filter(
                Q(valideur_1_id__in=structures) | Q(valideur_2_id__in=structures),
                soumise_a_validation_le__isnull=False,
            )
        if application == Application.FACTURES_TRAVAUX:
            # Whatever the role the user acts in (travaux.acces says who sees what).
            from travaux.acces import filtre_pieces_tous_roles

            return self.filter(filtre_pieces_tous_roles(user, niveau))
        raise ValueError(f"visible_to() does not know the space {application!r}")

    def a_valider(self):
        return self.filter(statut__in=A_VALIDER)


class Facture(models.Model):
    """An invoice or a works piece, from its draft to its last status (domain §4–6)."""

    # Who and for whom.
    # Its own index would double those that begin with it (Meta.indexes): every write of an
    # invoice pays for each index of this table.
    fournisseur = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("fournisseur"),
        on_delete=models.PROTECT,
        related_name="factures_emises",
        db_index=False,
    )
    service_fournisseur = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service du fournisseur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factures_emises",
    )
    destinataire = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("destinataire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factures_recues",
        db_index=False,  # facture_destinataire_statut begins with it
    )
    service_destinataire = models.ForeignKey(
        "structures.Service",
        verbose_name=_("service destinataire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factures_recues",
    )
    # Validators: the titulaire (A9…) or the mandataire (A12…); a second one when a
    # sub-contractor works for a co-contractor (domain §6.1).
    valideur_1 = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("premier valideur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factures_a_valider_1",
    )
    valideur_2 = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("second valideur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factures_a_valider_2",
    )
    cadre = models.CharField(
        _("cadre de facturation"),
        max_length=60,
        choices=Cadre.choices,
        default=Cadre.A1_FACTURE_FOURNISSEUR,
    )
    statut = models.CharField(
        _("statut"),
        max_length=60,
        choices=StatutFacture.choices,
        default=StatutFacture.BROUILLON,
    )

    # The invoice's data (domain §5).
    type_facture = models.CharField(
        _("type de facture"), max_length=10, choices=TypeFacture.choices, default="FACTURE"
    )
    numero = models.CharField(_("numéro de facture"), max_length=20, blank=True)
    date_facture = models.DateField(_("date de facture"), null=True, blank=True)
    # Year of the invoice date, kept by save(): the duplicate rule is per (supplier, number,
    # year) and a unique constraint needs a column.
    annee_facture = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    date_echeance = models.DateField(_("date d'échéance"), null=True, blank=True)
    devise = models.CharField(_("devise"), max_length=3, default="EUR")
    type_tva = models.CharField(
        _("type de TVA"), max_length=30, choices=TypeTva.choices, default=TypeTva.TVA_SUR_DEBIT
    )
    motif_exoneration = models.CharField(_("motif d'exonération"), max_length=200, blank=True)
    mode_paiement = models.CharField(
        _("mode de paiement"), max_length=20, choices=ModePaiement.choices, blank=True
    )
    coordonnee_bancaire = models.ForeignKey(
        "structures.CoordonneeBancaire",
        verbose_name=_("coordonnées bancaires"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factures",
    )
    numero_marche = models.CharField(_("numéro de marché"), max_length=50, blank=True)
    numero_engagement = models.CharField(_("numéro d'engagement"), max_length=50, blank=True)
    numero_facture_origine = models.CharField(
        _("numéro de la facture d'origine"), max_length=20, blank=True
    )
    commentaire = models.TextField(_("commentaire"), blank=True)
    # Given by the recipient when it mandates the invoice (Factures reçues).
    numero_mandat = models.CharField(_("numéro de mandat"), max_length=50, blank=True)

    # Totals, computed server-side from the lines (saisie) or read from the file (deposit).
    montant_ht = models.DecimalField(_("montant HT"), default=ZERO, **MONTANT)
    montant_tva = models.DecimalField(_("montant de TVA"), default=ZERO, **MONTANT)
    montant_ttc = models.DecimalField(_("montant TTC"), default=ZERO, **MONTANT)
    montant_remise_globale_ttc = models.DecimalField(
        _("remise globale TTC"), default=ZERO, **MONTANT
    )
    motif_remise_globale = models.CharField(
        _("motif de la remise globale"), max_length=200, blank=True
    )
    montant_a_payer = models.DecimalField(_("montant à payer"), default=ZERO, **MONTANT)

    # How it came in, and its files (documents core).
    mode_depot = models.CharField(
        _("mode de dépôt"),
        max_length=30,
        choices=ModeDepot.choices,
        default=ModeDepot.SAISIE_PORTAIL,
    )
    format_depot = models.CharField(
        _("format du fichier déposé"), max_length=20, choices=FormatFacture.choices, blank=True
    )
    document_original = models.ForeignKey(
        "chorus.Document",
        verbose_name=_("fichier déposé"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The XAdES signature deposited with a signed PDF.
    document_signature = models.ForeignKey(
        "chorus.Document",
        verbose_name=_("fichier de signature"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Factur-X of a typed invoice, readable PDF of a deposited XML invoice (built by a task).
    document_rendu = models.ForeignKey(
        "chorus.Document",
        verbose_name=_("rendu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    document_certificat = models.ForeignKey(
        "chorus.Document",
        verbose_name=_("certificat de dépôt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    etat_controle = models.CharField(
        _("contrôles du fichier"),
        max_length=20,
        choices=EtatControle.choices,
        default=EtatControle.SANS_OBJET,
    )

    # Works pieces (travaux): their dossier and the piece they answer.
    dossier = models.ForeignKey(
        "travaux.DossierFacturation",
        verbose_name=_("dossier de facturation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pieces",
    )
    piece_precedente = models.ForeignKey(
        "self",
        verbose_name=_("pièce précédente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pieces_suivantes",
    )

    # Dates of the life cycle.
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    modifiee_le = models.DateTimeField(_("modifiée le"), auto_now=True)
    deposee_le = models.DateTimeField(_("déposée le"), null=True, blank=True, db_index=True)
    mise_a_disposition_le = models.DateTimeField(_("mise à disposition le"), null=True, blank=True)
    soumise_a_validation_le = models.DateTimeField(
        _("soumise à validation le"), null=True, blank=True
    )
    # Deadline of the current step (validator: 15 days; MOE: 7 days), swept by a beat task.
    echeance_action = models.DateTimeField(
        _("échéance de l'action attendue"), null=True, blank=True
    )

    objects = FactureQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-cree_le", "-id"]
        constraints = [
            # The duplicate rule (domain §5): one (supplier, number, year) once deposited.
            models.UniqueConstraint(
                fields=["fournisseur", "numero", "annee_facture"],
                condition=~Q(statut__in=["BROUILLON", "SUPPRIMEE"]),
                name="facture_numero_unique_par_fournisseur_et_annee",
            ),
            models.CheckConstraint(
                condition=Q(statut="BROUILLON")
                | Q(statut="SUPPRIMEE")
                | (~Q(numero="") & Q(date_facture__isnull=False)),
                name="facture_deposee_a_un_numero_et_une_date",
            ),
        ]
        indexes = [
            # The status alone, as a plain index: db_index would add a LIKE index nobody uses.
            models.Index(fields=["statut"], name="facture_statut"),
            models.Index(fields=["fournisseur", "statut"], name="facture_fournisseur_statut"),
            # Factures émises lists their invoices latest first (factures.suivi): this index
            # gives a page of 20 without sorting a supplier's 20,000 invoices.
            models.Index(fields=["fournisseur", "cree_le", "id"], name="facture_fournisseur_cree"),
            models.Index(
                fields=["destinataire", "statut", "deposee_le"],
                name="facture_destinataire_statut",
            ),
            models.Index(
                fields=["echeance_action"],
                condition=Q(echeance_action__isnull=False),
                name="facture_echeance_action",
            ),
            # Factures reçues, Synthèse: a structure's invoices to process (the statuses of
            # A_TRAITER_PAR_DESTINATAIRE), oldest deposit first, read in index order.
            models.Index(
                fields=["destinataire", "deposee_le"],
                condition=Q(statut__in=["MISE_A_DISPOSITION", "COMPLETEE"]),
                name="facture_recues_a_traiter",
            ),
        ]

    def __str__(self):
        return self.numero or _("Brouillon n° %(pk)s") % {"pk": self.pk}

    def save(self, *args, update_fields=None, **kwargs):
        self.annee_facture = self.date_facture.year if self.date_facture else None
        if update_fields is not None and "date_facture" in update_fields:
            update_fields = [*update_fields, "annee_facture"]
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def est_brouillon(self) -> bool:
        return self.statut == StatutFacture.BROUILLON

    def statut_pour_fournisseur(self) -> str:
        """The status label the supplier sees: a recipient with `statutMiseEnPaiement…
        NestPasRemonte` keeps MISE_EN_PAIEMENT to itself (the supplier sees the previous
        step)."""
        if (
            self.statut == StatutFacture.MISE_EN_PAIEMENT
            and self.destinataire is not None
            and self.destinataire.mise_en_paiement_non_remontee
        ):
            precedent = (
                self.historique.exclude(statut_avant=StatutFacture.MISE_EN_PAIEMENT)
                .filter(statut_apres=StatutFacture.MISE_EN_PAIEMENT)
                .values_list("statut_avant", flat=True)
                .last()
            )
            return StatutFacture(precedent or StatutFacture.MISE_A_DISPOSITION).label
        return self.get_statut_display()


class FactureHistorique(HistoriqueStatut):
    objet = models.ForeignKey(Facture, on_delete=models.PROTECT, related_name="historique")

    class Meta(HistoriqueStatut.Meta):
        verbose_name = _("historique d'une facture")
        verbose_name_plural = _("historiques des factures")


class AnnonceEnAttente(models.Model):
    """A status change still to be told (an outbox row): written in the transaction of the
    change by the engine (`consigner`), deleted by the sweep that tells it
    (`factures.services.notifications.annoncer_en_attente`). A change is never lost between
    its commit and its notifications, and the sweep tells many changes in a few queries."""

    historique = models.OneToOneField(
        FactureHistorique, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("changement à annoncer")
        verbose_name_plural = _("changements à annoncer")

    def __str__(self):
        return str(self.historique_id)


class LigneFacture(models.Model):
    """One line of an invoice (domain §5; EN 16931 BG-25)."""

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="lignes")
    ordre = models.PositiveIntegerField(_("ordre"), default=0)
    numero = models.CharField(_("numéro de ligne"), max_length=20, blank=True)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    designation = models.CharField(_("désignation"), max_length=500)
    quantite = models.DecimalField(_("quantité"), **QUANTITE)
    unite = models.CharField(_("unité"), max_length=20, blank=True)
    prix_unitaire_ht = models.DecimalField(_("prix unitaire HT"), **PRIX_UNITAIRE)
    remise_ht = models.DecimalField(_("remise HT"), default=ZERO, **MONTANT)
    categorie_tva = models.CharField(
        _("catégorie de TVA"), max_length=2, choices=CategorieTva.choices, default=CategorieTva.S
    )
    taux_tva = models.DecimalField(_("taux de TVA (%)"), default=ZERO, **TAUX)
    montant_ht = models.DecimalField(_("montant HT"), default=ZERO, **MONTANT)

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["facture", "ordre", "id"]

    def __str__(self):
        return self.designation


class LigneTva(models.Model):
    """One line of the VAT breakdown (EN 16931 BG-23), per category and rate."""

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="lignes_tva")
    categorie_tva = models.CharField(
        _("catégorie de TVA"), max_length=2, choices=CategorieTva.choices, default=CategorieTva.S
    )
    taux = models.DecimalField(_("taux (%)"), default=ZERO, **TAUX)
    base_ht = models.DecimalField(_("base HT"), **MONTANT)
    montant_tva = models.DecimalField(_("montant de TVA"), **MONTANT)
    motif_exoneration = models.CharField(_("motif d'exonération"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ligne du récapitulatif de TVA")
        verbose_name_plural = _("récapitulatif de TVA")
        ordering = ["facture", "categorie_tva", "taux"]

    def __str__(self):
        return f"{self.categorie_tva} {self.taux} %"


class PieceJointeFacture(models.Model):
    """An attachment of an invoice (≤ 10 Mo each, ≤ 120 Mo with the invoice, domain §5)."""

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="pieces_jointes")
    document = models.ForeignKey("chorus.Document", on_delete=models.PROTECT, related_name="+")
    libelle = models.CharField(_("libellé"), max_length=200, blank=True)
    ajoutee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ajoutee_le = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["facture", "ajoutee_le", "id"]

    def __str__(self):
        return self.libelle or self.document.nom


class Anomalie(models.Model):
    """A finding of the checks of a deposited file (factures.formats.donnees.Constat)."""

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="anomalies")
    regle = models.CharField(_("règle"), max_length=100)
    severite = models.CharField(_("sévérité"), max_length=20, choices=Severite.choices)
    source = models.CharField(_("source"), max_length=20, choices=SourceControle.choices)
    terme = models.CharField(_("terme EN 16931"), max_length=20, blank=True)
    champ = models.CharField(_("champ"), max_length=60, blank=True)
    message = models.TextField(_("message"))
    emplacement = models.CharField(_("emplacement"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("anomalie")
        verbose_name_plural = _("anomalies")
        ordering = ["facture", "severite", "regle", "id"]

    def __str__(self):
        return f"{self.regle} ({self.get_severite_display()})"


# --- Factures reçues: downloads by the recipient, returns the supplier acknowledges ----------


class TypeTelechargement(models.TextChoices):
    FACTURE = "FACTURE", _("Facture déposée")
    RENDU = "RENDU", _("Rendu de la facture")
    PIECE_JOINTE = "PIECE_JOINTE", _("Pièce jointe")


class Telechargement(models.Model):
    """One download of an invoice's file by a user of its recipient: the portal shows
    "téléchargée par le destinataire" and the recipient searches on it."""

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="telechargements")
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    type_document = models.CharField(
        _("document"), max_length=20, choices=TypeTelechargement.choices
    )
    piece_jointe = models.ForeignKey(
        PieceJointeFacture, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("téléchargement")
        verbose_name_plural = _("téléchargements")
        ordering = ["facture", "-date"]
        indexes = [models.Index(fields=["facture", "date"], name="telechargement_facture")]

    def __str__(self):
        return f"{self.facture} · {self.get_type_document_display()} · {self.date:%Y-%m-%d}"


class RetourQuerySet(models.QuerySet):
    def a_acquitter(self):
        """Returns not acknowledged yet, whose invoice still stands in the returned status
        (an invoice completed since then needs no acknowledgement any more)."""
        return self.filter(acquitte_le__isnull=True, facture__statut=models.F("statut"))


class Retour(models.Model):
    """An invoice the recipient sent back to the supplier: suspended or rejected (§6.1).

    The supplier acknowledges it (the dialog shown at sign-in, mandatory after 7 days) and,
    for a rejection, "traite le rejet", which takes it off his to-do list. Who did each,
    and when, is kept on the row: it is the log of these actions.
    """

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="retours")
    historique = models.OneToOneField(
        FactureHistorique, on_delete=models.PROTECT, related_name="retour"
    )
    statut = models.CharField(_("statut"), max_length=60, choices=StatutFacture.choices)
    cree_le = models.DateTimeField(_("retournée le"), default=timezone.now)
    acquitte_le = models.DateTimeField(_("acquittée le"), null=True, blank=True)
    acquitte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acquittée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    traite_le = models.DateTimeField(_("rejet traité le"), null=True, blank=True)
    traite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejet traité par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RetourQuerySet.as_manager()

    class Meta:
        verbose_name = _("retour au fournisseur")
        verbose_name_plural = _("retours au fournisseur")
        ordering = ["cree_le", "id"]
        indexes = [
            models.Index(
                fields=["facture"],
                condition=Q(acquitte_le__isnull=True) | Q(traite_le__isnull=True),
                name="retour_en_attente",
            )
        ]

    def __str__(self):
        return f"{self.facture} · {self.get_statut_display()}"
