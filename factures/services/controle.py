"""The checks of a deposited structured file, run by a Celery task after the deposit.

XSD, EN 16931 and French schematrons and the portal's business rules (`factures.formats`)
give findings (`Constat`); each becomes an `Anomalie` row shown next to the field it concerns.
The draft's `etat_controle` goes EN_COURS → TERMINE (or ECHEC when the checks cannot run).
Idempotent: a draft whose checks are over is left as it is; the findings are written under a
row lock, all at once (three statements: the read, a conditional UPDATE, the COPY of the
findings).
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

from chorus.copie import copier_instances
from chorus.documents import DocumentRefuse
from factures.enums import EtatControle
from factures.formats.controles import controler
from factures.formats.donnees import Constat
from factures.models import Anomalie, Facture

logger = logging.getLogger(__name__)

_LONGUEURS = {"regle": 100, "terme": 20, "champ": 60, "emplacement": 500}


def anomalie_de(facture_id: int, constat: Constat) -> Anomalie:
    return Anomalie(
        facture_id=facture_id,
        regle=constat.regle[: _LONGUEURS["regle"]],
        severite=constat.severite,
        source=constat.source,
        terme=(constat.terme or "")[: _LONGUEURS["terme"]],
        champ=(constat.champ or "")[: _LONGUEURS["champ"]],
        message=constat.message,
        emplacement=(constat.emplacement or "")[: _LONGUEURS["emplacement"]],
    )


def _terminer(facture_id: int, etat: str, constats: list[Constat]) -> bool:
    """Writes the findings and the new state, unless the checks were already over.

    The conditional UPDATE locks the row and says whether this run is the one that ends the
    checks: no SELECT … FOR UPDATE then save. The findings can be computed again from the
    stored file, so their commit does not wait for the disk (PostgreSQL's synchronous_commit
    off, for this transaction only): a server crash within the next fraction of a second can
    only leave the draft "checks in progress", and the beat task that enqueues the checks
    still waiting (`relancer_controles_en_attente`) runs them again."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute("SET LOCAL synchronous_commit TO OFF")
        fini = Facture.objects.filter(pk=facture_id, etat_controle=EtatControle.EN_COURS).update(
            etat_controle=etat
        )
        if not fini:
            return False
        # No findings to replace: a draft is EN_COURS only from its deposit until this one
        # UPDATE, which only one run of the task can make.
        copier_instances(Anomalie, [anomalie_de(facture_id, c) for c in constats])
    return True


def controler_par_id(facture_id: int) -> int | None:
    """Runs the checks of the deposited file of invoice `facture_id`; returns the number of
    findings (None when the checks were already over, or could not run)."""
    # Read here, with what the checks need only: the task may run twice (or after the
    # deposit's own eager run), and the draft may have changed since it was enqueued.
    facture = (
        Facture.objects.filter(pk=facture_id, etat_controle=EtatControle.EN_COURS)
        .select_related("document_original")
        .only("pk", "format_depot", "document_original__fichier")
        .first()
    )
    if facture is None or facture.document_original is None:
        return None
    with facture.document_original.fichier.open("rb") as fichier:
        data = fichier.read()
    try:
        constats = controler(data, facture.format_depot)
    except DocumentRefuse:
        # Read at the deposit, unreadable now: the stored file is not what was deposited.
        logger.exception("invoice %s: its file cannot be checked any more", facture_id)
        _terminer(facture_id, EtatControle.ECHEC, [])
        return None
    except Exception:
        # A check that crashes (a schematron engine error…) must not leave the draft waiting
        # forever: the user is told the checks could not run.
        logger.exception("invoice %s: the checks crashed", facture_id)
        _terminer(facture_id, EtatControle.ECHEC, [])
        return None
    _terminer(facture_id, EtatControle.TERMINE, constats)
    return len(constats)


def facture_controler(*, facture: Facture) -> int | None:
    """`controler_par_id` for an invoice (re-read: only its id is used)."""
    return controler_par_id(facture.pk)


def factures_en_attente_de_controle(*, avant):
    """Drafts whose checks were enqueued before `avant` and never ran (task lost)."""
    return Facture.objects.filter(
        etat_controle=EtatControle.EN_COURS, statut="BROUILLON", cree_le__lt=avant
    )
