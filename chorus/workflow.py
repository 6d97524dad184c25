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
from django.db import connections, models, router, transaction
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
# Run inside the transaction with the (object, history row) pairs just written: an outbox of
# what must follow the change (`Circuit(consigner=…)`).
Consigne = Callable[[list[tuple[models.Model, "HistoriqueStatut"]]], Any]
# The system's next step for an object that has just moved: (action, modifications) or None.
Suite = Callable[[models.Model], "tuple[str, dict[str, Any]] | None"]


class Circuit:
    """A set of transitions for one kind of object.

    - `historique`: the concrete `HistoriqueStatut` model; its foreign key to the object is
      named `objet`.
    - `roles_de(user, obj)`: the roles the user holds on this object (asks the access core).
    - `effets`: callables run on commit after every applied transition, with
      (object, history row): notifications and the like.
    - `consigner`: callables run inside the transaction, once per call of `appliquer` or
      `appliquer_en_lot`, with the (object, history row) pairs just written: they record
      what must follow the change (an outbox), committed or rolled back with it.
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
        consigner: Iterable[Consigne] = (),
    ):
        self.nom = nom
        self.transitions = tuple(transitions)
        self.historique = historique
        self.roles_de = roles_de
        self.champ_statut = champ_statut
        self.effets = tuple(effets)
        self.consigner = tuple(consigner)
        # (from status, action) -> transition: the table, as the engine looks it up.
        self._table: dict[tuple[str, str], Transition] = {}
        for t in self.transitions:
            for source in t.sources:
                if (source, t.action) in self._table:
                    raise ValueError(f"{nom}: two transitions for ({source}, {t.action})")
                self._table[(source, t.action)] = t

    def trouver(self, statut: str, action: str) -> Transition | None:
        return self._table.get((statut, action))

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
        savepoint: bool = True,
        deja_verrouille: bool = False,
    ) -> HistoriqueStatut:
        """Applies `action` to `objet` as `acteur` (None: the system) in one transaction.

        `modifications` are other fields written together with the status (a mandate number,
        a new recipient…). Returns the history row. Raises `TransitionRefusee`.

        Within the caller's transaction the engine opens a savepoint. `savepoint=False` is for
        a caller whose transaction holds this transition and what goes with it, nothing else
        (one invoice of a batch): it spares two round trips per object. A refusal still
        changes nothing and leaves the caller's transaction usable; a database error, though,
        then aborts the caller's transaction instead of the savepoint.

        `deja_verrouille=True` is for a caller that has locked and read `objet` itself
        (`select_for_update()`) in the transaction it calls from: the engine checks and
        writes that instance instead of locking and reading the row a second time.
        """
        if deja_verrouille and not transaction.get_connection().in_atomic_block:
            raise RuntimeError("deja_verrouille=True outside the transaction holding the lock")
        modele = type(objet)
        motif = (motif or "").strip()
        modifications = modifications or {}
        refus = None
        with transaction.atomic(savepoint=savepoint):
            verrouille = (
                objet
                if deja_verrouille
                else modele._default_manager.select_for_update().get(pk=objet.pk)
            )
            statut = getattr(verrouille, self.champ_statut)
            try:
                t, roles = self._verifier(verrouille, statut, action, acteur, motif)
            except TransitionRefusee as erreur:
                if savepoint:
                    raise
                # Leaving the block normally: without a savepoint, an exception would mark
                # the caller's transaction for rollback. Nothing was written.
                refus = erreur
            else:
                champs = [self.champ_statut, *modifications]
                avant = {champ: getattr(verrouille, champ) for champ in champs}
                setattr(verrouille, self.champ_statut, t.cible)
                for champ, valeur in modifications.items():
                    setattr(verrouille, champ, valeur)
                try:
                    verrouille.save(update_fields=champs)
                except Exception:
                    # Not written: the caller's own instance (deja_verrouille) says so too.
                    for champ, valeur in avant.items():
                        setattr(verrouille, champ, valeur)
                    raise
                ligne = self.historique.objects.create(
                    objet=verrouille,
                    acteur=acteur,
                    role=sorted(roles)[0],
                    action=action,
                    motif=motif,
                    statut_avant=statut,
                    statut_apres=t.cible,
                )
                for consigne in self.consigner:
                    consigne([(verrouille, ligne)])
                for effet in (*self.effets, *effets):
                    transaction.on_commit(partial(effet, verrouille, ligne))
        if refus is not None:
            raise refus

        # The caller's instance reflects what was written.
        setattr(objet, self.champ_statut, t.cible)
        for champ, valeur in modifications.items():
            setattr(objet, champ, valeur)
        return ligne

    def _verifier(self, verrouille, statut: str, action: str, acteur, motif: str):
        """The transition and the actor's roles for it, or the refusal (`TransitionRefusee`)."""
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
        return t, roles

    def appliquer_en_lot(
        self,
        objets: Iterable[models.Model | Any],
        *,
        action: str | None,
        modifications: dict[str, Any] | None = None,
        suite: Suite | None = None,
        champs: Iterable[str] | None = None,
        consigner: bool = True,
    ) -> list[HistoriqueStatut]:
        """Applies a system action (`acteur=None`: a timeout, routing) to many objects at once,
        and the system's steps that follow it, in a constant number of queries.

        The same rules as `appliquer`: the rows (`objets`: instances or primary keys) are
        locked and re-read, each is checked against the table from its current status, and
        every applied transition writes its history row. Objects whose status does not allow
        the action are left as they are (a timeout that fires twice changes nothing).

        `suite(objet)` gives the system's next step for an object that has just moved, as
        (action, modifications), or None: routing that follows a timeout (with `action=None`,
        the first step comes from `suite` too: routing alone). Each step is checked against
        the table like the first one (a step the table does not allow ends the chain there)
        and historised. The steps are computed in memory, then written set-based: one UPDATE
        per distinct outcome (final status and fields: give the steps of a batch one clock),
        one INSERT of history rows per step and transition. `champs` lists the fields read
        under the lock besides the status (what `suite` and the effects read; None: the whole
        row); other fields load on access, one query each, so list them all.

        Effects run on commit: an effect with an `en_lot` attribute gets every (object, history
        row) pair in one call, each object's steps in their order; the others one call per
        pair. `consigner=False` skips the circuit's `consigner` hooks (and their effects): for
        a caller that does their work itself, in bulk. Returns the history rows written.
        """
        modele = self.historique._meta.get_field("objet").related_model
        ids = sorted({o.pk if isinstance(o, models.Model) else o for o in objets})
        if not ids:
            return []
        if action is None and suite is None:
            raise ValueError("appliquer_en_lot() needs an action or a suite")
        pas_max = len(self.transitions)
        with transaction.atomic(using=router.db_for_write(modele)):
            qs = modele._default_manager.select_for_update().filter(pk__any=ids).order_by("pk")
            if champs is not None:
                qs = qs.only(self.champ_statut, *champs)
            # (step, action, from, to) -> the objects that take this transition at this step.
            etapes: dict[tuple[int, str, str, str], list[models.Model]] = {}
            # (final status and fields written) -> the pks that end there.
            par_issue: dict[tuple, list[Any]] = {}
            for objet in qs:
                ecrit: dict[str, Any] = {}
                etape = (action, modifications or {}) if action is not None else suite(objet)
                pas = 0
                while etape is not None:
                    pas += 1
                    if pas > pas_max:  # more steps than transitions: the routing loops
                        raise RuntimeError(f"{self.nom}: the system's steps loop from {action}")
                    nom_action, modifs = etape
                    statut = getattr(objet, self.champ_statut)
                    t = self.trouver(statut, nom_action)
                    if t is None or ROLE_SYSTEME not in t.roles or t.motif_obligatoire:
                        break
                    setattr(objet, self.champ_statut, t.cible)
                    for champ, valeur in modifs.items():
                        setattr(objet, champ, valeur)
                    ecrit.update(modifs)
                    ecrit[self.champ_statut] = t.cible
                    etapes.setdefault((pas, nom_action, statut, t.cible), []).append(objet)
                    etape = suite(objet) if suite is not None else None
                if ecrit:
                    par_issue.setdefault(tuple(sorted(ecrit.items())), []).append(objet.pk)
            for issue, pks in par_issue.items():
                modele._default_manager.filter(pk__any=pks).update(**dict(issue))
            paires = self._historiser_en_lot(etapes)
            if paires and consigner:
                for consigne in self.consigner:
                    consigne(paires)
            for effet in self.effets if consigner else ():
                en_lot = getattr(effet, "en_lot", None)
                if en_lot is not None:
                    transaction.on_commit(partial(en_lot, paires))
                else:
                    for objet, ligne in paires:
                        transaction.on_commit(partial(effet, objet, ligne))
        return [ligne for _objet, ligne in paires]

    def _historiser_en_lot(self, etapes) -> list[tuple[models.Model, HistoriqueStatut]]:
        """Writes the history rows of `appliquer_en_lot`, step after step (so that each object's
        rows follow each other in the order of its steps), and returns (object, row) pairs.

        On PostgreSQL, one INSERT … SELECT per step and transition: the rows of a group differ
        by their object only, so only the objects' ids travel, and the rows come back with
        their ids; 1,000 objects cost a few milliseconds instead of building and sending
        thousands of instances. Elsewhere, `bulk_create`.
        """
        historique = self.historique
        base = router.db_for_write(historique)
        date = timezone.now()
        groupes = sorted(etapes.items(), key=lambda item: item[0][0])
        paires = []
        if connections[base].vendor != "postgresql" or not _historique_simple(historique):
            lignes = [
                historique(
                    objet=objet,
                    acteur=None,
                    role=ROLE_SYSTEME,
                    date=date,
                    action=nom_action,
                    statut_avant=avant,
                    statut_apres=apres,
                )
                for (_pas, nom_action, avant, apres), groupe in groupes
                for objet in groupe
            ]
            historique.objects.using(base).bulk_create(lignes)
            return [(ligne.objet, ligne) for ligne in lignes]

        connexion = connections[base]
        meta = historique._meta
        qn = connexion.ops.quote_name
        colonne = {f.attname: f.column for f in meta.concrete_fields}
        champ_objet = meta.get_field("objet")
        type_pk = champ_objet.target_field.rel_db_type(connexion)
        sql = (
            f"INSERT INTO {qn(meta.db_table)} "
            f"({', '.join(qn(colonne[a]) for a in _COLONNES_HISTORIQUE)}) "
            f"SELECT u.objet, NULL, %s, %s, %s, '', %s, %s "
            f"FROM unnest(%s::{type_pk}[]) WITH ORDINALITY AS u(objet, rang) ORDER BY u.rang "
            f"RETURNING {qn(colonne[meta.pk.attname])}, {qn(colonne['objet_id'])}"
        )
        ordre = [f.attname for f in meta.concrete_fields]
        i_pk, i_objet = ordre.index(meta.pk.attname), ordre.index("objet_id")
        with connexion.cursor() as curseur:
            for (_pas, nom_action, avant, apres), groupe in groupes:
                par_pk = {objet.pk: objet for objet in groupe}
                curseur.execute(sql, [ROLE_SYSTEME, date, nom_action, avant, apres, list(par_pk)])
                communes = {
                    "acteur_id": None,
                    "role": ROLE_SYSTEME,
                    "date": date,
                    "action": nom_action,
                    "motif": "",
                    "statut_avant": avant,
                    "statut_apres": apres,
                }
                modele_valeurs = [communes.get(a) for a in ordre]
                for pk, objet_id in curseur.fetchall():
                    valeurs = modele_valeurs.copy()
                    valeurs[i_pk], valeurs[i_objet] = pk, objet_id
                    # As the ORM loads a row: saving it again raises HistoriqueImmuable.
                    ligne = historique.from_db(base, None, valeurs)
                    objet = par_pk[objet_id]
                    champ_objet.set_cached_value(ligne, objet)
                    paires.append((objet, ligne))
        return paires


# The columns of a history row that `_historiser_en_lot` writes, in its SQL's order.
_COLONNES_HISTORIQUE = (
    "objet_id",
    "acteur_id",
    "role",
    "date",
    "action",
    "motif",
    "statut_avant",
    "statut_apres",
)


def _historique_simple(historique) -> bool:
    """A history model with the abstract fields and `objet` only (what the set-based INSERT
    writes); a subclass with more fields is written by `bulk_create`."""
    attnames = {f.attname for f in historique._meta.concrete_fields}
    return attnames == {historique._meta.pk.attname, *_COLONNES_HISTORIQUE}


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
