"""What the recipients of works pieces do, besides answering with a piece of their own:
the MOE and the MOA take a piece into account or refuse it (routing error, or another
motif), the supplier refuses a décompte général, the titulaire or mandataire validates a
sub- or co-contractor's piece, the depositor completes a piece the service financier
suspended; and the depositor corrects a routing error.

A difference in amounts is never a reason to refuse: the MOE (or MOA) corrects the amounts
in its own piece, and the dossier shows the difference.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.workflow import ActionImpossible, HistoriqueStatut
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture
from travaux.services.acheminement import DELAI_VALIDATION, piece_acheminer, verifier_route
from travaux.services.dossiers import (
    Parties,
    dossier_ouvrir_ou_continuer,
    dossier_supprimer_si_vide,
    verifier_parties,
)

# Actions a recipient applies to a piece as it stands.
ACTIONS_DE_TRAITEMENT = frozenset(
    {
        A.PRENDRE_EN_COMPTE,
        A.REFUSER,
        A.SIGNALER_ERREUR_ACHEMINEMENT,
        A.VALIDER,
        A.SIGNALER_ERREUR_VALIDEUR,
        A.COMPLETER,
    }
)
# Those that end the wait for an answer: the deadline stops.
_FIN_D_ATTENTE = frozenset({A.REFUSER, A.SIGNALER_ERREUR_ACHEMINEMENT, A.SIGNALER_ERREUR_VALIDEUR})


@transaction.atomic
def piece_traiter(*, piece: Facture, acting_user, action: str, motif: str = "") -> HistoriqueStatut:
    """Applies a recipient's `action` (see ACTIONS_DE_TRAITEMENT); a validated sub- or
    co-contractor's piece then goes on to the MOE."""
    if action not in ACTIONS_DE_TRAITEMENT:
        raise ValueError(f"{action} is not a processing action")
    modifications = {"echeance_action": None} if action in _FIN_D_ATTENTE else {}
    ligne = circuit_de(piece).appliquer(
        piece, action=action, acteur=acting_user, motif=motif, modifications=modifications
    )
    if action == A.VALIDER:
        piece_acheminer(piece=piece)
    return ligne


CHAMPS_DES_PARTIES = (
    "numero_marche",
    "titulaire",
    "moa",
    "moe",
    "service_moa",
    "structure_financiere",
    "service_financier",
)
# What the depositor may name again, by the error he corrects.
CORRIGEABLES = {
    S.ERREUR_DE_MOE: {"moe"},
    S.ERREUR_DE_MOA: {"service_moa", "moa"},
    S.A_RECYCLER: {"structure_financiere", "service_financier"},
    S.ERREUR_FOURNISSEUR_SUR_VALIDEUR: {"numero_marche", "titulaire", "moa", "moe"},
    # The mandataire, second validator after a cotraitant, says it is not the right one.
    S.ERREUR_COTRAITANT_SUR_VALIDEUR: {"numero_marche", "titulaire", "moa", "moe"},
}
ERREURS_DE_VALIDEUR = (S.ERREUR_FOURNISSEUR_SUR_VALIDEUR, S.ERREUR_COTRAITANT_SUR_VALIDEUR)


def champs_corrigeables(piece: Facture) -> set[str]:
    champs = set(CORRIGEABLES.get(piece.statut, set()))
    if piece.piece_precedente_id:
        # An answer stays in the dossier of the piece it answers.
        champs -= {"moa", "moe", "titulaire", "numero_marche"}
    return champs


@transaction.atomic
def piece_corriger_acheminement(*, piece: Facture, acting_user, parties: Parties) -> Facture:
    """After a routing error (ERREUR_DE_MOE, ERREUR_DE_MOA, A_RECYCLER) or a wrong
    validator, the depositor names the right parties. The piece keeps its number, joins the
    dossier of those parties (opened or continued), and is routed again."""
    piece = (
        Facture.objects.select_for_update(of=("self",))
        .select_related("dossier__moa", "dossier__moe", "dossier__titulaire")
        .get(pk=piece.pk)
    )
    if piece.statut not in CORRIGEABLES:
        raise ActionImpossible(
            _("Cette pièce n'a pas d'erreur d'acheminement à corriger (statut : %(statut)s).")
            % {"statut": piece.get_statut_display()}
        )
    action = A.CORRIGER_VALIDEUR if piece.statut in ERREURS_DE_VALIDEUR else A.RECYCLER
    circuit = circuit_de(piece)
    if not any(t.action == action for t in circuit.actions_possibles(piece, acting_user)):
        raise PermissionDenied
    ancien = piece.dossier
    permis = champs_corrigeables(piece)
    avant = Parties.du_dossier(ancien)
    parties = verifier_parties(parties)  # the service financier filled in, as in the dossier
    changes = {
        champ for champ in CHAMPS_DES_PARTIES if getattr(parties, champ) != getattr(avant, champ)
    }
    if changes - permis:
        raise ValidationError(
            _("Seules les données d'acheminement en erreur peuvent être corrigées.")
        )
    if not changes:
        raise ValidationError(
            _("Rien n'a changé : désignez le bon destinataire avant de renvoyer la pièce.")
        )
    nouveau = dossier_ouvrir_ou_continuer(parties=parties, acting_user=acting_user)
    verifier_route(piece, nouveau)
    modifications = {"dossier": nouveau}
    if action == A.CORRIGER_VALIDEUR:
        maintenant = timezone.now()
        if piece.statut == S.ERREUR_COTRAITANT_SUR_VALIDEUR:
            # the cotraitant's validation stands; the right mandataire validates next
            modifications["valideur_2"] = nouveau.titulaire
        else:
            # the titulaire / mandataire named again validates alone
            modifications.update(valideur_1=nouveau.titulaire, valideur_2=None)
        modifications.update(
            destinataire=nouveau.moe,
            numero_marche=nouveau.numero_marche,
            soumise_a_validation_le=maintenant,
            echeance_action=maintenant + DELAI_VALIDATION,
        )
    circuit.appliquer(piece, action=action, acteur=acting_user, modifications=modifications)
    if action == A.RECYCLER:
        piece_acheminer(piece=piece)
    if nouveau.pk != ancien.pk:
        dossier_supprimer_si_vide(ancien)
    piece.refresh_from_db()
    return piece
