"""Core 2: the status-transition engine.

A circuit declares its transitions as data: (from statuses, action, to status, acting roles).
`Circuit.appliquer` is the only way a status changes. It locks the row, checks that the
transition exists from the *current* status (re-read under the lock) and that the actor
holds one of its roles, writes the new status and an immutable history row, and schedules
side effects (notifications…) on commit. An illegal action raises a `TransitionRefusee`
whose message is shown to the user; nothing changes.

Timeouts (validation deadlines, tacit procedures) are applied by a task with `acteur=None`,
which acts in the role `ROLE_SYSTEME`. Because the status is re-checked under lock, a
timeout that fires twice changes the object once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ROLE_SYSTEME = "SYSTEME"


class TransitionRefusee(Exception):
    """An action that the engine refuses. Its message is meant for the user, in French."""

    code = "refusee"

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class ActionImpossible(TransitionRefusee):
    """The action does not exist from the object's current status (often: already done)."""

    code = "action_impossible"


class ActeurNonAutorise(TransitionRefusee):
    """The user holds none of the roles that may perform this action."""

    code = "acteur_non_autorise"


class MotifObligatoire(TransitionRefusee):
    code = "motif_obligatoire"


class HistoriqueImmuable(Exception):
    """A history row may be written once, never changed nor deleted."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    action: str
    cible: str
    roles: frozenset[str]
    motif_obligatoire: bool = False


def transition(
    sources: str | Iterable[str],
    action: str,
    cible: str,
    roles: str | Iterable[str],
    *,
    motif_obligatoire: bool = False,
) -> Transition:
    """Declares one transition; `sources` and `roles` take one value or several."""
    as_set = lambda v: frozenset([v] if isinstance(v, str) else v)  # noqa: E731
    return Transition(as_set(sources), action, cible, as_set(roles), motif_obligatoire)


Effet = Callable[[models.Model, "HistoriqueStatut"], Any]


class Circuit:
    """A set of transitions for one kind of object.

    - `historique`: the concrete `HistoriqueStatut` model; its foreign key to the object is
      named `objet`.
    - `roles_de(user, obj)`: the roles the user holds on this object (asks the access core).
    - `effets`: callables run on commit after every applied transition, with
      (object, history row): notifications and the like.
    """

    def __init__(
        self,
        *,
        nom: str,
        transitions: Iterable[Transition],
        historique: type[HistoriqueStatut],
        roles_de: Callable[[Any, models.Model], Iterable[str]],
        champ_statut: str = "statut",
        effets: Iterable[Effet] = (),
    ):
        self.nom = nom
        self.transitions = tuple(transitions)
        self.historique = historique
        self.roles_de = roles_de
        self.champ_statut = champ_statut
        self.effets = tuple(effets)
        seen = set()
        for t in self.transitions:
            for source in t.sources:
                if (source, t.action) in seen:
                    raise ValueError(f"{nom}: two transitions for ({source}, {t.action})")
                seen.add((source, t.action))

    def trouver(self, statut: str, action: str) -> Transition | None:
        for t in self.transitions:
            if t.action == action and statut in t.sources:
                return t
        return None

    def _roles(self, acteur, objet) -> set[str]:
        if acteur is None:
            return {ROLE_SYSTEME}
        return set(self.roles_de(acteur, objet))

    def actions_possibles(self, objet: models.Model, acteur) -> list[Transition]:
        """The transitions this actor may apply now: what a page should offer."""
        statut = getattr(objet, self.champ_statut)
        roles = self._roles(acteur, objet)
        return [t for t in self.transitions if statut in t.sources and t.roles & roles]

    def appliquer(
        self,
        objet: models.Model,
        *,
        action: str,
        acteur,
        motif: str = "",
        modifications: dict[str, Any] | None = None,
        effets: Iterable[Effet] = (),
    ) -> HistoriqueStatut:
        """Applies `action` to `objet` as `acteur` (None: the system) in one transaction.

        `modifications` are other fields written together with the status (a mandate number,
        a new recipient…). Returns the history row. Raises `TransitionRefusee`.
        """
        modele = type(objet)
        motif = (motif or "").strip()
        modifications = modifications or {}
        with transaction.atomic():
            verrouille = modele._default_manager.select_for_update().get(pk=objet.pk)
            statut = getattr(verrouille, self.champ_statut)
            t = self.trouver(statut, action)
            if t is None:
                raise ActionImpossible(
                    _(
                        "Action impossible : l'objet est au statut « %(statut)s ». "
                        "Elle a peut-être déjà été effectuée ; la page a été actualisée."
                    )
                    % {"statut": _libelle_statut(verrouille, self.champ_statut)}
                )
            roles = self._roles(acteur, verrouille) & t.roles
            if not roles:
                raise ActeurNonAutorise(_("Vous n'êtes pas habilité à effectuer cette action."))
            if t.motif_obligatoire and not motif:
                raise MotifObligatoire(_("Le motif est obligatoire pour cette action."))

            setattr(verrouille, self.champ_statut, t.cible)
            for champ, valeur in modifications.items():
                setattr(verrouille, champ, valeur)
            verrouille.save(update_fields=[self.champ_statut, *modifications])
            ligne = self.historique.objects.create(
                objet=verrouille,
                acteur=acteur,
                role=sorted(roles)[0],
                action=action,
                motif=motif,
                statut_avant=statut,
                statut_apres=t.cible,
            )
            for effet in (*self.effets, *effets):
                transaction.on_commit(partial(effet, verrouille, ligne))

        # The caller's instance reflects what was written.
        setattr(objet, self.champ_statut, t.cible)
        for champ, valeur in modifications.items():
            setattr(objet, champ, valeur)
        return ligne

    def appliquer_en_lot(
        self,
        objets: Iterable[models.Model],
        *,
        action: str,
        modifications: dict[str, Any] | None = None,
    ) -> list[HistoriqueStatut]:
        """Applies a system action (`acteur=None`: a timeout, routing) to many objects at once.

        The same rules as `appliquer`, in a constant number of queries: the rows are locked and
        re-read, each is checked against the table from its current status, one UPDATE per
        target status, one INSERT of the history rows. Objects whose status does not allow the
        action are left as they are (a timeout that fires twice changes nothing). Effects run
        on commit: an effect with an `en_lot` attribute gets every (object, history row) pair in
        one call, the others one call per pair. Returns the history rows written.
        """
        modele = self.historique._meta.get_field("objet").related_model
        modifications = modifications or {}
        ids = [o.pk for o in objets]
        if not ids:
            return []
        with transaction.atomic():
            verrouilles = list(
                modele._default_manager.select_for_update().filter(pk__in=ids).order_by("pk")
            )
            par_cible: dict[str, list[models.Model]] = {}
            lignes = []
            for objet in verrouilles:
                statut = getattr(objet, self.champ_statut)
                t = self.trouver(statut, action)
                if t is None or ROLE_SYSTEME not in t.roles or t.motif_obligatoire:
                    continue
                par_cible.setdefault(t.cible, []).append(objet)
                lignes.append(
                    self.historique(
                        objet=objet,
                        acteur=None,
                        role=ROLE_SYSTEME,
                        action=action,
                        statut_avant=statut,
                        statut_apres=t.cible,
                    )
                )
            for cible, groupe in par_cible.items():
                modele._default_manager.filter(pk__in=[o.pk for o in groupe]).update(
                    **{self.champ_statut: cible}, **modifications
                )
                for objet in groupe:
                    setattr(objet, self.champ_statut, cible)
                    for champ, valeur in modifications.items():
                        setattr(objet, champ, valeur)
            lignes = self.historique.objects.bulk_create(lignes)
            paires = [(ligne.objet, ligne) for ligne in lignes]
            for effet in self.effets:
                en_lot = getattr(effet, "en_lot", None)
                if en_lot is not None:
                    transaction.on_commit(partial(en_lot, paires))
                else:
                    for objet, ligne in paires:
                        transaction.on_commit(partial(effet, objet, ligne))
        return lignes


def _libelle_statut(objet, champ) -> str:
    display = getattr(objet, f"get_{champ}_display", None)
    return display() if display else getattr(objet, champ)


class HistoriqueQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise HistoriqueImmuable("Status history rows cannot be updated.")

    def delete(self):
        raise HistoriqueImmuable("Status history rows cannot be deleted.")


class HistoriqueStatut(models.Model):
    """One applied transition: who, when, in which role, what, why, from, to.

    Concrete subclasses add `objet = models.ForeignKey(<Model>, related_name="historique")`.
    """

    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("rôle"), max_length=40)
    date = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    motif = models.TextField(_("motif"), blank=True)
    statut_avant = models.CharField(_("statut avant"), max_length=60)
    statut_apres = models.CharField(_("statut après"), max_length=60)

    objects = HistoriqueQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["date", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise HistoriqueImmuable("Status history rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoriqueImmuable("Status history rows cannot be deleted.")
