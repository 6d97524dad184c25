"""Who is told when an invoice changes status: an effect of the invoice circuits (core 4).

Every transition the engine applies calls `notifier_changement` on commit (the deadline sweep
calls `notifier_changements` once per batch). One *change*, as users see it, is the chain of
transitions one action causes in one transaction: a validation followed by the routing to
the recipient (VALIDEE_1, EN_COURS_ACHEMINEMENT, MISE_A_DISPOSITION) is one change, told
once, with its steps. The effects of a chain run one after the other right after the
commit; those of its earlier steps see that a later history row exists and leave their
rows to the last one (kept meanwhile in a per-thread buffer).

Audiences:
- the supplier's users (*Factures émises*, on the supplier structure or its service): one
  event per invoice and change, unless the status is MISE_EN_PAIEMENT at a recipient that
  keeps it to itself (`mise_en_paiement_non_remontee`);
- the validator's users (*Factures à valider – modification*) when invoices await them;
- the recipient's users (*Factures reçues – modification*, on the structure or the invoice's
  service) when invoices reach them (MISE_A_DISPOSITION, COMPLETEE).
Validators and recipients get one event per structure (and service) for all the invoices of
a call: a sweep that routes 1,000 invoices to one commune tells its agents once.

E-mails follow each user's opt-in (the notifications core), in his language.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Max, OuterRef, Subquery
from django.urls import NoReverseMatch, reverse

from chorus import notifications
from factures.enums import A_TRAITER_PAR_DESTINATAIRE
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture, FactureHistorique
from habilitations import acces
from habilitations.enums import Application, Niveau

# Invoices listed in a grouped e-mail; the others are counted.
FACTURES_LISTEES_MAX = 20
_TAMPON_MAX = 10_000

_chaines = threading.local()


def _tampon() -> dict[int, list[FactureHistorique]]:
    if not hasattr(_chaines, "lignes"):
        _chaines.lignes = {}
    return _chaines.lignes


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


def notifier_changements(paires) -> None:
    """Tells each audience about the chains of transitions that end in `paires`."""
    if not paires:
        return
    # What the events say of the invoices and their last history row, in one query.
    lues = {f.pk: f for f in _lire({facture.pk for facture, _ligne in paires})}
    tampon = _tampon()
    chaines: dict[int, list[FactureHistorique]] = {}
    for facture, ligne in paires:
        lue = lues.get(facture.pk)
        if lue is not None and lue.dernier is not None and ligne.pk < lue.dernier:
            # A later step of the same action follows: it will tell the whole chain.
            tampon.setdefault(facture.pk, []).append(ligne)
            continue
        chaines[facture.pk] = [*tampon.pop(facture.pk, []), ligne]
    if len(tampon) > _TAMPON_MAX:  # rows left by a concurrent change: never let it grow
        tampon.clear()
    if chaines:
        _emettre(chaines, [lues[pk] for pk in sorted(chaines) if pk in lues])


def notifier_changement(facture, ligne) -> None:
    collecte = getattr(_chaines, "collecte", None)
    if collecte is not None:
        collecte.append((facture, ligne))
        return
    notifier_changements([(facture, ligne)])


@contextmanager
def notifications_groupees():
    """Within this block, the changes committed (each in its own transaction, e.g. a batch
    of actions) are told together when it ends: one e-mail per recipient structure for all
    of them, and a few queries instead of a few per invoice."""
    if getattr(_chaines, "collecte", None) is not None:  # already grouping: join it
        yield
        return
    _chaines.collecte = []
    try:
        yield
    finally:
        paires, _chaines.collecte = _chaines.collecte, None
        notifier_changements(paires)


# The engine gives the deadline sweep's batches in one call.
notifier_changement.en_lot = notifier_changements


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
    dernier: int | None  # its last history row


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
            # MAX per invoice, grouped: read from the index on objet, never by walking the
            # primary key backwards from the newest row.
            dernier=Subquery(
                FactureHistorique.objects.filter(objet=OuterRef("pk"))
                .order_by()
                .values("objet")
                .annotate(dernier=Max("pk"))
                .values("dernier")
            ),
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


def _contexte_fournisseur(facture: _Facture, chaine: list[FactureHistorique]) -> dict | None:
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


def _emettre(chaines: dict[int, list[FactureHistorique]], factures: list[_Facture]) -> None:
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
