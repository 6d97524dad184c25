"""Status changes of works pieces become e-mails and feed rows for the dossier's parties.

Who is told, in words:
- every party that sees the piece (travaux.acces): the titulaire, the MOE and the MOA of the
  dossier, the sub- or co-contractor for his own piece, and the cotraitant who validates his
  sub-contractor's; never the user who acted;
- the service financier's users (*Factures reçues*), when a payable piece reaches it;
- the MOA and the titulaire, when the MOE lets its 7 days pass (`travaux.delai_moe_depasse`).

Transient statuses (deposited, being routed, validated then routed at once) are not told:
the status the piece comes to rest in is. Nor is ASSOCIEE: the answer that causes it is
told in the same breath (« en réponse à … »).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from chorus import notifications
from factures.enums import A_TRAITER_PAR_DESTINATAIRE, StatutFacture
from habilitations import acces
from habilitations.enums import Application, Niveau
from travaux.acces import PRESENCES_AVEC_MOA
from travaux.routage import CADRES_SOUS_TRAITANCE

S = StatutFacture
STATUTS_DE_PASSAGE = frozenset(
    {
        S.BROUILLON,
        S.SUPPRIMEE,
        S.DEPOSEE,
        S.EN_COURS_ACHEMINEMENT,
        S.VALIDEE_1,
        S.ABSENCE_VALIDATION_1_HORS_DELAI,
        S.VALIDEE_2,
        S.ABSENCE_VALIDATION_2_HORS_DELAI,
        S.ASSOCIEE,
    }
)


def _parties(piece) -> list[tuple]:
    """The (structure, service) of every party that sees the piece in Factures de travaux."""
    dossier = piece.dossier
    parties = [(dossier.titulaire_id, None)]
    if piece.fournisseur_id != dossier.titulaire_id:
        parties.append((piece.fournisseur_id, None))
    if piece.valideur_1_id and piece.valideur_1_id != dossier.titulaire_id:
        parties.append((piece.valideur_1_id, None))  # a cotraitant, for his sub-contractor
    parvenue = piece.cadre not in CADRES_SOUS_TRAITANCE or piece.mise_a_disposition_le
    if parvenue and dossier.moe_id:
        parties.append((dossier.moe_id, None))
    if parvenue and dossier.moa.presence_moa in PRESENCES_AVEC_MOA:
        parties.append((dossier.moa_id, dossier.service_moa_id))
    return parties


def _lien_service_financier(piece) -> str:
    """Where the service financier processes the piece (Factures reçues)."""
    for nom, args in (("factures:recues_detail", [piece.pk]), ("factures:recues_synthese", [])):
        try:
            return reverse(nom, args=args)
        except NoReverseMatch:
            continue
    return reverse("espace", args=["factures-recues"])


def _contexte(piece, ligne) -> dict:
    precedente = piece.piece_precedente
    return {
        "piece_id": piece.pk,
        "numero": piece.numero,
        "cadre": piece.cadre,
        "statut": ligne.statut_apres,
        "action": ligne.action,
        "motif": ligne.motif,
        "dossier": piece.dossier.numero,
        "numero_marche": piece.dossier.numero_marche,
        "precedente": precedente.numero if precedente else "",
        "precedente_cadre": precedente.cadre if precedente else "",
    }


class _Audiences:
    """The users of the structures concerned by a batch of changes, read in a fixed number
    of queries (the access core's `habilites`), then picked party by party."""

    def __init__(self, pieces):
        travaux, recues = set(), set()
        for piece in pieces:
            travaux.update(s for s, _service in _parties(piece))
            if piece.destinataire_id:
                recues.add(piece.destinataire_id)
        niveau = Niveau.CONSULTATION
        self.travaux = acces.habilites(Application.FACTURES_TRAVAUX, niveau, travaux)
        self.recues = acces.habilites(Application.FACTURES_RECUES, niveau, recues)

    def de(self, habilites, *parties) -> list:
        users = []
        for structure_id, service_id in parties:
            users += acces.habilites_sur(habilites, structure_id, service_id)
        return users


def _evenements(piece, ligne, audiences: _Audiences) -> list[dict]:
    """The events one change of status causes, for `emettre_en_lot`."""
    contexte = _contexte(piece, ligne)
    lien_piece = reverse("travaux:piece_ouvrir", args=[piece.pk])
    evenements = []

    def evenement(type_, users, lien=lien_piece, **autres):
        users = [u for u in users if u.pk != ligne.acteur_id]
        if users:
            evenements.append(
                {
                    "type": type_,
                    "destinataires": users,
                    "contexte": {**contexte, **autres},
                    "lien": lien,
                }
            )

    dossier = piece.dossier
    if ligne.statut_apres == S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE:
        # The MOA and the supplier are told the MOE is late; the MOE gets the status change.
        avertis = [(dossier.titulaire_id, None)]
        if dossier.moa.presence_moa in PRESENCES_AVEC_MOA:
            avertis.append((dossier.moa_id, dossier.service_moa_id))
        evenement(
            "travaux.delai_moe_depasse",
            audiences.de(audiences.travaux, *avertis),
            moe=dossier.moe.raison_sociale,
        )
        evenement("travaux.statut_change", audiences.de(audiences.travaux, (dossier.moe_id, None)))
        return evenements
    evenement("travaux.statut_change", audiences.de(audiences.travaux, *_parties(piece)))
    if ligne.statut_apres in A_TRAITER_PAR_DESTINATAIRE:
        evenement(
            "travaux.piece_a_payer",
            audiences.de(audiences.recues, (piece.destinataire_id, piece.service_destinataire_id)),
            lien=_lien_service_financier(piece),
        )
    return evenements


def notifier_changements_de_statut(paires) -> None:
    """Tells the changes of a batch of (piece, history row) pairs: the deadline sweep's, or
    one change (`notifier_changement_de_statut`)."""
    paires = [
        (piece, ligne)
        for piece, ligne in paires
        if ligne.statut_apres not in STATUTS_DE_PASSAGE and piece.dossier_id is not None
    ]
    if not paires:
        return
    from factures.models import Facture

    pieces = Facture.objects.select_related(
        "dossier__moe", "dossier__moa", "piece_precedente"
    ).in_bulk([piece.pk for piece, _ligne in paires])
    audiences = _Audiences(pieces.values())
    evenements = []
    for piece, ligne in paires:
        evenements += _evenements(pieces[piece.pk], ligne, audiences)
    notifications.emettre_en_lot(evenements)


def notifier_changement_de_statut(piece, ligne) -> None:
    """Effect of every works circuit, run on commit after a transition."""
    notifier_changements_de_statut([(piece, ligne)])


# The engine hands the deadline sweep's batches over in one call.
notifier_changement_de_statut.en_lot = notifier_changements_de_statut
