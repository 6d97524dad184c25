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

from django.urls import reverse

from chorus import notifications
from factures.enums import A_TRAITER_PAR_DESTINATAIRE, StatutFacture
from habilitations import acces
from habilitations.enums import Application, Niveau
from habilitations.models import Habilitation, Utilisateur
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


def utilisateurs_habilites(application: str, structure, service=None) -> list:
    """The active users who hold `application` (consultation or more) on `structure` (or on
    `service` of it), as the access core says: explicit habilitations and the GP."""
    if structure is None:
        return []
    candidats = set(
        Habilitation.objects.filter(structure=structure, application=application).values_list(
            "utilisateur_id", flat=True
        )
    )
    if structure.gestionnaire_principal_id:
        candidats.add(structure.gestionnaire_principal_id)
    return [
        user
        for user in Utilisateur.objects.filter(pk__in=candidats, is_active=True).order_by("pk")
        if acces.can(user, application, Niveau.CONSULTATION, structure, service)
    ]


def _parties(piece) -> list:
    dossier = piece.dossier
    travaux = Application.FACTURES_TRAVAUX
    users = utilisateurs_habilites(travaux, dossier.titulaire)
    if piece.fournisseur_id != dossier.titulaire_id:
        users += utilisateurs_habilites(travaux, piece.fournisseur)
    parvenue = piece.cadre not in CADRES_SOUS_TRAITANCE or piece.mise_a_disposition_le
    if parvenue and dossier.moe_id:
        users += utilisateurs_habilites(travaux, dossier.moe)
    if parvenue and dossier.moa.presence_moa in PRESENCES_AVEC_MOA:
        users += utilisateurs_habilites(travaux, dossier.moa, dossier.service_moa)
    return users


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
        avertis = utilisateurs_habilites(travaux, dossier.titulaire)
        if dossier.moa.presence_moa in PRESENCES_AVEC_MOA:
            avertis += utilisateurs_habilites(travaux, dossier.moa, dossier.service_moa)
        emettre("travaux.delai_moe_depasse", avertis, moe=dossier.moe.raison_sociale)
        emettre("travaux.statut_change", utilisateurs_habilites(travaux, dossier.moe))
        return
    emettre("travaux.statut_change", _parties(piece))
    if ligne.statut_apres in A_TRAITER_PAR_DESTINATAIRE:
        emettre(
            "travaux.piece_a_payer",
            utilisateurs_habilites(
                Application.FACTURES_RECUES, piece.destinataire, piece.service_destinataire
            ),
            lien=reverse("espace", args=["factures-recues"]),
        )
