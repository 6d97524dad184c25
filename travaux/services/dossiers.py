"""Opening or continuing the dossier of a works contract, and checking its parties.

A dossier is identified by its contract: the market number, the titulaire, the maîtrise
d'ouvrage and the maîtrise d'œuvre (none when it is not on the portal). The first deposit
for a contract opens it; the next ones, by anyone naming the same contract, continue it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from structures.enums import PresenceMoa, StatutService, StatutStructure
from structures.models import Service, Structure
from travaux.models import DossierFacturation


@dataclass(frozen=True)
class Parties:
    """The parties of a works contract, as a depositor names them."""

    numero_marche: str
    titulaire: Structure
    moa: Structure
    moe: Structure | None = None
    service_moa: Service | None = None
    structure_financiere: Structure | None = None
    service_financier: Service | None = None

    @classmethod
    def du_dossier(cls, dossier: DossierFacturation, **changements) -> Parties:
        valeurs = {
            "numero_marche": dossier.numero_marche,
            "titulaire": dossier.titulaire,
            "moa": dossier.moa,
            "moe": dossier.moe,
            "service_moa": dossier.service_moa,
            "structure_financiere": dossier.structure_financiere,
            "service_financier": dossier.service_financier,
        }
        return cls(**{**valeurs, **changements})


def _service_actif(service: Service | None, structure: Structure, champ: str, erreurs: dict):
    if service is None:
        return
    if service.structure_id != structure.pk:
        erreurs[champ] = _("Ce service n'appartient pas à %(structure)s.") % {
            "structure": structure.raison_sociale
        }
    elif service.statut != StatutService.ACTIF:
        erreurs[champ] = _("Le service %(code)s est inactif.") % {"code": service.code}


def verifier_parties(parties: Parties) -> Parties:
    """Checks the parties against the structures' parameters; returns them with the service
    financier filled in (the MOA structure itself unless it is « exclusivement MOA »).
    Raises a ValidationError keyed by the deposit form's fields."""
    erreurs: dict[str, str] = {}
    numero_marche = parties.numero_marche.strip()
    if not numero_marche:
        erreurs["numero_marche"] = _("Le numéro de marché est obligatoire.")
    if parties.titulaire.statut != StatutStructure.ACTIVE:
        erreurs["titulaire"] = _("La structure titulaire est inactive.")
    moa = parties.moa
    if not moa.est_publique or moa.statut != StatutStructure.ACTIVE:
        erreurs["moa"] = _("La maîtrise d'ouvrage doit être une entité publique active du portail.")
    _service_actif(parties.service_moa, moa, "service_moa", erreurs)
    moe = parties.moe
    if moe is not None:
        if moe.statut != StatutStructure.ACTIVE:
            erreurs["moe"] = _("La maîtrise d'œuvre désignée est inactive.")
        elif moe.presence_moa == PresenceMoa.EXCLUSIVEMENT_MOA:
            erreurs["moe"] = _(
                "Cette structure agit exclusivement comme maîtrise d'ouvrage : elle ne peut "
                "pas être maîtrise d'œuvre."
            )
        elif moe.pk == parties.titulaire.pk:
            erreurs["moe"] = _("Le titulaire ne peut pas être sa propre maîtrise d'œuvre.")
    financiere = parties.structure_financiere
    if moa.presence_moa == PresenceMoa.EXCLUSIVEMENT_MOA:
        if financiere is None or financiere.pk == moa.pk:
            erreurs["structure_financiere"] = _(
                "%(moa)s agit exclusivement comme maîtrise d'ouvrage : désignez l'entité "
                "publique dont le service financier paiera les pièces."
            ) % {"moa": moa.raison_sociale}
        elif not financiere.est_publique or financiere.statut != StatutStructure.ACTIVE:
            erreurs["structure_financiere"] = _(
                "Le service financier doit relever d'une entité publique active."
            )
        elif financiere.presence_moa == PresenceMoa.EXCLUSIVEMENT_MOA:
            erreurs["structure_financiere"] = _(
                "Cette structure agit exclusivement comme maîtrise d'ouvrage : elle ne reçoit "
                "pas de pièces à payer."
            )
    else:
        # The MOA structure pays its own pieces.
        if financiere is not None and financiere.pk != moa.pk:
            erreurs["structure_financiere"] = _(
                "%(moa)s paie elle-même ses pièces : ne désignez pas d'autre service financier."
            ) % {"moa": moa.raison_sociale}
        financiere = moa
    if "structure_financiere" not in erreurs:
        _service_actif(parties.service_financier, financiere, "service_financier", erreurs)
        if (
            financiere.code_service_obligatoire
            and parties.service_financier is None
            and "service_financier" not in erreurs
        ):
            erreurs["service_financier"] = _(
                "%(structure)s exige un code service : indiquez celui de son service financier."
            ) % {"structure": financiere.raison_sociale}
    if erreurs:
        raise ValidationError(erreurs)
    return Parties(
        numero_marche=numero_marche,
        titulaire=parties.titulaire,
        moa=moa,
        moe=moe,
        service_moa=parties.service_moa,
        structure_financiere=financiere,
        service_financier=parties.service_financier,
    )


def _numeroter(dossier: DossierFacturation) -> None:
    dossier.numero = f"DF-{dossier.cree_le:%Y}-{dossier.pk:06d}"
    dossier.save(update_fields=["numero"])


@transaction.atomic
def dossier_ouvrir_ou_continuer(*, parties: Parties, acting_user) -> DossierFacturation:
    """The dossier of the contract the parties name: the existing one, or a new one.

    A continued dossier takes the services named now (MOA's service, service financier) when
    they are given: the contract's routing is the latest one its parties stated."""
    parties = verifier_parties(parties)
    cle = {
        "titulaire": parties.titulaire,
        "numero_marche": parties.numero_marche,
        "moa": parties.moa,
        "moe": parties.moe,
    }
    valeurs = {
        "structure_financiere": parties.structure_financiere,
        "service_financier": parties.service_financier,
        "service_moa": parties.service_moa,
    }
    dossier = DossierFacturation.objects.select_for_update().filter(**cle).first()
    if dossier is None:
        try:
            with transaction.atomic():
                dossier = DossierFacturation.objects.create(
                    numero=f"provisoire-{uuid.uuid4().hex[:16]}",
                    cree_par=acting_user,
                    **cle,
                    **valeurs,
                )
                _numeroter(dossier)
                return dossier
        except IntegrityError:
            # Opened meanwhile by another deposit for the same contract: continue it.
            dossier = DossierFacturation.objects.select_for_update().get(**cle)
    changes = [
        champ
        for champ, valeur in valeurs.items()
        if valeur is not None and getattr(dossier, champ) != valeur
    ]
    for champ in changes:
        setattr(dossier, champ, valeurs[champ])
    if changes:
        dossier.save(update_fields=changes)
    return dossier


def dossier_supprimer_si_vide(dossier: DossierFacturation) -> bool:
    """Removes a dossier left without any piece (after a piece moved to the right one)."""
    if dossier.pieces.exists():
        return False
    dossier.delete()
    return True
