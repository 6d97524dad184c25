"""What an invoice must satisfy before it is sent (domain §4–5.1), as a list of findings.

Each finding names the form field it concerns and, for deposited files, the EN 16931 term
(BT-10, BT-13…), so that the same rule reads well next to a typed field and in a message
about a file. Works pieces (the `travaux` app) call the same functions with their cadres.

- Number: at most 20 characters, letters, digits and `- _ / +` only; a date.
- Recipient: an active public structure; an active service of it if one is named; its
  parameters: service code required, engagement number (EJ) required, one of the two; and
  the service's own "engagement obligatoire".
- Cadre: A9/A12 name their first validator (titulaire / mandataire); only a sub-contractor
  (A9) may name a second one (the mandataire, when his titulaire is a co-contractor);
  A2 (already paid) leaves nothing to pay.
- Credit note (avoir): no payment mode. Exemption: a reason.
- A typed invoice has at least one line; at most 10,000.
- A deposited file's checks are over, and none of its findings blocks the sending.
- Duplicate: no other sent invoice of the supplier with the same number in the same year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, IntegerField
from django.db.models.expressions import RawSQL
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from factures.enums import (
    CADRES_AVEC_VALIDEUR,
    CADRES_SOUS_TRAITANT,
    Cadre,
    EtatControle,
    ModeDepot,
    ModePaiement,
    Severite,
    StatutFacture,
    TypeFacture,
    TypeTva,
)
from factures.models import Anomalie, Facture, LigneFacture
from structures.enums import StatutService, StatutStructure

NUMERO = re.compile(r"^[A-Za-z0-9_/+\-]{1,20}$")
LIGNES_MAX = 10_000
FORMATS_STRUCTURES = {"UBL", "CII", "FACTURX"}


@dataclass(frozen=True)
class Manque:
    champ: str
    message: str
    terme: str = ""

    def texte(self) -> str:
        """The message, prefixed with the business term when there is one."""
        return f"{self.terme} : {self.message}" if self.terme else self.message


def erreur(manques: list[Manque]) -> ValidationError:
    """A ValidationError keyed by field, for the forms."""
    par_champ: dict[str, list[str]] = {}
    for manque in manques:
        par_champ.setdefault(manque.champ or "__all__", []).append(manque.texte())
    return ValidationError(par_champ)


def numero_valide(numero: str) -> bool:
    return bool(NUMERO.match(numero or ""))


def message_numero() -> str:
    return _(
        "Le numéro de facture compte 20 caractères au plus : lettres sans accent, chiffres "
        "et les signes - _ / + uniquement."
    )


def parametres_destinataire(
    *, destinataire, service, numero_engagement: str, structuree: bool = False
) -> list[Manque]:
    """The recipient's parameters (and its service's) that the invoice does not meet."""
    if destinataire is None:
        return []
    nom = destinataire.raison_sociale
    terme_service = "BT-10" if structuree else ""
    terme_ej = "BT-13" if structuree else ""
    manques = []
    if destinataire.code_service_obligatoire and service is None:
        manques.append(
            Manque(
                "service_destinataire",
                _(
                    "le destinataire « %(nom)s » exige un code service : indiquez l'un de ses "
                    "services actifs."
                )
                % {"nom": nom},
                terme_service,
            )
        )
    if destinataire.numero_ej_obligatoire and not numero_engagement:
        manques.append(
            Manque(
                "numero_engagement",
                _("le destinataire « %(nom)s » exige un numéro d'engagement (bon de commande).")
                % {"nom": nom},
                terme_ej,
            )
        )
    if destinataire.code_service_ou_ej_obligatoire and service is None and not numero_engagement:
        manques.append(
            Manque(
                "numero_engagement",
                _(
                    "le destinataire « %(nom)s » exige un code service ou un numéro "
                    "d'engagement : indiquez au moins l'un des deux."
                )
                % {"nom": nom},
                f"{terme_service} / {terme_ej}" if structuree else "",
            )
        )
    if service is not None and service.engagement_obligatoire and not numero_engagement:
        manques.append(
            Manque(
                "numero_engagement",
                _("le service « %(code)s » du destinataire exige un numéro d'engagement.")
                % {"code": service.code},
                terme_ej,
            )
        )
    return manques


def _majuscule(manques: list[Manque]) -> list[Manque]:
    return [Manque(m.champ, m.message[:1].upper() + m.message[1:], m.terme) for m in manques]


def verifier_destinataire(facture: Facture, *, structuree: bool = False) -> list[Manque]:
    destinataire, service = facture.destinataire, facture.service_destinataire
    terme = "BT-47" if structuree else ""
    if destinataire is None:
        return [
            Manque(
                "destinataire",
                _("Choisissez le destinataire de la facture dans l'annuaire."),
                terme,
            )
        ]
    manques = []
    if not destinataire.est_publique or destinataire.statut != StatutStructure.ACTIVE:
        manques.append(
            Manque(
                "destinataire",
                _("Le destinataire « %(nom)s » n'est pas une entité publique active.")
                % {"nom": destinataire.raison_sociale},
                terme,
            )
        )
    if service is not None and (
        service.structure_id != destinataire.pk or service.statut != StatutService.ACTIF
    ):
        manques.append(
            Manque(
                "service_destinataire",
                _("Le service « %(code)s » n'est pas un service actif du destinataire.")
                % {"code": service.code},
                "BT-10" if structuree else "",
            )
        )
    manques += _majuscule(
        parametres_destinataire(
            destinataire=destinataire,
            service=service,
            numero_engagement=facture.numero_engagement,
            structuree=structuree,
        )
    )
    return manques


def verifier_cadre(facture: Facture) -> list[Manque]:
    manques = []
    if facture.cadre in CADRES_AVEC_VALIDEUR and facture.valideur_1_id is None:
        if facture.cadre in CADRES_SOUS_TRAITANT:
            texte = _(
                "Une facture de sous-traitant est d'abord validée par le titulaire du "
                "marché : indiquez son identifiant."
            )
        else:
            texte = _(
                "Une facture de cotraitant est d'abord validée par le mandataire du "
                "groupement : indiquez son identifiant."
            )
        manques.append(Manque("identifiant_valideur_1", texte))
    if facture.cadre not in CADRES_AVEC_VALIDEUR and facture.valideur_1_id is not None:
        manques.append(
            Manque(
                "identifiant_valideur_1",
                _("Ce cadre de facturation n'a pas de valideur : effacez l'identifiant."),
            )
        )
    if facture.valideur_2_id is not None and facture.cadre not in CADRES_SOUS_TRAITANT:
        manques.append(
            Manque(
                "identifiant_valideur_2",
                _("Seule une facture de sous-traitant peut avoir un second valideur."),
            )
        )
    for champ, valideur in (
        ("identifiant_valideur_1", facture.valideur_1),
        ("identifiant_valideur_2", facture.valideur_2),
    ):
        if valideur is not None and valideur.pk == facture.fournisseur_id:
            manques.append(Manque(champ, _("Le valideur ne peut pas être votre structure.")))
        elif valideur is not None and valideur.statut != StatutStructure.ACTIVE:
            manques.append(
                Manque(champ, _("La structure « %(nom)s » est inactive.") % {"nom": valideur})
            )
    if facture.cadre == Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE and facture.montant_a_payer != 0:
        manques.append(
            Manque(
                "cadre",
                _("Une facture déjà payée (cadre A2) a un montant à payer nul."),
                "BT-115" if facture.format_depot in FORMATS_STRUCTURES else "",
            )
        )
    return manques


def verifier_donnees(facture: Facture, *, nombre_de_lignes: int) -> list[Manque]:
    structuree = facture.format_depot in FORMATS_STRUCTURES
    manques = []
    if not facture.numero:
        manques.append(
            Manque("numero", _("Indiquez le numéro de la facture."), _t("BT-1", structuree))
        )
    elif not numero_valide(facture.numero):
        manques.append(Manque("numero", message_numero(), _t("BT-1", structuree)))
    if facture.date_facture is None:
        manques.append(
            Manque("date_facture", _("Indiquez la date de la facture."), _t("BT-2", structuree))
        )
    if facture.type_facture == TypeFacture.AVOIR and facture.mode_paiement:
        manques.append(
            Manque(
                "mode_paiement", _("Un avoir n'a pas de mode de paiement."), _t("BT-81", structuree)
            )
        )
    if facture.type_tva == TypeTva.EXONERATION and not facture.motif_exoneration:
        manques.append(
            Manque(
                "motif_exoneration",
                _("Indiquez le motif de l'exonération de TVA."),
                _t("BT-120", structuree),
            )
        )
    if facture.montant_remise_globale_ttc and not facture.motif_remise_globale:
        manques.append(Manque("motif_remise_globale", _("Indiquez le motif de la remise globale.")))
    if facture.mode_depot == ModeDepot.SAISIE_PORTAIL:
        # What the Factur-X of a typed invoice needs (EN 16931 BR-61, the discount's base).
        if not 0 <= facture.montant_remise_globale_ttc <= max(facture.montant_ttc, 0):
            manques.append(
                Manque(
                    "montant_remise_globale_ttc",
                    _("La remise globale est comprise entre zéro et le montant TTC."),
                )
            )
        if facture.mode_paiement == ModePaiement.VIREMENT and not facture.coordonnee_bancaire_id:
            manques.append(
                Manque(
                    "coordonnee_bancaire",
                    _(
                        "Un paiement par virement demande vos coordonnées bancaires : "
                        "choisissez-les (elles se gèrent dans l'espace Organisation)."
                    ),
                )
            )
    if facture.mode_depot == ModeDepot.SAISIE_PORTAIL and nombre_de_lignes == 0:
        manques.append(Manque("__all__", _("Saisissez au moins une ligne de facture.")))
    if nombre_de_lignes > LIGNES_MAX:
        manques.append(
            Manque(
                "__all__",
                _("Une facture compte au plus %(max)s lignes.")
                % {"max": number_format(LIGNES_MAX, force_grouping=True)},
                _t("BG-25", structuree),
            )
        )
    if (
        facture.coordonnee_bancaire_id
        and facture.coordonnee_bancaire.structure_id != facture.fournisseur_id
    ):
        manques.append(
            Manque(
                "coordonnee_bancaire",
                _("Ces coordonnées bancaires ne sont pas celles du fournisseur."),
            )
        )
    return manques


def _t(terme: str, structuree: bool) -> str:
    return terme if structuree else ""


def verifier_controles(facture: Facture) -> list[Manque]:
    """A deposited file whose checks are not over, or found a blocking error, is not sent."""
    if facture.etat_controle == EtatControle.EN_COURS:
        return [
            Manque(
                "__all__",
                _(
                    "Les contrôles du fichier déposé sont en cours : attendez leur résultat "
                    "(quelques secondes) avant d'envoyer la facture."
                ),
            )
        ]
    if facture.etat_controle == EtatControle.ECHEC:
        return [
            Manque(
                "__all__",
                _(
                    "Les contrôles du fichier déposé n'ont pas pu aboutir : supprimez ce "
                    "brouillon et déposez le fichier à nouveau."
                ),
            )
        ]
    bloquantes = getattr(facture, "envoi_bloquantes", None)
    if bloquantes is None:
        bloquantes = facture.anomalies.filter(severite=Severite.BLOQUANTE).count()
    if bloquantes:
        return [
            Manque(
                "__all__",
                _(
                    "Le fichier comporte %(n)s erreur(s) bloquante(s) : corrigez-le et "
                    "déposez-le à nouveau."
                )
                % {"n": bloquantes},
            )
        ]
    return []


def _envoyees_du_meme_numero(fournisseur_id, numero, annee, sauf):
    return (
        Facture.objects.filter(fournisseur_id=fournisseur_id, numero=numero, annee_facture=annee)
        .exclude(statut__in=[StatutFacture.BROUILLON, StatutFacture.SUPPRIMEE])
        .exclude(pk=sauf)
        .order_by("deposee_le", "pk")
    )


def doublon_de(facture: Facture) -> Facture | None:
    """Another invoice of the same supplier, same number and year, already sent."""
    if not facture.numero or facture.date_facture is None:
        return None
    return (
        _envoyees_du_meme_numero(
            facture.fournisseur_id, facture.numero, facture.date_facture.year, facture.pk
        )
        # Checked at every deposit and sending, found rarely: what the messages name, the
        # other fields on access.
        .only("numero", "annee_facture", "deposee_le", "statut", "cadre", "destinataire", "dossier")
        .first()
    )


def message_doublon(existante: Facture) -> str:
    deposee = (
        date_format(existante.deposee_le, "SHORT_DATE_FORMAT") if existante.deposee_le else "—"
    )
    return _(
        "Doublon : la facture n° %(numero)s de %(annee)s a déjà été déposée le %(date)s par "
        "votre structure (statut : %(statut)s). Une facture ne peut être déposée qu'une fois : "
        "changez le numéro s'il s'agit d'une autre facture."
    ) % {
        "numero": existante.numero,
        "annee": existante.annee_facture,
        "date": deposee,
        "statut": existante.statut_pour_fournisseur(),
    }


@functools.cache
def _comptes_de_l_envoi() -> dict:
    """The three subqueries of the sending's read, written as SQL once: compiled by the ORM
    at every sending, they cost about 4 ms of Python, several times what PostgreSQL takes
    to run them. The duplicate is the rule of `_envoyees_du_meme_numero` (the tests of the
    sending and of the deposit hold both to the same cases)."""
    f = Facture._meta.db_table

    def col(modele, champ):
        return modele._meta.get_field(champ).column

    def sql(modele):
        return modele._meta.db_table

    return {
        "envoi_nombre_lignes": RawSQL(
            f"SELECT count(*) FROM {sql(LigneFacture)} l "
            f"WHERE l.{col(LigneFacture, 'facture')} = {f}.id",
            (),
            output_field=IntegerField(),
        ),
        "envoi_bloquantes": RawSQL(
            f"SELECT count(*) FROM {sql(Anomalie)} a "
            f"WHERE a.{col(Anomalie, 'facture')} = {f}.id AND a.{col(Anomalie, 'severite')} = %s",
            (Severite.BLOQUANTE,),
            output_field=IntegerField(),
        ),
        "envoi_doublon_id": RawSQL(
            f"SELECT d.id FROM {f} d WHERE d.{col(Facture, 'fournisseur')} = "
            f"{f}.{col(Facture, 'fournisseur')} AND d.numero = {f}.numero "
            f"AND d.annee_facture = {f}.annee_facture AND d.statut NOT IN (%s, %s) "
            f"AND d.id <> {f}.id LIMIT 1",
            (StatutFacture.BROUILLON, StatutFacture.SUPPRIMEE),
            output_field=BigIntegerField(),
        ),
    }


def avec_les_comptes_de_l_envoi(factures):
    """`factures` with what `verifier_avant_envoi` counts read in the same query: the
    lines, the blocking findings, the duplicate already sent (its id). The sending reads
    the draft once under lock, instead of four queries."""
    return factures.annotate(**_comptes_de_l_envoi())


def verifier_avant_envoi(facture: Facture) -> list[Manque]:
    """Every finding that keeps the invoice from being sent (an empty list: it may go).
    An invoice read through `avec_les_comptes_de_l_envoi` is checked without a query."""
    structuree = facture.format_depot in FORMATS_STRUCTURES
    nombre_de_lignes = getattr(facture, "envoi_nombre_lignes", None)
    if nombre_de_lignes is None:
        nombre_de_lignes = facture.lignes.count()
    manques = [
        *verifier_donnees(facture, nombre_de_lignes=nombre_de_lignes),
        *verifier_destinataire(facture, structuree=structuree),
        *verifier_cadre(facture),
        *verifier_controles(facture),
    ]
    if not hasattr(facture, "envoi_doublon_id"):
        existante = doublon_de(facture)
    elif facture.envoi_doublon_id is not None and facture.date_facture is not None:
        existante = doublon_de(facture)  # found: read what the message names
    else:
        existante = None
    if existante is not None:
        manques.append(Manque("numero", message_doublon(existante)))
    return manques
