"""Mon compte: every write a user makes about himself, and the rules behind them.

The rules, in words:
- A gestionnaire principal (GP) of an active structure cannot opt out of notifications: he
  must receive the invoices' e-mails.
- Two-factor authentication (TOTP) is available to everyone; a structure may make it
  mandatory for its users, who then cannot switch it off.
- A user asks to be attached to a structure (or one of its active services); one pending or
  active attachment per (structure, service). The GP is told.
- A GP cannot detach himself from his own structure, nor deactivate his account, while he
  holds the role: he transfers it first.
- Detaching removes the habilitations no active attachment covers any more.
- A user asks for a space the structure opens, in consultation or modification; one pending
  request per (structure, service, space). The GP is told.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus import notifications
from habilitations import acces
from habilitations.circuits import DEMANDE_HABILITATION, RATTACHEMENT
from habilitations.enums import (
    ActionDemandeHabilitation,
    ActionRattachement,
    Application,
    Niveau,
    StatutDemandeHabilitation,
    StatutRattachement,
)
from habilitations.models import DemandeHabilitation, Habilitation, Rattachement, Utilisateur
from structures.enums import StatutService, StatutStructure
from structures.models import Service, Structure

LIEN_APPROBATIONS = "/organisation/"
EN_COURS = [StatutRattachement.EN_ATTENTE, StatutRattachement.ACTIF]


# --- Mes informations -------------------------------------------------------------------


def structures_gerees_actives(utilisateur: Utilisateur):
    """The active structures whose GP is `utilisateur`."""
    return Structure.objects.actives().filter(gestionnaire_principal=utilisateur)


def notifications_obligatoires(utilisateur: Utilisateur) -> bool:
    """A GP of an active structure must receive the invoices' notifications."""
    return structures_gerees_actives(utilisateur).exists()


@transaction.atomic
def compte_modifier(
    *,
    utilisateur: Utilisateur,
    email_contact: str,
    prenom: str,
    nom: str,
    telephone: str,
    telephone_mobile: str,
    langue: str,
    notifications_actives: bool,
) -> Utilisateur:
    """Saves the user's own contact data and preferences."""
    if not notifications_actives and notifications_obligatoires(utilisateur):
        raise ValidationError(
            {
                "notifications_actives": _(
                    "En tant que gestionnaire principal, vous ne pouvez pas refuser les "
                    "notifications des factures."
                )
            }
        )
    utilisateur.email_contact = email_contact or utilisateur.email
    utilisateur.prenom = prenom
    utilisateur.nom = nom
    utilisateur.telephone = telephone
    utilisateur.telephone_mobile = telephone_mobile
    utilisateur.langue = langue
    utilisateur.notifications_actives = notifications_actives
    utilisateur.save(
        update_fields=[
            "email_contact",
            "prenom",
            "nom",
            "telephone",
            "telephone_mobile",
            "langue",
            "notifications_actives",
        ]
    )
    return utilisateur


@transaction.atomic
def compte_desactiver(*, utilisateur: Utilisateur) -> None:
    """Deactivates the user's own account; refused while he is GP of an active structure."""
    utilisateur = Utilisateur.objects.select_for_update().get(pk=utilisateur.pk)
    gerees = list(structures_gerees_actives(utilisateur).values_list("raison_sociale", flat=True))
    if gerees:
        raise ValidationError(
            _(
                "Vous êtes gestionnaire principal de « %(structures)s » : transférez d'abord "
                "ce rôle à un autre utilisateur, puis désactivez votre compte."
            )
            % {"structures": ", ".join(gerees)}
        )
    utilisateur.is_active = False
    utilisateur.desactive_le = timezone.now()
    utilisateur.save(update_fields=["is_active", "desactive_le"])


# --- Two-factor authentication ----------------------------------------------------------


def appareil_confirme(utilisateur: Utilisateur) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=utilisateur, confirmed=True).first()


def double_authentification_obligatoire(utilisateur: Utilisateur) -> bool:
    """Does one of the user's active structures make two-factor authentication mandatory?"""
    return (
        Structure.objects.actives()
        .filter(double_authentification_obligatoire=True)
        .filter(
            Q(gestionnaire_principal=utilisateur)
            | Q(
                rattachements__utilisateur=utilisateur,
                rattachements__statut=StatutRattachement.ACTIF,
            )
        )
        .exists()
    )


def secret_lisible(appareil: TOTPDevice) -> str:
    """The secret in base 32, in groups of four, for manual entry in an application."""
    secret = b32encode(appareil.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def double_authentification_preparer(
    *, utilisateur: Utilisateur, renouveler: bool = False
) -> TOTPDevice:
    """The unconfirmed device being set up: the existing one, or a new secret."""
    en_cours = TOTPDevice.objects.filter(user=utilisateur, confirmed=False)
    if not renouveler:
        appareil = en_cours.order_by("-pk").first()
        if appareil is not None:
            return appareil
    en_cours.delete()
    return TOTPDevice.objects.create(
        user=utilisateur, name=_("Application d'authentification"), confirmed=False
    )


class CodeRefuse(Exception):
    """A one-time code that does not verify; `message` is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CodeTropRapide(CodeRefuse):
    """Codes typed too fast after failures (django-otp's throttling): not a wrong code."""


def code_requis_a_la_connexion(utilisateur: Utilisateur) -> bool:
    """After his password, must the user type a code (or set up an application first)?"""
    return appareil_confirme(utilisateur) is not None or double_authentification_obligatoire(
        utilisateur
    )


def code_verifier(*, appareil: TOTPDevice, code: str) -> None:
    """Checks a one-time code on the device (locked); raises `CodeRefuse`."""
    with transaction.atomic():
        appareil = TOTPDevice.objects.select_for_update().get(pk=appareil.pk)
        permis, _details = appareil.verify_is_allowed()
        if not permis:
            raise CodeTropRapide(
                _("Trop d'essais rapprochés : patientez quelques secondes avant de réessayer.")
            )
        if appareil.verify_token(code):
            return
    raise CodeRefuse(
        _(
            "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché en ce moment "
            "par votre application."
        )
    )


def double_authentification_confirmer(
    *, utilisateur: Utilisateur, appareil: TOTPDevice, code: str
) -> TOTPDevice:
    """Activates the device being set up once the user typed a valid code from it.

    Not one transaction on purpose: a wrong code must still count for throttling."""
    if appareil.user_id != utilisateur.pk or appareil.confirmed:
        raise CodeRefuse(_("Cette configuration n'est plus valable ; recommencez."))
    code_verifier(appareil=appareil, code=code)
    with transaction.atomic():
        # One active device per user: the new one replaces any other.
        TOTPDevice.objects.filter(user=utilisateur).exclude(pk=appareil.pk).delete()
        appareil.refresh_from_db()
        appareil.confirmed = True
        appareil.save(update_fields=["confirmed"])
    return appareil


@transaction.atomic
def double_authentification_desactiver(*, utilisateur: Utilisateur) -> None:
    """Removes the user's devices; refused when one of his structures requires them."""
    if double_authentification_obligatoire(utilisateur):
        raise ValidationError(
            _(
                "Une de vos structures rend la double authentification obligatoire : "
                "vous ne pouvez pas la désactiver."
            )
        )
    TOTPDevice.objects.filter(user=utilisateur).delete()


# --- Mes rattachements ------------------------------------------------------------------


def structures_par_identifiant(identifiant: str):
    """Active structures whose identifier is exactly `identifiant` (spaces ignored)."""
    valeur = "".join(identifiant.split())
    if not valeur:
        return Structure.objects.none()
    return Structure.objects.actives().filter(identifiant__iexact=valeur)


def services_actifs(structure: Structure):
    return structure.services.filter(statut=StatutService.ACTIF).order_by("code")


def _notifier_gp(structure: Structure, type: str, contexte: dict) -> None:
    if structure.gestionnaire_principal_id is None:
        return
    notifications.emettre(
        type=type,
        destinataires=[structure.gestionnaire_principal],
        contexte=contexte,
        lien=LIEN_APPROBATIONS,
    )


@transaction.atomic
def compte_rattachement_demander(
    *,
    utilisateur: Utilisateur,
    structure: Structure,
    service: Service | None = None,
    commentaire: str = "",
) -> Rattachement:
    """Asks to be attached to `structure` (or to one of its active services); tells its GP."""
    if structure.statut != StatutStructure.ACTIVE:
        raise ValidationError(_("Cette structure est inactive : on ne peut plus s'y rattacher."))
    if service is not None and (
        service.structure_id != structure.pk or service.statut != StatutService.ACTIF
    ):
        raise ValidationError({"service": _("Choisissez un service actif de cette structure.")})
    en_cours = Rattachement.objects.filter(
        utilisateur=utilisateur, structure=structure, statut__in=EN_COURS
    )
    if en_cours.filter(service__isnull=True, statut=StatutRattachement.ACTIF).exists():
        raise ValidationError({"service": _("Vous êtes déjà rattaché à toute cette structure.")})
    if structure.gestionnaire_principal_id == utilisateur.pk:
        raise ValidationError(
            {"service": _("Vous êtes le gestionnaire principal de cette structure.")}
        )
    doublon = en_cours.filter(service=service).first()
    if doublon is not None:
        raise ValidationError({"service": _message_doublon(doublon)})
    try:
        with transaction.atomic():
            rattachement = Rattachement.objects.create(
                utilisateur=utilisateur,
                structure=structure,
                service=service,
                commentaire=commentaire.strip(),
            )
    except IntegrityError:  # the same request sent twice at once
        raise ValidationError(
            {"service": _("Une demande identique vient d'être enregistrée.")}
        ) from None
    _notifier_gp(
        structure,
        "habilitations.compte_demande_rattachement",
        {
            "demandeur": utilisateur.get_full_name(),
            "demandeur_email": utilisateur.email,
            "structure": structure.raison_sociale,
            "service": str(service) if service else "",
            "commentaire": rattachement.commentaire,
        },
    )
    return rattachement


def _message_doublon(rattachement: Rattachement) -> str:
    if rattachement.statut == StatutRattachement.ACTIF:
        return _("Vous êtes déjà rattaché à ce périmètre.")
    return _("Vous avez déjà une demande en attente pour ce périmètre.")


@transaction.atomic
def compte_rattachement_annuler(*, rattachement: Rattachement, acting_user: Utilisateur):
    """Withdraws one's own pending attachment request."""
    return RATTACHEMENT.appliquer(
        rattachement, action=ActionRattachement.ANNULER, acteur=acting_user
    )


def peut_se_detacher(utilisateur: Utilisateur, rattachement: Rattachement) -> str | None:
    """None if the user may detach himself; else the reason, for the user."""
    if rattachement.structure.gestionnaire_principal_id == utilisateur.pk:
        return _(
            "Vous êtes le gestionnaire principal de cette structure : transférez d'abord ce "
            "rôle à un autre utilisateur pour pouvoir vous en détacher."
        )
    return None


@transaction.atomic
def compte_rattachement_detacher(*, rattachement: Rattachement, acting_user: Utilisateur):
    """Detaches the user from one of his active attachments and removes the habilitations
    that no active attachment covers any more."""
    raison = peut_se_detacher(acting_user, rattachement)
    if raison:
        raise ValidationError(raison)
    ligne = RATTACHEMENT.appliquer(
        rattachement, action=ActionRattachement.DETACHER, acteur=acting_user
    )
    habilitations_orphelines_retirer(
        utilisateur=rattachement.utilisateur, structure=rattachement.structure
    )
    acces.oublier_droits(acting_user)
    return ligne


def habilitations_orphelines_retirer(*, utilisateur: Utilisateur, structure: Structure) -> int:
    """Deletes the user's habilitations on `structure` that no active attachment covers: a
    structure-wide attachment covers everything, a service attachment that service."""
    actifs = Rattachement.objects.filter(
        utilisateur=utilisateur, structure=structure, statut=StatutRattachement.ACTIF
    )
    habilitations = Habilitation.objects.filter(utilisateur=utilisateur, structure=structure)
    if actifs.filter(service__isnull=True).exists():
        return 0
    services = actifs.values_list("service_id", flat=True)
    nombre, _detail = habilitations.exclude(service_id__in=list(services)).delete()
    acces.oublier_droits(utilisateur)
    return nombre


# --- Mes habilitations ------------------------------------------------------------------


@dataclass(frozen=True)
class LigneHabilitation:
    structure: Structure
    service: Service | None
    application: str
    niveau: str
    origine: str
    depuis: datetime | None
    ouvert: bool

    @property
    def application_libelle(self) -> str:
        return Application(self.application).label

    @property
    def niveau_libelle(self) -> str:
        return Niveau(self.niveau).label


def mes_habilitations(utilisateur: Utilisateur) -> list[LigneHabilitation]:
    """Every right of the user, explicit and implicit (GP), sorted by structure, service
    and space. `ouvert` is False when the structure has closed that space."""
    lignes = []
    gerees = {s.pk: s for s in structures_gerees_actives(utilisateur)}
    for structure in gerees.values():
        for application in acces.applications_de_la_structure(structure):
            lignes.append(
                LigneHabilitation(
                    structure=structure,
                    service=None,
                    application=application,
                    niveau=Niveau.MODIFICATION,
                    origine=_("Gestionnaire principal"),
                    depuis=None,
                    ouvert=True,
                )
            )
    for h in Habilitation.objects.filter(utilisateur=utilisateur).select_related(
        "structure", "service"
    ):
        if h.structure_id in gerees and h.service_id is None:
            continue  # the GP role already gives it, in modification
        lignes.append(
            LigneHabilitation(
                structure=h.structure,
                service=h.service,
                application=h.application,
                niveau=h.niveau,
                origine=_("Habilitation"),
                depuis=h.accordee_le,
                ouvert=h.application in acces.applications_de_la_structure(h.structure),
            )
        )
    ordre = {a: i for i, a in enumerate(Application)}
    lignes.sort(
        key=lambda ligne: (
            ligne.structure.raison_sociale.lower(),
            ligne.structure.pk,
            ligne.service is not None,
            ligne.service.code if ligne.service else "",
            ordre[ligne.application],
        )
    )
    return lignes


# --- Mes abonnements aux espaces -------------------------------------------------------


def rattachements_actifs(utilisateur: Utilisateur):
    return Rattachement.objects.filter(
        utilisateur=utilisateur,
        statut=StatutRattachement.ACTIF,
        structure__statut=StatutStructure.ACTIVE,
    ).select_related("structure", "service")


def perimetre_services(utilisateur: Utilisateur, structure: Structure):
    """(whole structure allowed?, services the user may ask a space for) on `structure`."""
    actifs = rattachements_actifs(utilisateur).filter(structure=structure)
    if structure.gestionnaire_principal_id == utilisateur.pk or any(
        r.service_id is None for r in actifs
    ):
        return True, services_actifs(structure)
    ids = [r.service_id for r in actifs]
    return False, services_actifs(structure).filter(pk__in=ids)


def niveau_detenu(utilisateur: Utilisateur, application: str, structure, service=None):
    """The level the user holds now on that space (None: nothing)."""
    if acces.can(utilisateur, application, Niveau.MODIFICATION, structure, service):
        return Niveau.MODIFICATION
    if acces.can(utilisateur, application, Niveau.CONSULTATION, structure, service):
        return Niveau.CONSULTATION
    return None


@transaction.atomic
def compte_habilitation_demander(
    *,
    utilisateur: Utilisateur,
    structure: Structure,
    application: str,
    niveau: str,
    service: Service | None = None,
    commentaire: str = "",
) -> DemandeHabilitation:
    """Asks the structure's GP for a space at a level; tells the GP."""
    if application not in acces.applications_de_la_structure(structure):
        raise ValidationError(
            {"application": _("Cette structure n'ouvre pas cet espace à ses utilisateurs.")}
        )
    tout, services = perimetre_services(utilisateur, structure)
    if service is None and not tout:
        raise ValidationError(
            {"service": _("Vous n'êtes rattaché qu'à certains services : choisissez-en un.")}
        )
    if service is not None and not services.filter(pk=service.pk).exists():
        raise ValidationError({"service": _("Choisissez un de vos services actifs.")})
    detenu = niveau_detenu(utilisateur, application, structure, service)
    if detenu == Niveau.MODIFICATION or detenu == niveau:
        raise ValidationError(
            {"niveau": _("Vous disposez déjà de cet espace à ce niveau ou au-dessus.")}
        )
    doublon = DemandeHabilitation.objects.filter(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        application=application,
        statut=StatutDemandeHabilitation.EN_ATTENTE,
    ).exists()
    if doublon:
        raise ValidationError(
            {"application": _("Vous avez déjà une demande en attente pour cet espace.")}
        )
    demande = DemandeHabilitation.objects.create(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        application=application,
        niveau=niveau,
        commentaire=commentaire.strip(),
    )
    _notifier_gp(
        structure,
        "habilitations.compte_demande_habilitation",
        {
            "demandeur": utilisateur.get_full_name(),
            "demandeur_email": utilisateur.email,
            "structure": structure.raison_sociale,
            "service": str(service) if service else "",
            "espace": str(Application(application).label),
            "niveau": str(Niveau(niveau).label),
            "commentaire": demande.commentaire,
        },
    )
    return demande


@transaction.atomic
def compte_demande_habilitation_annuler(*, demande: DemandeHabilitation, acting_user: Utilisateur):
    """Withdraws one's own pending habilitation request."""
    return DEMANDE_HABILITATION.appliquer(
        demande, action=ActionDemandeHabilitation.ANNULER, acteur=acting_user
    )
