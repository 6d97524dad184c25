"""Status changes of works pieces become e-mails and feed rows for the dossier's parties.

Who is told, in words:
- every party that sees the piece (travaux.acces): the titulaire, the MOE and the MOA of the
  dossier, and the sub- or co-contractor for his own piece; never the user who acted;
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
        S.ASSOCIEE,
    }
)


def _habilites(application: str, *parties) -> list:
    """The active users who hold `application` (consultation or more) on each party, a
    (structure, service or None) pair, as the access core says (two queries)."""
    parties = [(s, service) for s, service in parties if s is not None]
    if not parties:
        return []
    habilites = acces.habilites(application, Niveau.CONSULTATION, {s.pk for s, _ in parties})
    users = []
    for structure, service in parties:
        users += acces.habilites_sur(habilites, structure.pk, service.pk if service else None)
    return users


def _parties(piece) -> list[tuple]:
    """The (structure, service) of every party that sees the piece in Factures de travaux."""
    dossier = piece.dossier
    parties = [(dossier.titulaire, None)]
    if piece.fournisseur_id != dossier.titulaire_id:
        parties.append((piece.fournisseur, None))
    parvenue = piece.cadre not in CADRES_SOUS_TRAITANCE or piece.mise_a_disposition_le
    if parvenue and dossier.moe_id:
        parties.append((dossier.moe, None))
    if parvenue and dossier.moa.presence_moa in PRESENCES_AVEC_MOA:
        parties.append((dossier.moa, dossier.service_moa))
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


def notifier_changement_de_statut(piece, ligne) -> None:
    """Effect of every works circuit, run on commit after a transition."""
    if ligne.statut_apres in STATUTS_DE_PASSAGE or piece.dossier_id is None:
        return
    piece = (
        type(piece)
        .objects.select_related(
            "dossier__titulaire",
            "dossier__moe",
            "dossier__moa",
            "dossier__service_moa",
            "piece_precedente",
            "fournisseur",
            "destinataire",
            "service_destinataire",
        )
        .get(pk=piece.pk)
    )
    dossier = piece.dossier
    contexte = _contexte(piece, ligne)
    travaux = Application.FACTURES_TRAVAUX
    lien_piece = reverse("travaux:piece_ouvrir", args=[piece.pk])

    def emettre(type_, users, lien=lien_piece, **autres):
        users = [u for u in users if u.pk != ligne.acteur_id]
        if users:
            notifications.emettre(
                type=type_, destinataires=users, contexte={**contexte, **autres}, lien=lien
            )

    if ligne.statut_apres == S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE:
        # The MOA and the supplier are told the MOE is late; the MOE gets the status change.
        avertis = [(dossier.titulaire, None)]
        if dossier.moa.presence_moa in PRESENCES_AVEC_MOA:
            avertis.append((dossier.moa, dossier.service_moa))
        emettre(
            "travaux.delai_moe_depasse",
            _habilites(travaux, *avertis),
            moe=dossier.moe.raison_sociale,
        )
        emettre("travaux.statut_change", _habilites(travaux, (dossier.moe, None)))
        return
    emettre("travaux.statut_change", _habilites(travaux, *_parties(piece)))
    if ligne.statut_apres in A_TRAITER_PAR_DESTINATAIRE:
        emettre(
            "travaux.piece_a_payer",
            _habilites(
                Application.FACTURES_RECUES, (piece.destinataire, piece.service_destinataire)
            ),
            lien=_lien_service_financier(piece),
        )
