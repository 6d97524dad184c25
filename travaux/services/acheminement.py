"""Routing of works pieces: where a piece goes once sent, validated or corrected.

`piece_acheminer` is the system's part (`acteur=None`): it moves the piece along its route
(travaux.routage.route) as far as no human is needed: to the titulaire / mandataire who
validates it (15 days; a sub-contractor of a cotraitant: the cotraitant, then the
mandataire, 15 days each), or to its recipient — MOE (7 days to answer), MOA, supplier, or
service financier. Each step is one transition of the engine; calling it again on a piece
already routed changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture
from travaux.enums import Destination
from travaux.routage import CADRES_SOUS_TRAITANCE, destination_finale

D = Destination
DELAI_VALIDATION = timedelta(days=15)
DELAI_MOE = timedelta(days=7)

ACTION_VERS = {
    D.MOE: A.METTRE_A_DISPOSITION_MOE,
    D.MOA: A.METTRE_A_DISPOSITION_MOA,
    D.FOURNISSEUR: A.METTRE_A_DISPOSITION_FOURNISSEUR,
    D.SERVICE_FINANCIER: A.METTRE_A_DISPOSITION,
}


def destinataire_de(dossier, destination: str):
    """(structure, service) that receives a piece going to `destination` in `dossier`."""
    if destination == D.MOE:
        return dossier.moe, None
    if destination == D.MOA:
        return dossier.moa, dossier.service_moa
    if destination in (D.FOURNISSEUR, D.VALIDEUR):
        return dossier.titulaire, None
    return dossier.payeur, dossier.service_financier


def verifier_route(piece: Facture, dossier=None) -> Destination:
    """The piece's final destination in its dossier; a ValidationError, in words, when the
    dossier's parties cannot receive it."""
    dossier = dossier or piece.dossier
    destination = destination_finale(piece.cadre, dossier.moa.presence_moa)
    if destination is None:
        raise ValidationError(
            _(
                "%(moa)s est « sans MOA » : aucune maîtrise d'ouvrage n'agit sur le portail "
                "pour ce marché, une pièce « %(cadre)s » ne peut pas lui être adressée."
            )
            % {"moa": dossier.moa.raison_sociale, "cadre": piece.get_cadre_display()}
        )
    if destination == D.MOE and dossier.moe_id is None:
        raise ValidationError(
            {
                "moe": _(
                    "Cette pièce est adressée à la maîtrise d'œuvre : désignez-la. Si elle "
                    "n'est pas sur le portail, déposez l'état d'acompte à sa place (A5 ou A6)."
                )
            }
        )
    return destination


def _prochaine_action(piece: Facture) -> tuple[str, dict] | None:
    maintenant = timezone.now()
    sous_traitance = piece.cadre in CADRES_SOUS_TRAITANCE
    if piece.statut == S.DEPOSEE and sous_traitance:
        return A.SOUMETTRE_VALIDEUR_1, {
            "soumise_a_validation_le": maintenant,
            "echeance_action": maintenant + DELAI_VALIDATION,
        }
    apres_1 = (S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI)
    if sous_traitance and piece.statut in apres_1 and piece.valideur_2_id:
        return A.SOUMETTRE_VALIDEUR_2, {
            "soumise_a_validation_le": maintenant,
            "echeance_action": maintenant + DELAI_VALIDATION,
        }
    apres_validation = (*apres_1, S.VALIDEE_2, S.ABSENCE_VALIDATION_2_HORS_DELAI)
    if piece.statut == S.DEPOSEE or (sous_traitance and piece.statut in apres_validation):
        return A.ACHEMINER, {"echeance_action": None}
    if piece.statut == S.EN_COURS_ACHEMINEMENT:
        destination = verifier_route(piece)
        structure, service = destinataire_de(piece.dossier, destination)
        attend_une_reponse = destination == D.MOE and not sous_traitance
        return ACTION_VERS[destination], {
            "destinataire": structure,
            "service_destinataire": service,
            "mise_a_disposition_le": maintenant,
            "echeance_action": maintenant + DELAI_MOE if attend_une_reponse else None,
        }
    return None


@transaction.atomic
def piece_acheminer(*, piece: Facture) -> list[str]:
    """Routes a works piece as far as the system may; returns the actions applied."""
    piece = (
        Facture.objects.select_for_update(of=("self",))
        .select_related("dossier__moa", "dossier__moe", "dossier__titulaire")
        .get(pk=piece.pk)
    )
    circuit = circuit_de(piece)
    appliquees = []
    while (suivante := _prochaine_action(piece)) is not None:
        action, modifications = suivante
        circuit.appliquer(piece, action=action, acteur=None, modifications=modifications)
        appliquees.append(action)
        if action in (A.SOUMETTRE_VALIDEUR_1, A.SOUMETTRE_VALIDEUR_2):
            break  # the cotraitant, titulaire or mandataire acts now
    return appliquees
