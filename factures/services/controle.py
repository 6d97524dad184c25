"""The checks of a deposited structured file, run by a Celery task after the deposit.

XSD, EN 16931 and French schematrons and the portal's business rules (`factures.formats`)
give findings (`Constat`); each becomes an `Anomalie` row shown next to the field it concerns.
The draft's `etat_controle` goes EN_COURS → TERMINE (or ECHEC when the checks cannot run).
Idempotent: a draft whose checks are over is left as it is; the findings are written under a
row lock, all at once.
"""

from __future__ import annotations

import logging

from django.db import transaction

from chorus.documents import DocumentRefuse
from factures.enums import EtatControle
from factures.formats.controles import controler
from factures.formats.donnees import Constat
from factures.models import Anomalie, Facture

logger = logging.getLogger(__name__)

_LONGUEURS = {"regle": 100, "terme": 20, "champ": 60, "emplacement": 500}


def anomalie_de(facture: Facture, constat: Constat) -> Anomalie:
    return Anomalie(
        facture=facture,
        regle=constat.regle[: _LONGUEURS["regle"]],
        severite=constat.severite,
        source=constat.source,
        terme=(constat.terme or "")[: _LONGUEURS["terme"]],
        champ=(constat.champ or "")[: _LONGUEURS["champ"]],
        message=constat.message,
        emplacement=(constat.emplacement or "")[: _LONGUEURS["emplacement"]],
    )


def _terminer(facture: Facture, etat: str, constats: list[Constat]) -> bool:
    with transaction.atomic():
        verrouillee = Facture.objects.select_for_update().filter(pk=facture.pk).first()
        if verrouillee is None or verrouillee.etat_controle != EtatControle.EN_COURS:
            return False
        verrouillee.anomalies.all().delete()
        Anomalie.objects.bulk_create(anomalie_de(verrouillee, c) for c in constats)
        verrouillee.etat_controle = etat
        verrouillee.save(update_fields=["etat_controle"])
    return True


def facture_controler(*, facture: Facture) -> int | None:
    """Runs the checks of the deposited file; returns the number of findings (None when the
    checks were already over, or could not run)."""
    if facture.etat_controle != EtatControle.EN_COURS or facture.document_original_id is None:
        return None
    with facture.document_original.fichier.open("rb") as fichier:
        data = fichier.read()
    try:
        constats = controler(data, facture.format_depot)
    except DocumentRefuse:
        # Read at the deposit, unreadable now: the stored file is not what was deposited.
        logger.exception("invoice %s: its file cannot be checked any more", facture.pk)
        _terminer(facture, EtatControle.ECHEC, [])
        return None
    except Exception:
        # A check that crashes (a schematron engine error…) must not leave the draft waiting
        # forever: the user is told the checks could not run.
        logger.exception("invoice %s: the checks crashed", facture.pk)
        _terminer(facture, EtatControle.ECHEC, [])
        return None
    _terminer(facture, EtatControle.TERMINE, constats)
    return len(constats)


def factures_en_attente_de_controle(*, avant):
    """Drafts whose checks were enqueued before `avant` and never ran (task lost)."""
    return Facture.objects.filter(
        etat_controle=EtatControle.EN_COURS, statut="BROUILLON", cree_le__lt=avant
    )
