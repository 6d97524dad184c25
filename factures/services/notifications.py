"""Who is told when an invoice changes status: an effect of the invoice circuits (core 4).

Every transition the engine applies is recorded, in its own transaction, as a change to
announce (`AnnonceEnAttente`, an outbox: `consigner`). On commit, a sweep is scheduled
(`planifier_annonce`): the task `annoncer_changements` takes the pending rows a second
later and tells them (`annoncer_en_attente`), hundreds of invoices in a handful of queries.
A change is never lost between its commit and its notifications: a sweep that fails leaves
its rows for the next one, and a beat task sweeps every minute. Sweeps take turns (a
transaction-level advisory lock on PostgreSQL): two sweeps running at once never tell two
changes of one invoice in the opposite order.

One *change*, as users see it, is the chain of transitions of an invoice a sweep finds
pending: a validation followed by the routing to the recipient (VALIDEE_1,
EN_COURS_ACHEMINEMENT, MISE_A_DISPOSITION) is one change, told once, with its steps.

Audiences:
- the supplier's users (*Factures émises*, on the supplier structure or its service): one
  event per invoice and change, unless the status is MISE_EN_PAIEMENT at a recipient that
  keeps it to itself (`mise_en_paiement_non_remontee`);
- the validator's users (*Factures à valider – modification*) when invoices await them;
- the recipient's users (*Factures reçues – modification*, on the structure or the invoice's
  service) when invoices reach them (MISE_A_DISPOSITION, COMPLETEE).
Validators and recipients get one event per structure (and service) for all the invoices of
a sweep: a deadline sweep that routes 1,000 invoices to one commune tells its agents once.

E-mails follow each user's opt-in (the notifications core), in his language.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse

from chorus import notifications
from factures.enums import A_TRAITER_PAR_DESTINATAIRE
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import AnnonceEnAttente, Facture, FactureHistorique
from habilitations import acces
from habilitations.enums import Application, Niveau

# Invoices listed in a grouped e-mail; the others are counted.
FACTURES_LISTEES_MAX = 20
# Pending changes a sweep takes per transaction.
ANNONCES_PAR_LOT = 5_000
# The sweep runs this long after the commit that schedules it, so that the changes of that
# second are told together; a process schedules at most one sweep per half of it (the other
# half is a margin for the clocks of the worker and of this process).
DELAI_ANNONCE = 1.0

_local = threading.local()


def _lien(nom: str, *args) -> str:
    try:
        return reverse(nom, args=args)
    except NoReverseMatch:
        return ""


def lien_fournisseur(facture_id: int) -> str:
    """Where the supplier follows the invoice (its detail page in Factures émises)."""
    return _lien("factures:emises_detail", facture_id)


# An id no invoice has, to reverse the detail URL once per batch (`_liens_fournisseur`).
_ID_MODELE = 987654321987


def _liens_fournisseur():
    """`lien_fournisseur` for many invoices: `reverse` costs tens of microseconds, a sweep of
    1,000 invoices would pay it 1,000 times; the URL is reversed once with a placeholder id
    (the pattern's only argument), then each id is put in its place."""
    modele = lien_fournisseur(_ID_MODELE)
    if not modele:
        return lambda _facture_id: ""
    avant, _sep, apres = modele.partition(str(_ID_MODELE))
    return lambda facture_id: f"{avant}{facture_id}{apres}"


# --- The outbox: recorded with the change, swept after commit ------------------------------


def consigner(paires) -> None:
    """The engine's `consigner`: the history rows just written are changes to announce. On
    PostgreSQL their ids travel as one array (a deadline sweep writes 2,000 at a time)."""
    ids = [ligne.pk for _facture, ligne in paires]
    connexion = connections[router.db_for_write(AnnonceEnAttente)]
    if connexion.vendor != "postgresql":
        AnnonceEnAttente.objects.bulk_create(AnnonceEnAttente(historique_id=pk) for pk in ids)
        return
    with connexion.cursor() as curseur:
        curseur.execute(f"INSERT INTO {_TABLE} (historique_id) SELECT unnest(%s::bigint[])", [ids])


_TABLE = AnnonceEnAttente._meta.db_table
# The key of the advisory lock sweeps take turns with (any constant the portal uses for
# nothing else).
CLE_DU_TOUR = 0x434850_414E4E  # "CHP", "ANN"


def _attendre_son_tour() -> None:
    """Waits until no other sweep holds a batch; held until the caller's transaction ends.
    SQLite writes one transaction at a time anyway."""
    connexion = connections[router.db_for_write(AnnonceEnAttente)]
    if connexion.vendor == "postgresql":
        with connexion.cursor() as curseur:
            curseur.execute("SELECT pg_advisory_xact_lock(%s)", [CLE_DU_TOUR])


def _prendre(limite: int) -> list[int]:
    """Takes (deletes, within the caller's transaction) up to `limite` pending changes that
    no other sweep holds, oldest first; returns their history ids."""
    connexion = connections[router.db_for_write(AnnonceEnAttente)]
    if connexion.vendor != "postgresql":
        ids = list(AnnonceEnAttente.objects.order_by("pk").values_list("pk", flat=True)[:limite])
        AnnonceEnAttente.objects.filter(historique__pk__in=ids).delete()
        return ids
    with connexion.cursor() as curseur:
        curseur.execute(
            # The ids taken first, as one array (an InitPlan): the DELETE then finds its rows
            # through the primary key, never by scanning a table of 300,000 pending rows.
            f"DELETE FROM {_TABLE} WHERE historique_id = ANY(ARRAY(SELECT historique_id "
            f"FROM {_TABLE} ORDER BY historique_id LIMIT %s FOR UPDATE SKIP LOCKED)) "
            "RETURNING historique_id",
            [limite],
        )
        return [pk for (pk,) in curseur.fetchall()]


def declencher(_facture=None, _ligne=None) -> None:
    """The engine's effect, on commit: a sweep will tell the change."""
    if getattr(_local, "groupe", None) is not None:
        _local.groupe.append(True)  # told when the group ends
        return
    planifier_annonce()


declencher.en_lot = lambda paires: declencher() if paires else None


def planifier_annonce() -> None:
    """Schedules the sweep. Run eagerly (no broker: development, tests), it tells the
    changes at once. Through a broker, it runs `DELAI_ANNONCE` later, and this process does
    not schedule another one before half of that: a change committed meanwhile is swept by
    the one scheduled (the beat task catches up if a message is lost)."""
    from factures import tasks

    if tasks.annoncer_changements.app.conf.task_always_eager:
        tasks.annoncer_changements.delay()
        return
    maintenant = time.monotonic()
    if maintenant < getattr(_local, "prochaine", 0.0):
        return
    from kombu.exceptions import OperationalError

    try:
        tasks.annoncer_changements.apply_async(countdown=DELAI_ANNONCE)
    except OperationalError:
        # The broker is down: the changes stay pending, the beat task tells them later.
        # Raising would turn the committed action into an error page.
        return
    _local.prochaine = maintenant + DELAI_ANNONCE / 2


def oublier_planification() -> None:
    """Lets this thread schedule a sweep at once (a new broker or queue: tests)."""
    _local.prochaine = 0.0


@contextmanager
def notifications_groupees():
    """Within this block, the changes committed (each in its own transaction, e.g. a batch
    of actions) are told together when it ends: one e-mail per recipient structure for all
    of them."""
    if getattr(_local, "groupe", None) is not None:  # already grouping: join it
        yield
        return
    _local.groupe = []
    try:
        yield
    finally:
        a_annoncer, _local.groupe = _local.groupe, None
        if a_annoncer:
            planifier_annonce()


def annoncer_au_commit(paires) -> None:
    """Tells, on commit, the changes of a batch written without the outbox (the deadline
    sweep: `appliquer_en_lot(consigner=False)`): 1,000 invoices and their 3,000 steps at a
    time, straight from the rows in hand, instead of 3,000 outbox rows written then swept.
    A process lost between the commit and this hook loses these notifications."""
    chaines: dict[int, list] = defaultdict(list)
    for facture, ligne in paires:
        chaines[facture.pk].append(ligne)
    if chaines:
        transaction.on_commit(lambda: _emettre(chaines, _lire(chaines)))


def annoncer_en_attente(limite: int = ANNONCES_PAR_LOT) -> int:
    """Tells the pending changes, `limite` at a time, oldest first, each batch in one
    transaction; returns how many history rows were told. Batches are told one at a time
    whatever the number of sweeps (`_attendre_son_tour`), so a change is told after those
    that came before it, and never twice. A batch that fails is rolled back and stays
    pending."""
    total = 0
    while True:
        with transaction.atomic():
            _attendre_son_tour()
            ids = _prendre(limite)
            if not ids:
                return total
            chaines: dict[int, list] = defaultdict(list)
            # What the events say of each step, as light rows (a sweep reads thousands).
            for ligne in (
                FactureHistorique.objects.filter(pk__any=ids)
                .order_by("pk")
                .values_list("objet_id", "action", "motif", "statut_apres", named=True)
            ):
                chaines[ligne.objet_id].append(ligne)
            _emettre(chaines, _lire(chaines))
        total += len(ids)
        if len(ids) < limite:
            return total


@dataclass(frozen=True, slots=True)
class _Facture:
    """What the events say of an invoice, read in one query of values (`_lire`): a sweep
    tells about 1,000 invoices at a time, and model instances with their structures would
    cost three times as much to build."""

    pk: int
    numero: str
    statut: str
    montant_ttc: Decimal
    devise: str
    echeance_action: datetime | None
    fournisseur_id: int
    service_fournisseur_id: int | None
    fournisseur_nom: str
    destinataire_id: int | None
    service_destinataire_id: int | None
    destinataire_nom: str | None
    non_remontee: bool | None
    valideur_1_id: int | None
    valideur_2_id: int | None


def _lire(ids) -> list[_Facture]:
    lignes = (
        Facture.objects.filter(pk__any=list(ids))
        .order_by("pk")
        .values(
            "pk",
            "numero",
            "statut",
            "montant_ttc",
            "devise",
            "echeance_action",
            "fournisseur_id",
            "service_fournisseur_id",
            "destinataire_id",
            "service_destinataire_id",
            "valideur_1_id",
            "valideur_2_id",
            fournisseur_nom=F("fournisseur__raison_sociale"),
            destinataire_nom=F("destinataire__raison_sociale"),
            non_remontee=F("destinataire__mise_en_paiement_non_remontee"),
        )
    )
    return [_Facture(**ligne) for ligne in lignes]


def _visible_du_fournisseur(facture: _Facture, statut: str) -> bool:
    return not (statut == S.MISE_EN_PAIEMENT and facture.non_remontee)


def _resume(facture: _Facture) -> dict:
    return {
        "facture_id": facture.pk,
        "numero": facture.numero,
        "fournisseur": facture.fournisseur_nom,
        "destinataire_nom": facture.destinataire_nom or "",
        "montant_ttc": str(facture.montant_ttc),
        "devise": facture.devise,
    }


def _contexte_fournisseur(facture: _Facture, chaine: list) -> dict | None:
    etapes = [
        ligne.statut_apres
        for ligne in chaine
        if facture.destinataire_id is None or _visible_du_fournisseur(facture, ligne.statut_apres)
    ]
    if not etapes:
        return None
    avec_motif = [ligne for ligne in chaine if ligne.motif]
    return {
        **_resume(facture),
        "statut": etapes[-1],
        "etapes": etapes,
        "motif": avec_motif[-1].motif if avec_motif else "",
        "action_motif": avec_motif[-1].action if avec_motif else "",
        "tacite": any(ligne.action == A.CONSTATER_ABSENCE_VALIDATION for ligne in chaine),
    }


def _emettre(chaines: dict[int, list], factures: list[_Facture]) -> None:
    lien_detail = _liens_fournisseur()
    fournisseurs = acces.habilites(
        Application.FACTURES_EMISES, Niveau.CONSULTATION, {f.fournisseur_id for f in factures}
    )
    evenements = []
    # (structure, service or None) -> invoices, for the grouped audiences.
    a_valider: dict[int, list[_Facture]] = defaultdict(list)
    a_traiter: dict[tuple[int, int | None], list[_Facture]] = defaultdict(list)
    for facture in factures:
        chaine = chaines[facture.pk]
        final = chaine[-1].statut_apres
        qui = acces.habilites_sur(
            fournisseurs, facture.fournisseur_id, facture.service_fournisseur_id
        )
        if qui and (contexte := _contexte_fournisseur(facture, chaine)) is not None:
            evenements.append(
                {
                    "type": "factures.statut_fournisseur",
                    "destinataires": qui,
                    "contexte": contexte,
                    "lien": lien_detail(facture.pk),
                }
            )
        if final == S.A_VALIDER_1 and facture.valideur_1_id:
            a_valider[facture.valideur_1_id].append(facture)
        elif final == S.A_VALIDER_2 and facture.valideur_2_id:
            a_valider[facture.valideur_2_id].append(facture)
        elif final in A_TRAITER_PAR_DESTINATAIRE and facture.destinataire_id:
            a_traiter[(facture.destinataire_id, facture.service_destinataire_id)].append(facture)

    if a_valider:
        lien = _lien("factures:valider_synthese")
        valideurs = acces.habilites(
            Application.FACTURES_A_VALIDER, Niveau.MODIFICATION, set(a_valider)
        )
        for structure_id, groupe in sorted(a_valider.items()):
            # A structure nobody may act for is told nothing: no event to build.
            if qui := acces.habilites_sur(valideurs, structure_id):
                evenements.append(_evenement_groupe("factures.a_valider", qui, groupe, lien))
    if a_traiter:
        lien = _lien("factures:recues_synthese")
        destinataires = acces.habilites(
            Application.FACTURES_RECUES, Niveau.MODIFICATION, {s for s, _ in a_traiter}
        )
        for (structure_id, service_id), groupe in sorted(
            a_traiter.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        ):
            if qui := acces.habilites_sur(destinataires, structure_id, service_id):
                evenements.append(_evenement_groupe("factures.a_traiter", qui, groupe, lien))
    notifications.emettre_en_lot(evenements)


def _evenement_groupe(type_: str, destinataires: list, groupe: list[_Facture], lien: str) -> dict:
    premiere = groupe[0]
    return {
        "type": type_,
        "destinataires": destinataires,
        "contexte": {
            "nombre": len(groupe),
            "structure": (
                (premiere.destinataire_nom or "") if type_ == "factures.a_traiter" else ""
            ),
            "factures": [
                {**_resume(f), "statut": f.statut, "echeance": _iso(f.echeance_action)}
                for f in groupe[:FACTURES_LISTEES_MAX]
            ],
            "autres": max(0, len(groupe) - FACTURES_LISTEES_MAX),
        },
        "lien": lien,
    }


def _iso(date) -> str:
    return date.isoformat() if date else ""
