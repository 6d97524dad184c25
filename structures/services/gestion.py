"""Writes of a structure's management pages: its data and parameters, services, bank details,
attachments and open spaces. One transaction each; the acting user must be a gestionnaire of
the structure (GP or *Organisation – modification*).

The business rules live here and raise `ValidationError` keyed by form field, so a view can
put each message on the field concerned; value checks (IBAN, BIC, RIB key…) live in
`structures.validation` and are used by the forms.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils.translation import gettext as _

from chorus import documents, notifications
from chorus.models import Document
from habilitations import acces
from habilitations.enums import Application
from structures.enums import StatutCoordonnee, StatutService
from structures.models import CoordonneeBancaire, PieceJointeStructure, Service, Structure

# Structure attachments: ≤ 4 Mo each, any extension of the domain's list (domain §2).
PIECE_JOINTE_TAILLE_MAX = 4 * 1024 * 1024
PIECE_JOINTE_TYPES = documents.EXTENSIONS_AUTORISEES
# A RIB document is a PDF or an image.
RIB_TYPES = frozenset({"pdf", "png", "jpg", "jpeg"})

# The general data of a structure, as the structure form shows them.
CHAMPS_GENERAUX = [
    "raison_sociale",
    "libelle",
    "nom",
    "prenom",
    "rcs",
    "tva_intracommunautaire",
    "email",
    "telephone",
    "adresse",
    "adresse_complement_1",
    "adresse_complement_2",
    "code_postal",
    "ville",
    "pays",
    "non_diffusible",
]
CHAMPS_STRUCTURE = [*CHAMPS_GENERAUX, "double_authentification_obligatoire"]
PARAMETRES_PUBLICS = [
    "code_service_obligatoire",
    "numero_ej_obligatoire",
    "code_service_ou_ej_obligatoire",
    "mise_en_paiement_non_remontee",
    "reception_edi",
    "presence_moa",
]
CHAMPS_SERVICE = [
    "code",
    "libelle",
    "description",
    "date_debut",
    "date_fin",
    "engagement_obligatoire",
    "adresse",
    "code_postal",
    "ville",
]
CHAMPS_COORDONNEE = [
    "libelle",
    "type_coordonnee",
    "pays",
    "iban",
    "bic",
    "code_banque",
    "code_guichet",
    "numero_compte",
    "cle_rib",
    "affactureur_raison_sociale",
    "affactureur_pays",
    "affactureur_type_identifiant",
    "affactureur_identifiant",
]


def _exiger_gestionnaire(user, structure: Structure) -> None:
    if not acces.est_gestionnaire(user, structure):
        raise PermissionDenied


def _verrouiller(structure: Structure) -> Structure:
    """Locks the structure's row: writes about its services or spaces go one at a time."""
    return Structure.objects.select_for_update().get(pk=structure.pk)


def _appliquer(objet, donnees: dict[str, Any], champs: list[str]) -> list[str]:
    modifies = [c for c in champs if c in donnees]
    for champ in modifies:
        setattr(objet, champ, donnees[champ])
    return modifies


# --- Structure ---------------------------------------------------------------------------


def verifier_parametres(
    *, numero_ej_obligatoire: bool, code_service_obligatoire: bool, ou_l_un_ou_l_autre: bool
) -> None:
    """« Code service ou numéro d'engagement » asks for at least one of the two: it makes no
    sense together with a parameter that already requires one of them."""
    if ou_l_un_ou_l_autre and numero_ej_obligatoire:
        raise ValidationError(
            {
                "code_service_ou_ej_obligatoire": _(
                    "Ce paramètre ne peut pas être coché avec « numéro d'engagement "
                    "obligatoire », qui l'englobe déjà."
                )
            }
        )
    if ou_l_un_ou_l_autre and code_service_obligatoire:
        raise ValidationError(
            {
                "code_service_ou_ej_obligatoire": _(
                    "Ce paramètre ne peut pas être coché avec « code service obligatoire », "
                    "qui l'englobe déjà."
                )
            }
        )


@transaction.atomic
def structure_modifier(*, structure: Structure, acting_user, donnees: dict[str, Any]) -> Structure:
    """Changes the general data, address and (public structures) parameters. The identifier is
    never changed here: a change of SIRET is its own procedure."""
    _exiger_gestionnaire(acting_user, structure)
    structure = _verrouiller(structure)
    champs = CHAMPS_STRUCTURE + (PARAMETRES_PUBLICS if structure.est_publique else [])
    modifies = _appliquer(structure, donnees, champs)
    verifier_parametres(
        numero_ej_obligatoire=structure.numero_ej_obligatoire,
        code_service_obligatoire=structure.code_service_obligatoire,
        ou_l_un_ou_l_autre=structure.code_service_ou_ej_obligatoire,
    )
    structure.save(update_fields=modifies)
    return structure


@transaction.atomic
def structure_espaces_modifier(
    *, structure: Structure, acting_user, applications: list[str]
) -> Structure:
    """Opens the spaces listed, closes the others. At least one stays open, and Organisation
    always: without it nobody could manage the structure any more."""
    _exiger_gestionnaire(acting_user, structure)
    choisies = [a for a in Application if a in set(applications)]
    if not choisies:
        raise ValidationError(
            {"applications": _("Au moins un espace doit rester ouvert pour la structure.")}
        )
    if Application.ORGANISATION not in choisies:
        raise ValidationError(
            {
                "applications": _(
                    "L'espace Organisation reste ouvert : sans lui, plus personne ne pourrait "
                    "gérer la structure."
                )
            }
        )
    structure = _verrouiller(structure)
    structure.applications_ouvertes = [str(a) for a in choisies]
    structure.save(update_fields=["applications_ouvertes"])
    acces.oublier_droits(acting_user)
    return structure


# --- Services ----------------------------------------------------------------------------


def _verifier_service(structure: Structure, service: Service) -> None:
    erreurs = {}
    doublon = structure.services.filter(code__iexact=service.code)
    if service.pk:
        doublon = doublon.exclude(pk=service.pk)
    if doublon.exists():
        erreurs["code"] = _(
            "Le code « %(code)s » est déjà utilisé par un autre service de cette structure."
        ) % {"code": service.code}
    if service.date_fin and service.date_debut and service.date_fin < service.date_debut:
        erreurs["date_fin"] = _(
            "La date de fin d'activation doit être postérieure ou égale à la date de début."
        )
    if erreurs:
        raise ValidationError(erreurs)


def _enregistrer_service(service: Service, **kwargs) -> None:
    try:
        with transaction.atomic():
            service.save(**kwargs)
    except IntegrityError as erreur:  # the same code typed twice at the same moment
        raise ValidationError(
            {"code": _("Ce code est déjà utilisé par un autre service de cette structure.")}
        ) from erreur


@transaction.atomic
def service_creer(*, structure: Structure, acting_user, donnees: dict[str, Any]) -> Service:
    _exiger_gestionnaire(acting_user, structure)
    structure = _verrouiller(structure)
    service = Service(structure=structure)
    _appliquer(service, donnees, CHAMPS_SERVICE)
    _verifier_service(structure, service)
    _enregistrer_service(service)
    return service


@transaction.atomic
def service_modifier(*, service: Service, acting_user, donnees: dict[str, Any]) -> Service:
    _exiger_gestionnaire(acting_user, service.structure)
    structure = _verrouiller(service.structure)
    service = Service.objects.select_for_update().get(pk=service.pk)
    modifies = _appliquer(service, donnees, CHAMPS_SERVICE)
    _verifier_service(structure, service)
    _enregistrer_service(service, update_fields=modifies)
    return service


@transaction.atomic
def service_activer(*, service: Service, acting_user) -> Service:
    _exiger_gestionnaire(acting_user, service.structure)
    _verrouiller(service.structure)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.statut == StatutService.ACTIF:
        raise ValidationError(_("Ce service est déjà actif."), code="deja_actif")
    service.statut = StatutService.ACTIF
    service.save(update_fields=["statut"])
    return service


@transaction.atomic
def service_desactiver(*, service: Service, acting_user) -> Service:
    """Deactivates a service; a structure keeps at least one active service."""
    _exiger_gestionnaire(acting_user, service.structure)
    structure = _verrouiller(service.structure)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.statut == StatutService.INACTIF:
        raise ValidationError(_("Ce service est déjà inactif."), code="deja_inactif")
    autres_actifs = structure.services.filter(statut=StatutService.ACTIF).exclude(pk=service.pk)
    if not autres_actifs.exists():
        raise ValidationError(
            _(
                "Ce service est le dernier service actif de la structure : une structure "
                "garde au moins un service actif. Créez ou activez-en un autre d'abord."
            ),
            code="dernier_service_actif",
        )
    service.statut = StatutService.INACTIF
    service.save(update_fields=["statut"])
    return service


# --- Bank details ------------------------------------------------------------------------


def _coordonnees_notifier(coordonnee: CoordonneeBancaire, *, action: str, acting_user) -> None:
    """Tells the GP that the structure's bank details changed: a safeguard against a diverted
    payment, sent whatever his notification choices."""
    structure = coordonnee.structure
    if structure.gestionnaire_principal is None:
        return
    notifications.emettre(
        type="structures.gestion_coordonnees_bancaires",
        destinataires=[structure.gestionnaire_principal],
        contexte={
            "action": action,
            "structure": structure.raison_sociale,
            "libelle": coordonnee.libelle,
            "auteur": acting_user.get_full_name(),
        },
        lien=reverse("structures:coordonnees", args=[structure.pk]),
        ignorer_preferences=True,
    )


def _enregistrer_rib(fichier: UploadedFile, acting_user) -> Document:
    try:
        return documents.enregistrer(fichier, types_autorises=RIB_TYPES, depose_par=acting_user)
    except documents.DocumentRefuse as refus:
        raise ValidationError({"document_rib": refus.messages}) from refus


@transaction.atomic
def coordonnee_creer(
    *,
    structure: Structure,
    acting_user,
    donnees: dict[str, Any],
    document_rib: UploadedFile,
) -> CoordonneeBancaire:
    """Adds bank details, with their RIB document (required, PDF or image)."""
    _exiger_gestionnaire(acting_user, structure)
    if document_rib is None:
        raise ValidationError({"document_rib": _("Joignez le RIB (PDF ou image).")})
    coordonnee = CoordonneeBancaire(structure=structure)
    _appliquer(coordonnee, donnees, CHAMPS_COORDONNEE)
    document = _enregistrer_rib(document_rib, acting_user)
    coordonnee.document_rib = document
    try:
        coordonnee.save()
    except BaseException:
        document.fichier.delete(save=False)
        raise
    _coordonnees_notifier(coordonnee, action="ajout", acting_user=acting_user)
    return coordonnee


@transaction.atomic
def coordonnee_modifier(
    *,
    coordonnee: CoordonneeBancaire,
    acting_user,
    donnees: dict[str, Any],
    document_rib: UploadedFile | None = None,
) -> CoordonneeBancaire:
    """Changes active bank details; a new RIB document replaces the old one."""
    _exiger_gestionnaire(acting_user, coordonnee.structure)
    coordonnee = CoordonneeBancaire.objects.select_for_update().get(pk=coordonnee.pk)
    if coordonnee.statut != StatutCoordonnee.ACTIVE:
        raise ValidationError(
            _("Ces coordonnées bancaires sont désactivées : elles ne peuvent plus être modifiées."),
            code="inactive",
        )
    modifies = _appliquer(coordonnee, donnees, CHAMPS_COORDONNEE)
    if document_rib is not None:
        coordonnee.document_rib = _enregistrer_rib(document_rib, acting_user)
        modifies.append("document_rib")
    coordonnee.save(update_fields=modifies)
    _coordonnees_notifier(coordonnee, action="modification", acting_user=acting_user)
    return coordonnee


@transaction.atomic
def coordonnee_desactiver(*, coordonnee: CoordonneeBancaire, acting_user) -> CoordonneeBancaire:
    _exiger_gestionnaire(acting_user, coordonnee.structure)
    coordonnee = CoordonneeBancaire.objects.select_for_update().get(pk=coordonnee.pk)
    if coordonnee.statut == StatutCoordonnee.INACTIVE:
        raise ValidationError(
            _("Ces coordonnées bancaires sont déjà désactivées."), code="deja_inactive"
        )
    coordonnee.statut = StatutCoordonnee.INACTIVE
    coordonnee.save(update_fields=["statut"])
    _coordonnees_notifier(coordonnee, action="desactivation", acting_user=acting_user)
    return coordonnee


# --- Structure attachments ---------------------------------------------------------------


@transaction.atomic
def piece_jointe_ajouter(
    *, structure: Structure, acting_user, libelle: str, fichier: UploadedFile
) -> PieceJointeStructure:
    """Adds a document the structure's users can reuse (≤ 4 Mo, the domain's extensions)."""
    _exiger_gestionnaire(acting_user, structure)
    try:
        document = documents.enregistrer(
            fichier,
            types_autorises=PIECE_JOINTE_TYPES,
            depose_par=acting_user,
            taille_max=PIECE_JOINTE_TAILLE_MAX,
        )
    except documents.DocumentRefuse as refus:
        raise ValidationError({"fichier": refus.messages}) from refus
    try:
        return PieceJointeStructure.objects.create(
            structure=structure, document=document, libelle=libelle, ajoutee_par=acting_user
        )
    except BaseException:
        document.fichier.delete(save=False)
        raise


@transaction.atomic
def piece_jointe_supprimer(*, piece: PieceJointeStructure, acting_user) -> None:
    """Removes the attachment; its file goes too, unless something else still uses it."""
    _exiger_gestionnaire(acting_user, piece.structure)
    document = piece.document
    piece.delete()
    try:
        with transaction.atomic():
            document.delete()
    except ProtectedError:  # reused elsewhere (an invoice): keep the document
        return
    fichier = document.fichier
    transaction.on_commit(lambda: fichier.storage.delete(fichier.name))
