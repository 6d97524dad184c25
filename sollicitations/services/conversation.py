"""The conversation of a sent sollicitation: the desk takes, assigns, asks, answers, closes,
transfers, notes; the requester completes, adds information, closes, sends back.

Every status change is one call to the workflow engine (row locked, status re-checked, history
written); messages and their files are written in the same transaction; the other side is told
on commit (`avis`). An action that is no longer possible raises `TransitionRefusee` and
changes nothing. Who may do what is the circuit's table (`circuits.py`) and `acces.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.workflow import ActeurNonAutorise, ActionImpossible, TransitionRefusee
from habilitations.models import Utilisateur
from sollicitations import acces
from sollicitations.circuits import DELAI_CLOTURE_AUTOMATIQUE, SOLLICITATION
from sollicitations.enums import A_TRAITER_PAR_LE_DESK, Destination, TypeMessage
from sollicitations.enums import ActionSollicitation as A
from sollicitations.enums import RoleSollicitation as R
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import Message, Sollicitation
from sollicitations.services import avis, pieces


def _maintenant() -> dict:
    return {"en_attente_depuis": timezone.now()}


def _auteur(acteur) -> Utilisateur | None:
    return acteur if getattr(acteur, "is_authenticated", False) else None


def _message(sollicitation, *, type: str, acteur, texte: str, fichiers: Sequence = ()) -> Message:
    message = Message.objects.create(
        sollicitation=sollicitation, type=type, auteur=_auteur(acteur), texte=texte.strip()
    )
    pieces.enregistrer(sollicitation, fichiers, acteur=acteur, message=message)
    return message


def _texte_requis(texte: str, message: str) -> str:
    texte = (texte or "").strip()
    if not texte:
        raise ValidationError({"texte": message})
    return texte


# --- The desk -----------------------------------------------------------------------------


@transaction.atomic
def prendre_en_charge(*, sollicitation: Sollicitation, acting_user: Utilisateur):
    """The desk member assigns the request to himself. Of two members at once, the second is
    told who took it."""
    try:
        return SOLLICITATION.appliquer(
            sollicitation,
            action=A.PRENDRE_EN_CHARGE,
            acteur=acting_user,
            modifications={"assigne_a": acting_user, **_maintenant()},
        )
    except ActionImpossible:
        actuelle = Sollicitation.objects.select_related("assigne_a").get(pk=sollicitation.pk)
        if actuelle.assigne_a is not None and actuelle.statut not in (S.ENVOYEE, S.RENVOYEE):
            raise TransitionRefusee(
                _("Cette sollicitation vient d'être prise en charge par %(nom)s.")
                % {"nom": actuelle.assigne_a.get_full_name()}
            ) from None
        raise


@transaction.atomic
def assigner(*, sollicitation: Sollicitation, acting_user: Utilisateur, assigne: Utilisateur):
    """A lead gives the request to a desk member (himself included)."""
    if not acces.est_traitant(assigne, sollicitation):
        raise ValidationError(
            {"assigne": _("Cette personne ne peut pas traiter cette sollicitation.")}
        )
    ligne = SOLLICITATION.appliquer(
        sollicitation,
        action=A.ASSIGNER,
        acteur=acting_user,
        motif=assigne.get_full_name(),
        modifications={"assigne_a": assigne},
    )
    if assigne.pk != acting_user.pk:
        avis.assigne_prevenir(sollicitation, par=acting_user)
    return ligne


@transaction.atomic
def demander_complement(
    *, sollicitation: Sollicitation, acting_user: Utilisateur, texte: str, fichiers: Sequence = ()
):
    texte = _texte_requis(texte, _("Écrivez la question posée au demandeur."))
    ligne = SOLLICITATION.appliquer(
        sollicitation,
        action=A.DEMANDER_COMPLEMENT,
        acteur=acting_user,
        motif=texte,
        modifications=_maintenant(),
    )
    _message(
        sollicitation,
        type=TypeMessage.DEMANDE_COMPLEMENT,
        acteur=acting_user,
        texte=texte,
        fichiers=fichiers,
    )
    avis.demandeur_prevenir(sollicitation, nature="complement_demande", texte=texte)
    return ligne


@transaction.atomic
def repondre(
    *,
    sollicitation: Sollicitation,
    acting_user: Utilisateur,
    texte: str,
    fichiers: Sequence = (),
    cloturer: bool = False,
):
    """Answers the requester; `cloturer` closes the request in the same step."""
    texte = _texte_requis(texte, _("Écrivez la réponse."))
    ligne = SOLLICITATION.appliquer(
        sollicitation, action=A.REPONDRE, acteur=acting_user, modifications=_maintenant()
    )
    _message(
        sollicitation, type=TypeMessage.REPONSE, acteur=acting_user, texte=texte, fichiers=fichiers
    )
    if cloturer:
        ligne = SOLLICITATION.appliquer(
            sollicitation, action=A.CLOTURER, acteur=acting_user, modifications=_maintenant()
        )
    avis.demandeur_prevenir(
        sollicitation, nature="cloturee" if cloturer else "reponse", texte=texte
    )
    return ligne


@transaction.atomic
def cloturer(*, sollicitation: Sollicitation, acting_user: Utilisateur, texte: str = ""):
    """The desk closes the request (a closing word is optional and shown to the requester)."""
    ligne = SOLLICITATION.appliquer(
        sollicitation,
        action=A.CLOTURER,
        acteur=acting_user,
        motif=texte,
        modifications=_maintenant(),
    )
    if texte.strip():
        _message(sollicitation, type=TypeMessage.CLOTURE, acteur=acting_user, texte=texte)
    avis.demandeur_prevenir(sollicitation, nature="cloturee", texte=texte.strip())
    return ligne


@transaction.atomic
def transferer_au_support(
    *, sollicitation: Sollicitation, acting_user: Utilisateur, texte: str = ""
):
    """An entity's desk hands the request to support (a question that is not for it). The
    motif is an internal note: support reads it, the requester does not."""
    ligne = SOLLICITATION.appliquer(
        sollicitation,
        action=A.TRANSFERER_AU_SUPPORT,
        acteur=acting_user,
        motif=texte,
        modifications={"destination": Destination.SUPPORT, "assigne_a": None, **_maintenant()},
    )
    if texte.strip():
        _message(sollicitation, type=TypeMessage.TRANSFERT, acteur=acting_user, texte=texte)
    avis.desk_prevenir_nouvelle(sollicitation, transfert=True)
    avis.demandeur_prevenir(sollicitation, nature="transferee")
    return ligne


@transaction.atomic
def note_interne(
    *, sollicitation: Sollicitation, acting_user: Utilisateur, texte: str, fichiers: Sequence = ()
) -> Message:
    """A note for the desk only; no status change, nobody outside the desk is told."""
    texte = _texte_requis(texte, _("Écrivez la note."))
    verrouillee = Sollicitation.objects.select_for_update().get(pk=sollicitation.pk)
    if not acces.est_traitant(acting_user, verrouillee):
        raise ActeurNonAutorise(_("Vous n'êtes pas habilité à effectuer cette action."))
    return _message(
        verrouillee,
        type=TypeMessage.NOTE_INTERNE,
        acteur=acting_user,
        texte=texte,
        fichiers=fichiers,
    )


# --- The requester ----------------------------------------------------------------------------


@transaction.atomic
def demandeur_ecrire(*, sollicitation: Sollicitation, acteur, texte: str, fichiers: Sequence = ()):
    """The requester writes: the awaited complement (back to the desk), or more information
    while the desk works on it. `acteur`: the user, or a `DemandeurParLien`."""
    texte = _texte_requis(texte, _("Écrivez votre message."))
    verrouillee = Sollicitation.objects.select_for_update().get(pk=sollicitation.pk)
    if R.DEMANDEUR not in acces.roles_de(acteur, verrouillee):
        raise ActeurNonAutorise(_("Vous n'êtes pas habilité à effectuer cette action."))
    if verrouillee.statut == S.EN_ATTENTE_COMPLEMENT:
        SOLLICITATION.appliquer(
            sollicitation, action=A.COMPLETER, acteur=acteur, modifications=_maintenant()
        )
        type_message, nature = TypeMessage.COMPLEMENT, "complement"
    elif verrouillee.statut in A_TRAITER_PAR_LE_DESK:
        type_message, nature = TypeMessage.MESSAGE, "message"
    else:
        raise ActionImpossible(
            _(
                "Cette sollicitation a reçu une réponse ou est clôturée : si la réponse ne vous "
                "satisfait pas, renvoyez-la."
            )
        )
    message = _message(
        verrouillee, type=type_message, acteur=acteur, texte=texte, fichiers=fichiers
    )
    sollicitation.refresh_from_db()
    avis.desk_prevenir_message(sollicitation, nature=nature, texte=texte)
    return message


@transaction.atomic
def demandeur_renvoyer(
    *, sollicitation: Sollicitation, acteur, motif: str, fichiers: Sequence = ()
):
    """The requester is not satisfied: the request goes back to the desk, with his reason."""
    motif = _texte_requis(motif, _("Expliquez pourquoi la réponse ne vous satisfait pas."))
    ligne = SOLLICITATION.appliquer(
        sollicitation, action=A.RENVOYER, acteur=acteur, motif=motif, modifications=_maintenant()
    )
    _message(sollicitation, type=TypeMessage.RENVOI, acteur=acteur, texte=motif, fichiers=fichiers)
    avis.desk_prevenir_message(sollicitation, nature="renvoi", texte=motif)
    return ligne


@transaction.atomic
def demandeur_cloturer(*, sollicitation: Sollicitation, acteur):
    """The requester is satisfied with the answer and closes the request."""
    return SOLLICITATION.appliquer(
        sollicitation, action=A.CLOTURER, acteur=acteur, modifications=_maintenant()
    )


# --- The system -------------------------------------------------------------------------------


def cloturer_repondues_sans_suite(*, lot: int = 200) -> int:
    """Closes answered requests the requester left alone for DELAI_CLOTURE_AUTOMATIQUE; returns
    how many. Safe to run twice: the engine re-checks each status under lock."""
    limite = timezone.now() - DELAI_CLOTURE_AUTOMATIQUE
    ids = list(
        Sollicitation.objects.filter(statut=S.REPONDUE, en_attente_depuis__lt=limite)
        .order_by("en_attente_depuis")
        .values_list("pk", flat=True)[:lot]
    )
    fermees = 0
    for pk in ids:
        sollicitation = Sollicitation.objects.get(pk=pk)
        try:
            with transaction.atomic():
                SOLLICITATION.appliquer(
                    sollicitation,
                    action=A.CLOTURER,
                    acteur=None,
                    motif=_("Clôture automatique : pas de retour du demandeur."),
                    modifications=_maintenant(),
                )
                avis.demandeur_prevenir(sollicitation, nature="cloturee")
        except TransitionRefusee:
            continue  # answered or sent back meanwhile
        fermees += 1
    return fermees
