"""Sign-up and activation of an account (domain §2–3).

The rules, in words:
- Signing up creates the account inactive (no sign-in possible) and e-mails an activation link
  valid 60 minutes (settings.PASSWORD_RESET_TIMEOUT); the link stops working once used.
- If no structure carries the identifier, one is created right away (private), with the new
  user as gestionnaire principal (GP); nobody else can sign up with that identifier while
  this sign-up waits for its activation. If the structure exists, an attachment request
  (Rattachement EN_ATTENTE) is recorded for the user.
- A sign-up never activated within 7 days is erased, with the structure it created and its
  attachment request: it no longer holds the address or the identifier (a sign-up something
  else has come to refer to is kept).
- Activation turns the account on. The GP of a new structure gets its default service, his
  attachment and the default habilitations; an attachment request is then sent to the
  existing structure's gestionnaires (never before: an unconfirmed address bothers nobody).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from chorus import notifications
from habilitations import acces
from habilitations.enums import Application, Langue, Niveau, StatutRattachement
from habilitations.models import Habilitation, Rattachement, Utilisateur
from habilitations.services import (
    habilitations_par_defaut_accorder,
    liens,
    rattachement_demander,
)
from structures.enums import CategorieStructure, StatutStructure, TypeIdentifiant
from structures.models import Service, Structure
from structures.validation import identifiant_normaliser

logger = logging.getLogger(__name__)

CODE_SERVICE_PAR_DEFAUT = "DEFAUT"
# Where the structure's gestionnaires handle attachment requests.
LIEN_ORGANISATION = "/organisation/"

# Country of a structure, from its identifier type (when the type says it).
_PAYS_DU_TYPE = {
    TypeIdentifiant.SIRET: "FR",
    TypeIdentifiant.RIDET: "NC",
    TypeIdentifiant.TAHITI: "PF",
    TypeIdentifiant.PARTICULIER: "FR",
}
# VAT prefixes that are not the ISO country code.
_PAYS_DU_PREFIXE_TVA = {"EL": "GR", "XI": "GB"}


# --- Activation token -------------------------------------------------------------------------


class JetonActivation(PasswordResetTokenGenerator):
    """Token of the activation link: valid PASSWORD_RESET_TIMEOUT (60 minutes), and void as
    soon as the account is activated (its hash covers `is_active` and `active_le`)."""

    key_salt = "habilitations.services.inscription.JetonActivation"

    def _make_hash_value(self, user, timestamp):
        active_le = "" if user.active_le is None else user.active_le.replace(microsecond=0)
        return f"{user.pk}{user.email}{user.is_active}{active_le}{timestamp}"


jeton_activation = JetonActivation()


class ActivationImpossible(Exception):
    """The activation link cannot be used. `message` is a French sentence for the user."""

    def __init__(self, message, *, deja_active: bool = False):
        super().__init__(message)
        self.message = message
        self.deja_active = deja_active


INSCRIPTION_ABANDONNEE_APRES = timedelta(days=7)


def en_attente_d_activation(utilisateur: Utilisateur) -> bool:
    """Signed up, never activated (a deactivated account is not pending: it was active)."""
    return not utilisateur.is_active and utilisateur.active_le is None


# --- Identifiers ------------------------------------------------------------------------------


def pays_de_l_identifiant(type_identifiant: str, identifiant: str) -> str:
    """The country an identifier tells, or "" when it tells none."""
    if type_identifiant == TypeIdentifiant.UE_HORS_FRANCE and identifiant:
        prefixe = identifiant[:2]
        return _PAYS_DU_PREFIXE_TVA.get(prefixe, prefixe)
    return _PAYS_DU_TYPE.get(type_identifiant, "")


def _pays_de_la_structure(type_identifiant: str, identifiant: str, pays: str) -> str:
    """An intra-EU VAT number tells the country; otherwise what the user typed, else the
    identifier type's country (SIRET: FR, RIDET: NC…), else FR."""
    deduit = pays_de_l_identifiant(type_identifiant, identifiant)
    if type_identifiant == TypeIdentifiant.UE_HORS_FRANCE:
        return deduit
    return pays or deduit or "FR"


def _identifiant_particulier() -> str:
    return f"PARTICULIER-{uuid.uuid4().hex.upper()}"


# --- Checks shared by the form and the service ------------------------------------------------


def inscription_verifier(
    *,
    email: str,
    type_identifiant: str,
    identifiant: str,
    raison_sociale: str,
    verrouiller: bool = False,
) -> Structure | None:
    """The rules that depend on what is already recorded. Returns the existing structure the
    user will ask to join (None: a new one will be created); raises `ValidationError` keyed by
    field. `identifiant` is already normalised."""
    erreurs: dict[str, str] = {}
    compte = Utilisateur.objects.filter(email__iexact=email.strip()).first()
    if compte is not None:
        if en_attente_d_activation(compte):
            erreurs["email"] = _(
                "Un compte en attente d'activation utilise déjà cette adresse. Retrouvez le "
                "courriel d'activation, ou demandez un nouveau lien d'activation."
            )
        else:
            erreurs["email"] = _(
                "Un compte existe déjà avec cette adresse électronique. Connectez-vous, ou "
                "utilisez « Mot de passe oublié »."
            )
    structure = None
    if type_identifiant != TypeIdentifiant.PARTICULIER:
        structures = Structure.objects.filter(
            type_identifiant=type_identifiant, identifiant__iexact=identifiant
        ).select_related("gestionnaire_principal")
        if verrouiller:
            structures = structures.select_for_update(of=("self",))
        structure = structures.first()
        if structure is None:
            if not raison_sociale.strip():
                erreurs["raison_sociale"] = _("Indiquez la raison sociale de votre structure.")
        elif structure.gestionnaire_principal is not None and en_attente_d_activation(
            structure.gestionnaire_principal
        ):
            erreurs["identifiant"] = _(
                "Cet identifiant est déjà utilisé par une autre inscription, en attente "
                "d'activation. Si c'est la vôtre, demandez un nouveau lien d'activation ; "
                "sinon, réessayez dans quelques jours (une inscription non activée est "
                "effacée au bout de 7 jours) ou contactez le support."
            )
        elif structure.statut != StatutStructure.ACTIVE:
            erreurs["identifiant"] = _(
                "La structure portant cet identifiant est désactivée : on ne peut plus s'y "
                "rattacher. Contactez le support si c'est une erreur."
            )
    if erreurs:
        raise ValidationError(erreurs)
    return structure


# --- Sign-up ------------------------------------------------------------------------------


@transaction.atomic
def compte_creer(
    *,
    email: str,
    mot_de_passe: str,
    prenom: str,
    nom: str,
    type_identifiant: str,
    identifiant: str = "",
    raison_sociale: str = "",
    email_contact: str = "",
    telephone: str = "",
    adresse: str = "",
    code_postal: str = "",
    ville: str = "",
    pays: str = "",
    langue: str = Langue.FR,
) -> Utilisateur:
    """Creates an inactive account and either its new structure (as GP) or an attachment
    request to the existing one; e-mails the activation link on commit.

    Raises `ValidationError` keyed by field (e-mail taken, identifier taken by a pending
    sign-up…): nothing is written then.
    """
    identifiant = identifiant_normaliser(type_identifiant, identifiant)
    structure = inscription_verifier(
        email=email,
        type_identifiant=type_identifiant,
        identifiant=identifiant,
        raison_sociale=raison_sociale,
        verrouiller=True,
    )
    try:
        with transaction.atomic():
            utilisateur = Utilisateur.objects.create_user(
                email,
                mot_de_passe,
                prenom=prenom.strip(),
                nom=nom.strip(),
                email_contact=(email_contact or "").strip().lower(),
                telephone=telephone.strip(),
                langue=langue if langue in Langue.values else Langue.FR,
                is_active=False,
            )
    except IntegrityError as erreur:  # the same address, signed up at the same moment
        raise ValidationError(
            {"email": _("Un compte existe déjà avec cette adresse électronique.")}
        ) from erreur

    if structure is None:
        if type_identifiant == TypeIdentifiant.PARTICULIER:
            identifiant = _identifiant_particulier()
            raison_sociale = f"{utilisateur.prenom} {utilisateur.nom}"
        try:
            with transaction.atomic():
                Structure.objects.create(
                    type_identifiant=type_identifiant,
                    identifiant=identifiant,
                    categorie=CategorieStructure.PRIVEE,
                    raison_sociale=raison_sociale.strip(),
                    nom=utilisateur.nom if type_identifiant == TypeIdentifiant.PARTICULIER else "",
                    prenom=(
                        utilisateur.prenom
                        if type_identifiant == TypeIdentifiant.PARTICULIER
                        else ""
                    ),
                    tva_intracommunautaire=(
                        identifiant if type_identifiant == TypeIdentifiant.UE_HORS_FRANCE else ""
                    ),
                    adresse=adresse.strip(),
                    code_postal=code_postal.strip(),
                    ville=ville.strip(),
                    pays=_pays_de_la_structure(type_identifiant, identifiant, pays),
                    gestionnaire_principal=utilisateur,
                )
        except IntegrityError as erreur:  # another sign-up took the identifier meanwhile
            raise ValidationError(
                {
                    "identifiant": _(
                        "Cet identifiant vient d'être utilisé par une autre inscription, en "
                        "attente d'activation. Réessayez plus tard ou contactez le support."
                    )
                }
            ) from erreur
    else:
        rattachement_demander(utilisateur=utilisateur, structure=structure)

    pk = utilisateur.pk
    transaction.on_commit(lambda: _envoyer_le_lien(pk))
    return utilisateur


@transaction.atomic
def activation_renvoyer(*, email: str) -> None:
    """Sends a new activation link if a pending account has this login address; says nothing
    either way (the page never tells whether an account exists)."""
    utilisateur = Utilisateur.objects.filter(email__iexact=(email or "").strip()).first()
    if utilisateur is None or not en_attente_d_activation(utilisateur):
        return
    pk = utilisateur.pk
    transaction.on_commit(lambda: _envoyer_le_lien(pk))


def lien_activation(utilisateur: Utilisateur) -> str:
    """The absolute activation URL of a pending account."""
    return liens.lien_a_jeton("habilitations:activation", utilisateur, jeton_activation)


def _envoyer_le_lien(utilisateur_id: int) -> None:
    from habilitations import tasks  # the tasks import the services

    tasks.envoyer_lien_activation.delay(utilisateur_id)


def lien_activation_envoyer(*, utilisateur_id: int) -> bool:
    """E-mails the activation link (a direct e-mail: `notifications.emettre` skips inactive
    users), from the worker; False when the account no longer waits for it. A mail server
    failure raises: the task retries."""
    utilisateur = Utilisateur.objects.filter(pk=utilisateur_id).first()
    if utilisateur is None or not en_attente_d_activation(utilisateur):
        return False
    liens.courriel_envoyer(
        utilisateur,
        "habilitations/inscription/email_activation",
        lambda: {
            "utilisateur": utilisateur,
            "lien": lien_activation(utilisateur),
            "lien_renvoyer": settings.SITE_URL + reverse("habilitations:activation_renvoyer"),
            "duree_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
    )
    return True


def inscriptions_abandonnees_effacer() -> int:
    """Erases the sign-ups left unactivated for INSCRIPTION_ABANDONNEE_APRES: the account,
    the structure it created (it was its GP) and its attachment request, so that the address
    and the identifier are free again. Each in its own transaction, under the account's lock
    (an activation at the same moment wins). A sign-up something else now refers to (an
    invoice naming its structure…) is kept and logged; the others are all looked at, however
    many are kept. Returns how many went."""
    limite = timezone.now() - INSCRIPTION_ABANDONNEE_APRES
    abandonnees = Utilisateur.objects.filter(
        is_active=False, active_le__isnull=True, date_joined__lt=limite
    )
    effacees = 0
    for pk in list(abandonnees.order_by("pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                utilisateur = abandonnees.select_for_update(skip_locked=True).filter(pk=pk).first()
                if utilisateur is None:  # activated meanwhile, or being activated
                    continue
                for structure in Structure.objects.select_for_update().filter(
                    gestionnaire_principal=utilisateur
                ):
                    structure.delete()
                utilisateur.delete()
        except (ProtectedError, RestrictedError, IntegrityError):
            logger.warning("Abandoned sign-up %s kept: other records refer to it", pk)
            continue
        effacees += 1
    return effacees


# --- Activation -------------------------------------------------------------------------------


def gestionnaires_de(structure: Structure) -> list[Utilisateur]:
    """Who handles the structure's requests: its GP and the active users holding
    *Organisation – modification* on the whole structure."""
    candidats = {}
    if structure.gestionnaire_principal_id:
        gp = structure.gestionnaire_principal
        candidats[gp.pk] = gp
    lignes = Habilitation.objects.filter(
        structure=structure,
        service__isnull=True,
        application=Application.ORGANISATION,
        niveau=Niveau.MODIFICATION,
        utilisateur__is_active=True,
    ).select_related("utilisateur")
    for habilitation in lignes:
        candidats.setdefault(habilitation.utilisateur_id, habilitation.utilisateur)
    return [u for u in candidats.values() if u.is_active and acces.est_gestionnaire(u, structure)]


def _structure_initialiser(*, structure: Structure, utilisateur: Utilisateur) -> None:
    """The first steps of a structure created at sign-up: its default service, the GP's
    attachment and default habilitations."""
    Service.objects.get_or_create(
        structure=structure,
        code=CODE_SERVICE_PAR_DEFAUT,
        defaults={
            "libelle": _("Service par défaut"),
            "description": _("Créé avec la structure."),
        },
    )
    deja_rattache = Rattachement.objects.filter(
        utilisateur=utilisateur,
        structure=structure,
        service__isnull=True,
        statut__in=[StatutRattachement.EN_ATTENTE, StatutRattachement.ACTIF],
    ).exists()
    if not deja_rattache:
        # A new attachment, not a status change: the GP's own, active from the start.
        Rattachement.objects.create(
            utilisateur=utilisateur, structure=structure, statut=StatutRattachement.ACTIF
        )
    habilitations_par_defaut_accorder(utilisateur=utilisateur, structure=structure)


def _demande_rattachement_notifier(rattachement: Rattachement) -> None:
    structure = rattachement.structure
    utilisateur = rattachement.utilisateur
    notifications.emettre(
        type="habilitations.demande_rattachement",
        destinataires=gestionnaires_de(structure),
        contexte={
            "rattachement_id": rattachement.pk,
            "demandeur": utilisateur.get_full_name(),
            "demandeur_email": utilisateur.email,
            "structure": structure.raison_sociale,
            "identifiant": structure.identifiant,
            "service": rattachement.service.libelle if rattachement.service_id else "",
        },
        lien=LIEN_ORGANISATION,
    )


def utilisateur_du_lien(uidb64: str) -> Utilisateur | None:
    """The account an activation link names, or None."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return Utilisateur.objects.filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None


def lien_verifier(*, utilisateur: Utilisateur | None, jeton: str) -> None:
    """Raises `ActivationImpossible` when the link cannot activate this account."""
    if utilisateur is not None and utilisateur.is_active and utilisateur.active_le is not None:
        raise ActivationImpossible(
            _("Ce lien a déjà été utilisé : votre compte est activé. Connectez-vous."),
            deja_active=True,
        )
    if (
        utilisateur is None
        or not en_attente_d_activation(utilisateur)
        or not jeton_activation.check_token(utilisateur, jeton)
    ):
        raise ActivationImpossible(
            _(
                "Ce lien d'activation n'est pas valable : il a expiré (il est valable "
                "%(minutes)d minutes) ou il est incomplet. Demandez un nouveau lien ci-dessous."
            )
            % {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        )


@transaction.atomic
def compte_activer(*, utilisateur: Utilisateur, jeton: str) -> Utilisateur:
    """Activates a pending account from its link; see the module's rules. Raises
    `ActivationImpossible` (link expired, forged or already used): nothing changes then.
    Two activations at once: the row lock makes the second one find the link used."""
    verrouille = Utilisateur.objects.select_for_update().filter(pk=utilisateur.pk).first()
    lien_verifier(utilisateur=verrouille, jeton=jeton)
    verrouille.is_active = True
    verrouille.active_le = timezone.now()
    verrouille.save(update_fields=["is_active", "active_le"])

    for structure in Structure.objects.select_for_update().filter(
        gestionnaire_principal=verrouille
    ):
        _structure_initialiser(structure=structure, utilisateur=verrouille)
    demandes = Rattachement.objects.filter(
        utilisateur=verrouille, statut=StatutRattachement.EN_ATTENTE
    ).select_related("structure__gestionnaire_principal", "service", "utilisateur")
    for rattachement in demandes:
        _demande_rattachement_notifier(rattachement)
    acces.oublier_droits(verrouille)
    return verrouille
