"""A structure's users, their habilitations, the Approbations queue, the GP role.

Every write of the "Utilisateurs" and "Approbations" pages of a structure lives here. The
business rules, in words:
- Only a gestionnaire of the structure (its GP, or *Organisation – modification*) acts here;
  the views check it before calling, the workflow engine checks it again on each request.
- A gestionnaire never changes his own rights, attachments included.
- The GP's rights come with his role: they are neither changed, removed, copied, nor is he
  detached. He hands the role over first (only he may, to an active attached user).
- Habilitations are given only for the spaces the structure opens.
- Approving or refusing a request goes through its circuit: a request handled meanwhile by
  someone else raises `ActionImpossible` ("déjà traitée"), and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus import notifications
from chorus.workflow import ActionImpossible, MotifObligatoire, TransitionRefusee
from habilitations import acces
from habilitations.circuits import DEMANDE_HABILITATION, RATTACHEMENT
from habilitations.enums import (
    ActionDemandeHabilitation,
    ActionRattachement,
    Application,
    Niveau,
    StatutRattachement,
)
from habilitations.models import DemandeHabilitation, Habilitation, Rattachement, Utilisateur
from habilitations.services import rattachement_approuver, rattachement_demander
from structures.enums import StatutService


class NatureDemande(models.TextChoices):
    """The two kinds of request in the Approbations queue."""

    RATTACHEMENT = "rattachement", gettext_lazy("Rattachement")
    HABILITATION = "habilitation", gettext_lazy("Habilitation")


class Decision(models.TextChoices):
    APPROUVER = "APPROUVER", gettext_lazy("Approuver")
    REFUSER = "REFUSER", gettext_lazy("Refuser")


class GestionRefusee(Exception):
    """A management operation that breaks a rule; `message` is shown on `champ`."""

    def __init__(self, message, champ: str | None = None):
        super().__init__(message)
        self.message = message
        self.champ = champ

    def __str__(self):
        return str(self.message)


# ---------------------------------------------------------------------------------------------
# Reads


def rattachements_actifs(structure) -> QuerySet:
    return Rattachement.objects.filter(structure=structure, statut=StatutRattachement.ACTIF)


def utilisateurs_rattaches(structure) -> QuerySet:
    """The structure's users: an active attachment (to it or one of its services), or its GP."""
    return Utilisateur.objects.filter(
        Q(pk__in=rattachements_actifs(structure).values("utilisateur_id"))
        | Q(pk=structure.gestionnaire_principal_id)
    )


def demandes_en_attente(structure) -> tuple[QuerySet, QuerySet]:
    """The pending attachment and habilitation requests of the structure."""
    rattachements = (
        Rattachement.objects.a_approuver()
        .filter(structure=structure)
        .select_related("utilisateur", "service")
    )
    habilitations = (
        DemandeHabilitation.objects.a_approuver()
        .filter(structure=structure)
        .select_related("utilisateur", "service")
    )
    return rattachements, habilitations


def nombre_demandes_en_attente(structure) -> int:
    rattachements, habilitations = demandes_en_attente(structure)
    return rattachements.count() + habilitations.count()


def est_gp(utilisateur, structure) -> bool:
    return utilisateur.pk == structure.gestionnaire_principal_id


# ---------------------------------------------------------------------------------------------
# Approbations


def _source(texte) -> str:
    """The French source of a label: the notification templates translate it for each reader."""
    with translation.override(None):
        return str(texte)


def _notifier_traitement(*, demande, nature: str, approuvee: bool, motif: str, acting_user):
    contexte = {
        "nature": nature,
        "approuvee": approuvee,
        "structure": demande.structure.raison_sociale,
        "service": demande.service.libelle if demande.service_id else "",
        "commentaire": motif,
        "acteur": acting_user.get_full_name(),
    }
    if nature == NatureDemande.HABILITATION:
        contexte["application"] = _source(Application(demande.application).label)
        contexte["niveau"] = _source(Niveau(demande.niveau).label)
    notifications.emettre(
        type="habilitations.gestion_demande_traitee",
        destinataires=[demande.utilisateur],
        contexte=contexte,
        lien=reverse("habilitations:mon_compte"),
    )


def habilitation_accorder(
    *, utilisateur: Utilisateur, structure, service, application: str, niveau: str
) -> Habilitation:
    """Creates the habilitation, or raises its level; never lowers an existing one."""
    habilitation, creee = Habilitation.objects.select_for_update().get_or_create(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        application=application,
        defaults={"niveau": niveau},
    )
    if not creee and niveau == Niveau.MODIFICATION and habilitation.niveau != niveau:
        habilitation.niveau = niveau
        habilitation.save(update_fields=["niveau"])
    return habilitation


def _verifier_pas_soi_meme(*, demande, acting_user):
    if demande.utilisateur_id == acting_user.pk:
        raise GestionRefusee(
            _("Vous ne pouvez pas traiter votre propre demande : un autre gestionnaire le fera.")
        )


@transaction.atomic
def rattachement_traiter(
    *, rattachement: Rattachement, decision: str, motif: str = "", acting_user: Utilisateur
):
    """Approves (with the default habilitations) or refuses an attachment request; the
    requester is told either way, with the comment, which the history row keeps too."""
    _verifier_pas_soi_meme(demande=rattachement, acting_user=acting_user)
    if decision == Decision.APPROUVER:
        ligne = rattachement_approuver(
            rattachement=rattachement, acting_user=acting_user, motif=motif
        )
    else:
        ligne = RATTACHEMENT.appliquer(
            rattachement, action=ActionRattachement.REFUSER, acteur=acting_user, motif=motif
        )
    _notifier_traitement(
        demande=rattachement,
        nature=NatureDemande.RATTACHEMENT,
        approuvee=decision == Decision.APPROUVER,
        motif=motif.strip(),
        acting_user=acting_user,
    )
    return ligne


@transaction.atomic
def demande_habilitation_traiter(
    *, demande: DemandeHabilitation, decision: str, motif: str = "", acting_user: Utilisateur
):
    """Grants (creating or raising the habilitation) or refuses a habilitation request."""
    _verifier_pas_soi_meme(demande=demande, acting_user=acting_user)
    if decision == Decision.APPROUVER:
        ligne = DEMANDE_HABILITATION.appliquer(
            demande, action=ActionDemandeHabilitation.ACCORDER, acteur=acting_user, motif=motif
        )
        habilitation_accorder(
            utilisateur=demande.utilisateur,
            structure=demande.structure,
            service=demande.service,
            application=demande.application,
            niveau=demande.niveau,
        )
    else:
        ligne = DEMANDE_HABILITATION.appliquer(
            demande, action=ActionDemandeHabilitation.REFUSER, acteur=acting_user, motif=motif
        )
    _notifier_traitement(
        demande=demande,
        nature=NatureDemande.HABILITATION,
        approuvee=decision == Decision.APPROUVER,
        motif=motif.strip(),
        acting_user=acting_user,
    )
    return ligne


@dataclass
class Bilan:
    """What a (bulk) decision did, request by request."""

    decision: str
    traitees: list = field(default_factory=list)
    deja_traitees: list[str] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)


def demandes_traiter(
    *, demandes: list, decision: str, motif: str = "", acting_user: Utilisateur
) -> Bilan:
    """Applies one decision to several requests (`Rattachement` or `DemandeHabilitation`).

    Each request is handled in its own transaction: one handled meanwhile by someone else is
    counted as "déjà traitée" (with the engine's message) and does not undo the others. A
    refusal without a motive raises `MotifObligatoire` at the first request, before any change
    (every other one would be refused for the same reason).
    """
    bilan = Bilan(decision=decision)
    for demande in demandes:
        try:
            if isinstance(demande, Rattachement):
                rattachement_traiter(
                    rattachement=demande, decision=decision, motif=motif, acting_user=acting_user
                )
            else:
                demande_habilitation_traiter(
                    demande=demande, decision=decision, motif=motif, acting_user=acting_user
                )
        except ActionImpossible as erreur:
            bilan.deja_traitees.append(erreur.message)
        except MotifObligatoire:
            raise
        except (TransitionRefusee, GestionRefusee) as erreur:
            bilan.erreurs.append(erreur.message)
        else:
            bilan.traitees.append(demande)
    return bilan


# ---------------------------------------------------------------------------------------------
# Users and their habilitations


def verifier_modifiable(*, structure, utilisateur: Utilisateur, acting_user: Utilisateur):
    """The rules every change of a user's rights on the structure obeys."""
    if utilisateur.pk == acting_user.pk:
        raise GestionRefusee(_("Vous ne pouvez pas modifier vos propres droits."))
    if est_gp(utilisateur, structure):
        raise GestionRefusee(
            _(
                "Les droits du gestionnaire principal viennent avec son rôle : ils ne se "
                "modifient pas. Transférez d'abord le rôle de gestionnaire principal."
            )
        )


@transaction.atomic
def utilisateur_rattacher(
    *, structure, utilisateur: Utilisateur, service=None, acting_user: Utilisateur
) -> Rattachement:
    """Attaches an existing account to the structure (or one of its active services), approved
    at once through the circuit, with the default habilitations."""
    if not utilisateur.is_active:
        raise GestionRefusee(
            _("Ce compte est désactivé : il ne peut pas être rattaché."), champ="email"
        )
    if utilisateur.est_agent_support:
        raise GestionRefusee(
            _("Un agent du support n'est jamais rattaché à une structure."), champ="email"
        )
    if service is not None and (
        service.structure_id != structure.pk or service.statut != StatutService.ACTIF
    ):
        raise GestionRefusee(_("Choisissez un service actif de la structure."), champ="service")
    en_cours = Rattachement.objects.filter(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        statut__in=[StatutRattachement.EN_ATTENTE, StatutRattachement.ACTIF],
    ).first()
    if en_cours is not None and en_cours.statut == StatutRattachement.ACTIF:
        raise GestionRefusee(
            _("Cet utilisateur est déjà rattaché à la structure ou à ce service."), champ="email"
        )
    if en_cours is not None:
        raise GestionRefusee(
            _(
                "Cet utilisateur a déjà demandé ce rattachement : approuvez sa demande dans "
                "Approbations."
            ),
            champ="email",
        )
    try:
        with transaction.atomic():
            rattachement = rattachement_demander(
                utilisateur=utilisateur, structure=structure, service=service
            )
    except IntegrityError:  # attached meanwhile by another gestionnaire
        raise GestionRefusee(
            _("Cet utilisateur est déjà rattaché à la structure ou à ce service."), champ="email"
        ) from None
    rattachement_approuver(rattachement=rattachement, acting_user=acting_user)
    return rattachement


@transaction.atomic
def habilitation_definir(
    *,
    structure,
    utilisateur: Utilisateur,
    service=None,
    application: str,
    niveau: str,
    acting_user: Utilisateur,
) -> Habilitation:
    """Gives a habilitation, or sets the level of the one on the same (service, space)."""
    verifier_modifiable(structure=structure, utilisateur=utilisateur, acting_user=acting_user)
    if not utilisateurs_rattaches(structure).filter(pk=utilisateur.pk).exists():
        raise GestionRefusee(_("Cet utilisateur n'est pas rattaché à la structure."))
    if application not in acces.applications_de_la_structure(structure):
        raise GestionRefusee(
            _("La structure n'ouvre pas cet espace : ouvrez-le avant de l'attribuer."),
            champ="application",
        )
    if service is not None and service.structure_id != structure.pk:
        raise GestionRefusee(_("Choisissez un service de la structure."), champ="portee")
    habilitation, _creee = Habilitation.objects.update_or_create(
        utilisateur=utilisateur,
        structure=structure,
        service=service,
        application=application,
        defaults={"niveau": niveau},
    )
    return habilitation


@transaction.atomic
def habilitation_supprimer(*, habilitation: Habilitation, acting_user: Utilisateur) -> None:
    verifier_modifiable(
        structure=habilitation.structure,
        utilisateur=habilitation.utilisateur,
        acting_user=acting_user,
    )
    habilitation.delete()


def copie_verifier(*, structure, source: Utilisateur, cible: Utilisateur, acting_user: Utilisateur):
    """May `acting_user` give `cible` the rights of `source` on the structure?"""
    if source.pk == cible.pk:
        raise GestionRefusee(_("Choisissez un autre utilisateur que la source."), champ="cible")
    if est_gp(source, structure):
        raise GestionRefusee(
            _(
                "Les droits du gestionnaire principal viennent avec son rôle : ils ne se "
                "copient pas."
            ),
            champ="cible",
        )
    try:
        verifier_modifiable(structure=structure, utilisateur=cible, acting_user=acting_user)
    except GestionRefusee as erreur:
        erreur.champ = "cible"
        raise
    if not utilisateurs_rattaches(structure).filter(pk=cible.pk).exists():
        raise GestionRefusee(_("Cet utilisateur n'est pas rattaché à la structure."), "cible")


@transaction.atomic
def droits_copier(
    *, structure, source: Utilisateur, cible: Utilisateur, acting_user: Utilisateur
) -> int:
    """Gives `cible` exactly the habilitations `source` holds on the structure (his own there
    are replaced). Returns how many habilitations he now holds."""
    copie_verifier(structure=structure, source=source, cible=cible, acting_user=acting_user)
    Habilitation.objects.filter(utilisateur=cible, structure=structure).delete()
    copies = [
        Habilitation(
            utilisateur=cible,
            structure=structure,
            service_id=h.service_id,
            application=h.application,
            niveau=h.niveau,
        )
        for h in Habilitation.objects.filter(utilisateur=source, structure=structure)
    ]
    Habilitation.objects.bulk_create(copies)
    return len(copies)


def detachement_verifier(*, structure, utilisateur: Utilisateur, acting_user: Utilisateur):
    """May `acting_user` detach `utilisateur` from the structure? Not the GP, not himself."""
    if est_gp(utilisateur, structure):
        raise GestionRefusee(
            _("Le gestionnaire principal ne peut pas être détaché : transférez d'abord son rôle.")
        )
    verifier_modifiable(structure=structure, utilisateur=utilisateur, acting_user=acting_user)


@transaction.atomic
def utilisateur_detacher(*, structure, utilisateur: Utilisateur, acting_user: Utilisateur) -> int:
    """Detaches the user from the structure and its services (through the circuit) and removes
    his habilitations there. Returns how many attachments ended."""
    detachement_verifier(structure=structure, utilisateur=utilisateur, acting_user=acting_user)
    rattachements = list(rattachements_actifs(structure).filter(utilisateur=utilisateur))
    if not rattachements:
        raise GestionRefusee(_("Cet utilisateur n'est pas rattaché à la structure."))
    for rattachement in rattachements:
        RATTACHEMENT.appliquer(rattachement, action=ActionRattachement.DETACHER, acteur=acting_user)
    Habilitation.objects.filter(utilisateur=utilisateur, structure=structure).delete()
    return len(rattachements)


# ---------------------------------------------------------------------------------------------
# The GP role


def transfert_verifier(*, structure, nouveau: Utilisateur, acting_user: Utilisateur):
    """May `acting_user` hand the GP role of the structure to `nouveau`?"""
    if structure.gestionnaire_principal_id != acting_user.pk:
        raise GestionRefusee(
            _("Seul le gestionnaire principal de la structure peut transférer son rôle.")
        )
    if nouveau.pk == acting_user.pk:
        raise GestionRefusee(
            _("Vous êtes déjà le gestionnaire principal : choisissez un autre utilisateur."),
            champ="utilisateur",
        )
    if not nouveau.is_active:
        raise GestionRefusee(
            _("Ce compte est désactivé : choisissez un utilisateur actif."), champ="utilisateur"
        )
    if nouveau.est_agent_support or not (
        rattachements_actifs(structure).filter(utilisateur=nouveau).exists()
    ):
        raise GestionRefusee(
            _("Cet utilisateur n'est pas rattaché à la structure."), champ="utilisateur"
        )


@transaction.atomic
def gestionnaire_principal_transferer(
    *, structure, nouveau: Utilisateur, acting_user: Utilisateur
) -> None:
    """Hands the GP role to another active user attached to the structure. Only the current
    GP may; he keeps *Organisation – modification* on the whole structure. Both are told."""
    from structures.models import Structure

    verrouillee = Structure.objects.select_for_update().get(pk=structure.pk)
    transfert_verifier(structure=verrouillee, nouveau=nouveau, acting_user=acting_user)
    verrouillee.gestionnaire_principal = nouveau
    verrouillee.save(update_fields=["gestionnaire_principal"])
    structure.gestionnaire_principal = nouveau
    Habilitation.objects.update_or_create(
        utilisateur=acting_user,
        structure=verrouillee,
        service=None,
        application=Application.ORGANISATION,
        defaults={"niveau": Niveau.MODIFICATION},
    )
    acces.oublier_droits(acting_user)
    notifications.emettre(
        type="habilitations.gestion_transfert_gp",
        destinataires=[nouveau, acting_user],
        contexte={
            "structure": verrouillee.raison_sociale,
            "ancien": acting_user.get_full_name(),
            "ancien_id": acting_user.pk,
            "nouveau": nouveau.get_full_name(),
            "nouveau_id": nouveau.pk,
        },
        lien=reverse("habilitations:utilisateurs", args=[verrouillee.pk]),
    )
