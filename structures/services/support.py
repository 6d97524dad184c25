"""Requests handled by support agents (`DemandeStructure`): filing, cancelling, accepting,
refusing. Accepting applies the request's effect in the same transaction as the status change.

Rules, in words:
- Any signed-in user may ask for a public structure to be created, under an identifier that no
  structure and no other pending request holds yet.
- A gestionnaire of a structure may ask for its deactivation.
- A user attached to a structure whose gestionnaire principal is gone (no GP, or an inactive
  account) may propose himself or another active attached user as the new GP.
- Only support agents accept or refuse (a refusal needs a motif); the requester may cancel
  while the request is pending. The requester is told of the decision (e-mail + feed).
- If the effect can no longer be applied when an agent accepts (identifier taken meanwhile,
  proposed user gone…), the acceptance is refused with a message and nothing changes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from chorus import notifications
from chorus.workflow import TransitionRefusee
from habilitations import acces
from habilitations.enums import StatutRattachement
from habilitations.models import Rattachement, Utilisateur
from habilitations.services import habilitations_par_defaut_accorder
from structures.circuits import DEMANDE
from structures.enums import ActionDemandeStructure as Action
from structures.enums import CategorieStructure, StatutDemandeStructure, StatutStructure
from structures.enums import TypeDemandeStructure as Type
from structures.models import DemandeStructure, Service, Structure

CODE_SERVICE_PAR_DEFAUT = "DEFAUT"
LIBELLE_SERVICE_PAR_DEFAUT = "Service par défaut"


class DemandeInapplicable(TransitionRefusee):
    """The request cannot take effect any more (identifier taken, proposed user gone…)."""

    code = "demande_inapplicable"


# --- Reads shared by the views and the services -------------------------------------------


def gestionnaire_absent(structure: Structure) -> bool:
    """The GP is gone: nobody holds the role, or his account is inactive."""
    gp = structure.gestionnaire_principal
    return gp is None or not gp.is_active


def utilisateurs_rattaches_actifs(structure: Structure):
    """Active accounts with an active attachment to the structure (or one of its services)."""
    return Utilisateur.objects.filter(
        is_active=True,
        est_agent_support=False,
        pk__in=Rattachement.objects.filter(
            structure=structure, statut=StatutRattachement.ACTIF
        ).values("utilisateur_id"),
    ).order_by("nom", "prenom", "email")


def est_rattache(user, structure: Structure) -> bool:
    return Rattachement.objects.filter(
        utilisateur=user, structure=structure, statut=StatutRattachement.ACTIF
    ).exists()


def _demande_en_attente(**filtres) -> bool:
    return DemandeStructure.objects.filter(
        statut=StatutDemandeStructure.EN_ATTENTE, **filtres
    ).exists()


def _identifiant_pris(type_identifiant: str, identifiant: str) -> bool:
    return Structure.objects.filter(
        type_identifiant=type_identifiant, identifiant=identifiant
    ).exists()


# --- Filing ---------------------------------------------------------------------------------


@transaction.atomic
def demande_creation_structure_deposer(
    *,
    demandeur: Utilisateur,
    type_identifiant: str,
    identifiant: str,
    raison_sociale: str,
    adresse: str = "",
    code_postal: str = "",
    ville: str = "",
    pays: str = "FR",
    commentaire: str = "",
) -> DemandeStructure:
    """Files a request to create a public structure. Raises `ValidationError` keyed by field."""
    if _identifiant_pris(type_identifiant, identifiant):
        raise ValidationError(
            {
                "identifiant": _(
                    "Une structure existe déjà avec cet identifiant : demandez plutôt à y être "
                    "rattaché depuis « Mes rattachements »."
                )
            }
        )
    if _demande_en_attente(
        type_demande=Type.CREATION_STRUCTURE_PUBLIQUE,
        donnees__type_identifiant=type_identifiant,
        donnees__identifiant=identifiant,
    ):
        raise ValidationError(
            {
                "identifiant": _(
                    "Une demande de création d'une structure avec cet identifiant est déjà en "
                    "attente de traitement par le support."
                )
            }
        )
    donnees = {
        "type_identifiant": type_identifiant,
        "identifiant": identifiant,
        "raison_sociale": raison_sociale,
        "adresse": adresse,
        "code_postal": code_postal,
        "ville": ville,
        "pays": pays or "FR",
    }
    return DemandeStructure.objects.create(
        type_demande=Type.CREATION_STRUCTURE_PUBLIQUE,
        demandeur=demandeur,
        donnees=donnees,
        commentaire=commentaire,
    )


@transaction.atomic
def demande_desactivation_deposer(
    *, demandeur: Utilisateur, structure: Structure, motif: str
) -> DemandeStructure:
    """Files a request to deactivate a structure the requester manages."""
    if not acces.est_gestionnaire(demandeur, structure):
        raise ValidationError(
            _("Seul un gestionnaire de la structure peut demander sa désactivation.")
        )
    if _demande_en_attente(type_demande=Type.DESACTIVATION_STRUCTURE, structure=structure):
        raise ValidationError(
            {
                "motif": _(
                    "Une demande de désactivation de cette structure est déjà en attente de "
                    "traitement par le support."
                )
            }
        )
    return DemandeStructure.objects.create(
        type_demande=Type.DESACTIVATION_STRUCTURE,
        demandeur=demandeur,
        structure=structure,
        donnees={"identifiant": structure.identifiant, "raison_sociale": structure.raison_sociale},
        commentaire=motif,
    )


@transaction.atomic
def demande_reaffectation_gp_deposer(
    *,
    demandeur: Utilisateur,
    structure: Structure,
    gestionnaire_propose: Utilisateur,
    commentaire: str = "",
) -> DemandeStructure:
    """Files a request to make `gestionnaire_propose` the GP of a structure whose GP is gone."""
    if not est_rattache(demandeur, structure):
        raise ValidationError(_("Vous n'êtes pas rattaché à cette structure."))
    if not gestionnaire_absent(structure):
        raise ValidationError(
            _(
                "Le gestionnaire principal de cette structure est actif : adressez-vous à lui "
                "pour qu'il vous transfère le rôle."
            )
        )
    if not utilisateurs_rattaches_actifs(structure).filter(pk=gestionnaire_propose.pk).exists():
        raise ValidationError(
            {
                "gestionnaire_propose": _(
                    "Le gestionnaire proposé doit avoir un compte actif et être rattaché à "
                    "la structure."
                )
            }
        )
    if _demande_en_attente(type_demande=Type.REAFFECTATION_GESTIONNAIRE, structure=structure):
        raise ValidationError(
            {
                "gestionnaire_propose": _(
                    "Une demande de réaffectation du gestionnaire principal de cette structure "
                    "est déjà en attente de traitement par le support."
                )
            }
        )
    ancien = structure.gestionnaire_principal
    return DemandeStructure.objects.create(
        type_demande=Type.REAFFECTATION_GESTIONNAIRE,
        demandeur=demandeur,
        structure=structure,
        donnees={
            "identifiant": structure.identifiant,
            "raison_sociale": structure.raison_sociale,
            "gestionnaire_propose": gestionnaire_propose.pk,
            "gestionnaire_propose_email": gestionnaire_propose.email,
            "ancien_gestionnaire": ancien.pk if ancien else None,
            "ancien_gestionnaire_email": ancien.email if ancien else "",
        },
        commentaire=commentaire,
    )


@transaction.atomic
def demande_annuler(*, demande: DemandeStructure, acting_user: Utilisateur):
    """The requester withdraws his pending request."""
    return DEMANDE.appliquer(demande, action=Action.ANNULER, acteur=acting_user)


# --- Handling by support ------------------------------------------------------------------


@transaction.atomic
def demande_accepter(*, demande: DemandeStructure, acting_user: Utilisateur):
    """Accepts the request and applies its effect; all or nothing. Raises `TransitionRefusee`
    (already handled, not a support agent) or `DemandeInapplicable`."""
    # The engine locks the request and re-checks its status first: of two agents accepting
    # at once, the second one waits, then gets "déjà effectuée" before touching anything.
    ligne = DEMANDE.appliquer(demande, action=Action.ACCEPTER, acteur=acting_user)
    effets = {
        Type.CREATION_STRUCTURE_PUBLIQUE: _creer_structure_publique,
        Type.DESACTIVATION_STRUCTURE: _desactiver_structure,
        Type.REAFFECTATION_GESTIONNAIRE: _reaffecter_gestionnaire,
    }
    effets[demande.type_demande](demande)
    _notifier(demande, motif="")
    return ligne


@transaction.atomic
def demande_refuser(*, demande: DemandeStructure, acting_user: Utilisateur, motif: str):
    ligne = DEMANDE.appliquer(demande, action=Action.REFUSER, acteur=acting_user, motif=motif)
    _notifier(demande, motif=ligne.motif)
    return ligne


def _creer_structure_publique(demande: DemandeStructure) -> None:
    donnees = demande.donnees
    demandeur = Utilisateur.objects.select_for_update().get(pk=demande.demandeur_id)
    if not demandeur.is_active:
        raise DemandeInapplicable(
            _("Le compte du demandeur n'est plus actif : la structure ne peut pas être créée.")
        )
    if _identifiant_pris(donnees["type_identifiant"], donnees["identifiant"]):
        raise DemandeInapplicable(
            _(
                "Une structure existe déjà avec l'identifiant %(identifiant)s : la demande ne "
                "peut pas être acceptée. Refusez-la en invitant le demandeur à s'y rattacher."
            )
            % {"identifiant": donnees["identifiant"]}
        )
    try:
        with transaction.atomic():
            structure = Structure.objects.create(
                type_identifiant=donnees["type_identifiant"],
                identifiant=donnees["identifiant"],
                categorie=CategorieStructure.PUBLIQUE,
                raison_sociale=donnees["raison_sociale"],
                adresse=donnees.get("adresse", ""),
                code_postal=donnees.get("code_postal", ""),
                ville=donnees.get("ville", ""),
                pays=donnees.get("pays") or "FR",
                gestionnaire_principal=demandeur,
            )
    except IntegrityError as erreur:  # created by someone else a moment ago
        raise DemandeInapplicable(
            _(
                "Une structure existe déjà avec l'identifiant %(identifiant)s : la demande ne "
                "peut pas être acceptée. Refusez-la en invitant le demandeur à s'y rattacher."
            )
            % {"identifiant": donnees["identifiant"]}
        ) from erreur
    Service.objects.create(
        structure=structure, code=CODE_SERVICE_PAR_DEFAUT, libelle=LIBELLE_SERVICE_PAR_DEFAUT
    )
    Rattachement.objects.create(
        utilisateur=demandeur, structure=structure, statut=StatutRattachement.ACTIF
    )
    habilitations_par_defaut_accorder(utilisateur=demandeur, structure=structure)
    DemandeStructure.objects.filter(pk=demande.pk).update(structure=structure)
    demande.structure = structure


def _desactiver_structure(demande: DemandeStructure) -> None:
    structure = Structure.objects.select_for_update().get(pk=demande.structure_id)
    if structure.statut == StatutStructure.INACTIVE:
        raise DemandeInapplicable(_("Cette structure est déjà inactive."))
    structure.statut = StatutStructure.INACTIVE
    structure.save(update_fields=["statut"])


def _reaffecter_gestionnaire(demande: DemandeStructure) -> None:
    structure = Structure.objects.select_for_update().get(pk=demande.structure_id)
    propose = (
        utilisateurs_rattaches_actifs(structure)
        .filter(pk=demande.donnees.get("gestionnaire_propose"))
        .first()
    )
    if propose is None:
        raise DemandeInapplicable(
            _(
                "L'utilisateur proposé n'a plus de compte actif ou n'est plus rattaché à la "
                "structure : il ne peut pas en devenir le gestionnaire principal."
            )
        )
    structure.gestionnaire_principal = propose
    structure.save(update_fields=["gestionnaire_principal"])
    acces.oublier_droits(propose)


def _notifier(demande: DemandeStructure, *, motif: str) -> None:
    donnees = demande.donnees
    notifications.emettre(
        type="structures.demande_traitee",
        destinataires=[demande.demandeur],
        contexte={
            "demande": demande.pk,
            "type_demande": demande.type_demande,
            "statut": demande.statut,
            # Flags, so the templates (rendered in the recipient's language) name no codes.
            "acceptee": demande.statut == StatutDemandeStructure.ACCEPTEE,
            "creation": demande.type_demande == Type.CREATION_STRUCTURE_PUBLIQUE,
            "desactivation": demande.type_demande == Type.DESACTIVATION_STRUCTURE,
            "motif": motif,
            "identifiant": donnees.get("identifiant", ""),
            "raison_sociale": donnees.get("raison_sociale", ""),
        },
        lien=reverse("structures:mes_demandes"),
    )


# --- Reads of the desk --------------------------------------------------------------------


def demandes_pour_desk():
    """Every request, pending ones first: what a support agent's desk lists."""
    return DemandeStructure.objects.select_related("demandeur", "structure").annotate(
        en_attente_d_abord=Case(
            When(statut=StatutDemandeStructure.EN_ATTENTE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def rechercher(demandes, texte: str):
    """Filters by identifier, raison sociale or requester e-mail (partial, any case)."""
    texte = texte.strip()
    if not texte:
        return demandes
    return demandes.filter(
        Q(donnees__identifiant__icontains=texte)
        | Q(donnees__raison_sociale__icontains=texte)
        | Q(structure__identifiant__icontains=texte)
        | Q(structure__raison_sociale__icontains=texte)
        | Q(demandeur__email__icontains=texte)
    )
