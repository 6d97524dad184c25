"""Sending a draft: "Valider et envoyer" (domain §6.1).

`facture_envoyer` checks every rule (`verifications.verifier_avant_envoi`), then moves the
draft to DEPOSEE through the engine (history row, `deposee_le`), in one transaction. After
commit, Celery routes it (`facture_acheminer`: A9/A12 to the first validator, else to the
recipient), establishes the certificat de dépôt and renders the invoice's document.

A duplicate (same supplier, number and year of the invoice date) is refused with a message
naming the invoice already sent, which is never touched. Two sends racing on the same
number are settled by the database's partial unique constraint: one wins, the other gets the
same message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.models import Facture
from factures.services import rendu, verifications
from factures.services.saisie import exiger_fournisseur

CONTRAINTE_DOUBLON = "facture_numero_unique_par_fournisseur_et_annee"


def _planifier_la_suite(facture: Facture) -> None:
    """After commit: routing, then the certificat de dépôt and the rendering (each task is
    idempotent; a beat task re-enqueues renderings lost with a worker)."""
    from factures import tasks  # tasks import the services

    facture_id, cadre = facture.pk, facture.cadre
    transaction.on_commit(lambda: tasks.acheminer_facture.delay(facture_id, cadre))
    rendu.facture_planifier_rendu(facture=facture)


def facture_envoyer(*, facture: Facture, acting_user) -> Facture:
    """Sends the draft; raises ValidationError (keyed by field) or TransitionRefusee."""
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    try:
        return _envoyer(facture.pk, acting_user)
    except IntegrityError as erreur:
        if CONTRAINTE_DOUBLON not in str(erreur):
            raise
    # Another send of the same number committed first (the transaction is rolled back
    # now): name it.
    existante = verifications.doublon_de(facture)
    message = (
        verifications.message_doublon(existante)
        if existante is not None
        else verifications.message_numero()
    )
    raise ValidationError({"numero": [message]})


@transaction.atomic
def _envoyer(facture_id: int, acting_user) -> Facture:
    # Locked and read once, with what the checks count (lines, findings, a duplicate).
    facture = verifications.avec_les_comptes_de_l_envoi(
        Facture.objects.select_for_update(of=("self",)).select_related(
            "destinataire", "service_destinataire", "coordonnee_bancaire"
        )
    ).get(pk=facture_id)
    manques = verifications.verifier_avant_envoi(facture)
    if manques:
        raise verifications.erreur(manques)
    circuit_de(facture).appliquer(
        facture,
        action=A.VALIDER_ET_ENVOYER,
        acteur=acting_user,
        modifications={"deposee_le": timezone.now()},
        deja_verrouille=True,  # locked and read above, in this transaction
        # This transaction holds the sending alone: a refused write rolls it back whole,
        # and the duplicate it may reveal is named after the rollback.
        savepoint=False,
    )
    _planifier_la_suite(facture)
    return facture
