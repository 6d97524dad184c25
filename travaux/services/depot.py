"""Depositing a works piece: a draft, then « Valider et envoyer ».

Who deposits what is travaux.routage.DEPOSANT: the titulaire (A4…A8, A22, A23), a sub- or
co-contractor (A10, A11, A13, A14), the MOE (A15…A18, A24) or the MOA (A19, A20, A25) of the
dossier. Every piece names its dossier's supplier (the titulaire, or the sub- / co-contractor
for his own pieces): the payable pieces are paid to him.

Sending is one transaction: the draft becomes DEPOSEE, the piece it answers becomes ASSOCIEE
(two answers to one piece: the second finds it ASSOCIEE and nothing of it is written), the
sub- and co-contractors' pieces it includes become ASSOCIEE, and the system routes it.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus import documents
from chorus.workflow import ActionImpossible, TransitionRefusee
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture
from factures.enums import StatutFacture as S
from factures.formats.controles import FORMATS_STRUCTURES
from factures.models import Facture
from factures.services import rendu, verifications
from factures.services.fichiers import nettoyer_si_echec
from structures.models import Structure
from travaux import acces
from travaux.enums import CHEZ_LA_MOA, CHEZ_LA_MOE, CHEZ_LE_FOURNISSEUR, Destination, RoleTravaux
from travaux.models import DossierFacturation, PieceIncluse
from travaux.routage import (
    CADRES_SOUS_TRAITANCE,
    CADRES_SOUS_TRAITANT,
    DEPOSANT,
    PRECEDENTE_OBLIGATOIRE,
    peut_repondre,
)
from travaux.services.acheminement import destinataire_de, piece_acheminer, verifier_route
from travaux.services.contenu import Contenu, appliquer, contenu_de, ecrire

CENT = Decimal("0.01")
# The piece file: a PDF or a structured invoice (read by the pipeline of Factures émises,
# travaux.services.contenu).
TYPES_FICHIER = frozenset({"pdf", "xml"})
# Statuses in which a piece waits for the answer of its recipient.
EN_ATTENTE_DE_REPONSE = frozenset([*CHEZ_LA_MOE, *CHEZ_LA_MOA, *CHEZ_LE_FOURNISSEUR])
# Where an accepted sub- or co-contractor's piece waits to be included in the titulaire's one.
INCLUSIBLES = [S.MISE_A_DISPOSITION_MOE, S.PRISE_EN_COMPTE_MOE]


def arrondi(montant: Decimal) -> Decimal:
    return Decimal(montant).quantize(CENT, rounding=ROUND_HALF_UP)


def structure_deposante(piece: Facture) -> Structure | None:
    """The structure that deposited the piece (by its cadre: the MOE and MOA deposit for
    the dossier's supplier)."""
    role = DEPOSANT.get(piece.cadre)
    if role == RoleTravaux.MOE:
        return piece.dossier.moe
    if role == RoleTravaux.MOA:
        return piece.dossier.moa
    return piece.fournisseur


def _exiger_deposant(user, cadre: str, dossier: DossierFacturation, deposant: Structure):
    """The cadre's depositor is the dossier's MOE, its MOA, its titulaire, or (sub- and
    co-contractors' pieces) another supplier; the user must act for it in that role."""
    role = DEPOSANT[cadre]
    if cadre in CADRES_SOUS_TRAITANCE:
        if deposant.pk == dossier.titulaire_id:
            raise ValidationError(
                _(
                    "Le titulaire dépose ses propres pièces (A4, A7…), pas celles d'un "
                    "sous-traitant."
                )
            )
        attendu = deposant
    else:
        attendu = {
            RoleTravaux.MOE: dossier.moe,
            RoleTravaux.MOA: dossier.moa,
            RoleTravaux.FOURNISSEUR: dossier.titulaire,
        }[role]
    if attendu is None or attendu.pk != deposant.pk:
        raise PermissionDenied
    service = dossier.service_moa if role == RoleTravaux.MOA else None
    if not acces.peut_agir(user, role, deposant, service):
        raise PermissionDenied


def _valideurs(cadre: str, dossier: DossierFacturation, deposant, cotraitant) -> dict:
    """Who validates a sub- or co-contractor's piece: the titulaire / mandataire; for a
    sub-contractor of a cotraitant, that cotraitant first, then the mandataire."""
    if cadre not in CADRES_SOUS_TRAITANCE:
        return {"valideur_1": None, "valideur_2": None}
    if cotraitant is None:
        return {"valideur_1": dossier.titulaire, "valideur_2": None}
    if cadre not in CADRES_SOUS_TRAITANT:
        raise ValidationError(
            {
                "cotraitant": _(
                    "Seul un sous-traitant désigne le cotraitant pour lequel il travaille."
                )
            }
        )
    if cotraitant.pk in (dossier.titulaire_id, deposant.pk):
        raise ValidationError(
            {
                "cotraitant": _(
                    "Le cotraitant est une autre entreprise que le mandataire et que la vôtre : "
                    "laissez ce champ vide si vous travaillez pour le mandataire."
                )
            }
        )
    return {"valideur_1": cotraitant, "valideur_2": dossier.titulaire}


def verifier_precedente(cadre: str, precedente: Facture | None, dossier: DossierFacturation):
    if precedente is None:
        if cadre in PRECEDENTE_OBLIGATOIRE:
            raise ValidationError(
                {
                    "precedente": _(
                        "Le décompte général et définitif signé répond au décompte général "
                        "qui vous a été adressé : déposez-le depuis celui-ci."
                    )
                }
            )
        return
    if precedente.dossier_id != dossier.pk:
        raise ValidationError({"precedente": _("Cette pièce n'appartient pas au dossier.")})
    if not peut_repondre(cadre, precedente.cadre, dossier.moa.presence_moa):
        raise ValidationError(
            {
                "precedente": _(
                    "Une pièce « %(cadre)s » ne répond pas à une pièce « %(precedente)s »."
                )
                % {
                    "cadre": Facture(cadre=cadre).get_cadre_display(),
                    "precedente": precedente.get_cadre_display(),
                }
            }
        )
    if precedente.statut not in EN_ATTENTE_DE_REPONSE:
        raise ValidationError(
            {
                "precedente": _(
                    "La pièce %(numero)s n'attend plus de réponse (statut : %(statut)s)."
                )
                % {"numero": precedente.numero, "statut": precedente.get_statut_display()}
            }
        )


def _verifier_donnees(contenu: Contenu) -> dict[str, Any]:
    """The piece's fields; a structured file keeps its own TTC and amount to pay."""
    valeurs = dict(contenu.champs)
    ht = arrondi(valeurs.get("montant_ht") or 0)
    tva = arrondi(valeurs.get("montant_tva") or 0)
    if ht < 0 or tva < 0:
        raise ValidationError({"montant_ht": _("Les montants ne peuvent pas être négatifs.")})
    valeurs.update(montant_ht=ht, montant_tva=tva)
    if not contenu.structure:
        valeurs.update(montant_ttc=ht + tva, montant_a_payer=ht + tva)
    valeurs["numero_engagement"] = (valeurs.get("numero_engagement") or "").strip()
    return valeurs


def _verifier_numero_libre(piece: Facture) -> None:
    """The duplicate rule of every invoice (factures.services.verifications), with a message
    that names the piece: the MOE's and MOA's pieces are numbered in the titulaire's name."""
    doublon = verifications.doublon_de(piece)
    if doublon is not None:
        raise ValidationError(
            {
                "numero": _(
                    "Le numéro %(numero)s est déjà celui d'une pièce de %(fournisseur)s "
                    "déposée en %(annee)s (%(cadre)s, dossier %(dossier)s) : choisissez-en un "
                    "autre."
                )
                % {
                    "numero": piece.numero,
                    "fournisseur": piece.fournisseur.raison_sociale,
                    "annee": piece.date_facture.year,
                    "cadre": doublon.get_cadre_display(),
                    "dossier": doublon.dossier.numero if doublon.dossier_id else "—",
                }
            }
        )


def _sans_fichier_orphelin(service):
    """Runs `service` in one transaction; a file it stored is deleted if anything fails
    (factures.services.fichiers), so that a refused piece leaves nothing behind."""

    @functools.wraps(service)
    def enveloppe(*args, **kwargs):
        with nettoyer_si_echec() as stockes, transaction.atomic():
            return service(*args, stockes=stockes, **kwargs)

    return enveloppe


def _enregistrer_fichier(fichier: UploadedFile | None, acting_user, stockes):
    if fichier is None:
        return None
    try:
        document = documents.enregistrer(
            fichier, types_autorises=TYPES_FICHIER, depose_par=acting_user
        )
    except documents.DocumentRefuse as refus:
        raise ValidationError({"fichier": refus.messages}) from refus
    return stockes.ajouter(document)


def _verifier_incluses(piece: Facture, incluses) -> list[Facture]:
    incluses = list(incluses or [])
    if not incluses:
        return []
    if piece.cadre not in (
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
    ):
        raise ValidationError(
            {"incluses": _("Seul un projet de décompte du titulaire inclut ces pièces.")}
        )
    for incluse in incluses:
        if (
            incluse.dossier_id != piece.dossier_id
            or incluse.cadre not in CADRES_SOUS_TRAITANCE
            or incluse.statut not in INCLUSIBLES
            or PieceIncluse.objects.filter(piece=incluse).exclude(decompte=piece).exists()
        ):
            raise ValidationError(
                {
                    "incluses": _(
                        "La pièce %(numero)s ne peut pas être incluse : elle doit être validée, "
                        "parvenue à la maîtrise d'œuvre et n'être incluse dans aucun autre "
                        "décompte."
                    )
                    % {"numero": incluse.numero}
                }
            )
    return incluses


def _inclure(piece: Facture, incluses: list[Facture], acting_user) -> None:
    PieceIncluse.objects.filter(decompte=piece).exclude(piece__in=incluses).delete()
    for incluse in incluses:
        PieceIncluse.objects.get_or_create(
            piece=incluse, defaults={"decompte": piece, "incluse_par": acting_user}
        )


@_sans_fichier_orphelin
def piece_creer(
    *,
    stockes,
    acting_user,
    cadre: str,
    dossier: DossierFacturation,
    deposant: Structure,
    donnees: dict[str, Any],
    precedente: Facture | None = None,
    fichier: UploadedFile | None = None,
    lignes: list[dict] | None = None,
    incluses=(),
    cotraitant: Structure | None = None,
) -> Facture:
    """Creates the draft of a works piece in `dossier`, deposited by `deposant`: from its
    file (structured or PDF), its typed lines or its typed totals (travaux.services.contenu).
    A sub-contractor of a `cotraitant` has it validate first, then the mandataire."""
    if cadre not in DEPOSANT:
        raise ValidationError(
            {"cadre": _("Ce cadre de facturation n'est pas un cadre de travaux.")}
        )
    _exiger_deposant(acting_user, cadre, dossier, deposant)
    sous_traitance = cadre in CADRES_SOUS_TRAITANCE
    fournisseur = deposant if sous_traitance else dossier.titulaire
    contenu = contenu_de(
        donnees,
        cadre=cadre,
        fournisseur=fournisseur,
        fichier=fichier,
        lignes=lignes,
        verifier_vendeur=DEPOSANT[cadre] == RoleTravaux.FOURNISSEUR,
    )
    piece = Facture(
        cadre=cadre,
        dossier=dossier,
        statut=StatutFacture.BROUILLON,
        fournisseur=fournisseur,
        **_valideurs(cadre, dossier, deposant, cotraitant),
        numero_marche=dossier.numero_marche,
        cree_par=acting_user,
        **_verifier_donnees(contenu),
    )
    destination = verifier_route(piece, dossier)
    piece.destinataire, piece.service_destinataire = destinataire_de(dossier, destination)
    verifier_precedente(cadre, precedente, dossier)
    piece.piece_precedente = precedente
    if precedente is not None and not piece.numero_engagement:
        piece.numero_engagement = precedente.numero_engagement
    _verifier_numero_libre(piece)
    piece.document_original = _enregistrer_fichier(fichier, acting_user, stockes)
    appliquer(piece, contenu)
    piece.save()
    ecrire(piece, contenu, remplacer=False)
    _inclure(piece, _verifier_incluses(piece, incluses), acting_user)
    return piece


def _exiger_brouillon(piece: Facture, acting_user) -> None:
    circuit = circuit_de(piece)
    if piece.statut != S.BROUILLON:
        raise ActionImpossible(
            _("Cette pièce n'est plus un brouillon (statut : %(statut)s).")
            % {"statut": piece.get_statut_display()}
        )
    if not any(
        t.action == A.VALIDER_ET_ENVOYER for t in circuit.actions_possibles(piece, acting_user)
    ):
        raise PermissionDenied


@_sans_fichier_orphelin
def piece_modifier(
    *,
    stockes,
    piece: Facture,
    acting_user,
    donnees: dict[str, Any],
    fichier: UploadedFile | None = None,
    lignes: list[dict] | None = None,
    incluses=(),
) -> Facture:
    """Changes a draft's data (its dossier, cadre and the piece it answers stay). A new file
    replaces what the piece said; a structured file's data cannot be retyped."""
    piece = Facture.objects.select_for_update(of=("self",)).get(pk=piece.pk)
    _exiger_brouillon(piece, acting_user)
    if fichier is None and piece.format_depot in FORMATS_STRUCTURES:
        piece.numero_engagement = (donnees.get("numero_engagement") or "").strip()
        piece.commentaire = donnees.get("commentaire") or ""
        piece.save(update_fields=["numero_engagement", "commentaire", "modifiee_le"])
        _inclure(piece, _verifier_incluses(piece, incluses), acting_user)
        return piece
    contenu = contenu_de(
        donnees,
        cadre=piece.cadre,
        fournisseur=piece.fournisseur,
        fichier=fichier,
        lignes=lignes,
        verifier_vendeur=DEPOSANT[piece.cadre] == RoleTravaux.FOURNISSEUR,
    )
    for champ, valeur in _verifier_donnees(contenu).items():
        setattr(piece, champ, valeur)
    _verifier_numero_libre(piece)
    document = _enregistrer_fichier(fichier, acting_user, stockes)
    if document is not None:
        piece.document_original = document
    appliquer(piece, contenu)
    piece.save()
    ecrire(piece, contenu, remplacer=True)
    _inclure(piece, _verifier_incluses(piece, incluses), acting_user)
    return piece


@transaction.atomic
def piece_supprimer(*, piece: Facture, acting_user) -> None:
    """Deletes a draft (it stays in the history as SUPPRIMEE, out of every list)."""
    PieceIncluse.objects.filter(decompte=piece).delete()
    circuit_de(piece).appliquer(piece, action=A.SUPPRIMER, acteur=acting_user)


# The deposit form names the paying service « service_financier ».
_CHAMPS_DU_PAYEUR = {"service_destinataire": "service_financier"}


def verifier_exigences_du_payeur(piece: Facture) -> None:
    """A payable piece meets its service financier's parameters (domain §2), checked as for
    any invoice (factures.services.verifications): service code, engagement number, one of
    the two, the service's own « engagement obligatoire »."""
    manques = verifications.parametres_destinataire(
        destinataire=piece.destinataire,
        service=piece.service_destinataire,
        numero_engagement=piece.numero_engagement.strip(),
    )
    if manques:
        raise ValidationError(
            {
                _CHAMPS_DU_PAYEUR.get(m.champ, m.champ): [m.message[:1].upper() + m.message[1:]]
                for m in manques
            }
        )


@transaction.atomic
def piece_envoyer(*, piece: Facture, acting_user) -> Facture:
    """« Valider et envoyer »: the draft is deposited, answers its previous piece, includes
    its sub-contractors' pieces, and is routed — all or nothing."""
    piece = (
        Facture.objects.select_for_update(of=("self",))
        .select_related("dossier__moa", "piece_precedente")
        .get(pk=piece.pk)
    )
    _exiger_brouillon(piece, acting_user)
    if not piece.numero or not piece.date_facture:
        raise ValidationError(_("Le numéro et la date de la pièce sont obligatoires."))
    manques = verifications.verifier_controles(piece)
    if manques:
        raise ValidationError([m.message for m in manques])
    _verifier_numero_libre(piece)
    if verifier_route(piece) == Destination.SERVICE_FINANCIER:
        verifier_exigences_du_payeur(piece)
    circuit = circuit_de(piece)
    try:
        with transaction.atomic():
            circuit.appliquer(
                piece,
                action=A.VALIDER_ET_ENVOYER,
                acteur=acting_user,
                modifications={"deposee_le": timezone.now()},
            )
    except IntegrityError as erreur:  # the same number deposited meanwhile
        raise ValidationError(
            {"numero": _("Ce numéro vient d'être utilisé pour une autre pièce.")}
        ) from erreur
    precedente = piece.piece_precedente
    if precedente is not None:
        try:
            circuit_de(precedente).appliquer(
                precedente,
                action=A.ASSOCIER,
                acteur=acting_user,
                modifications={"echeance_action": None},
            )
        except ActionImpossible as erreur:
            raise ActionImpossible(
                _(
                    "La pièce %(numero)s a déjà reçu une réponse ou n'en attend plus : votre "
                    "pièce reste un brouillon."
                )
                % {"numero": precedente.numero}
            ) from erreur
    for inclusion in PieceIncluse.objects.filter(decompte=piece).select_related("piece"):
        try:
            circuit_de(inclusion.piece).appliquer(
                inclusion.piece, action=A.ASSOCIER, acteur=acting_user
            )
        except TransitionRefusee as erreur:
            raise ActionImpossible(
                _("La pièce %(numero)s ne peut plus être incluse : votre pièce reste un brouillon.")
                % {"numero": inclusion.piece.numero}
            ) from erreur
    piece_acheminer(piece=piece)
    if piece.document_original_id:
        # The certificat de dépôt (legal start of the payment period), as for any invoice.
        rendu.facture_planifier_rendu(facture=piece)
    piece.refresh_from_db()
    return piece


@transaction.atomic
def piece_creer_pour_les_parties(
    *, acting_user, cadre: str, parties, deposant: Structure, **autres
) -> Facture:
    """`piece_creer` in the dossier of the contract the parties name, opened or continued
    in the same transaction (a refused piece opens no dossier)."""
    from travaux.services.dossiers import dossier_ouvrir_ou_continuer

    dossier = dossier_ouvrir_ou_continuer(parties=parties, acting_user=acting_user)
    return piece_creer(
        acting_user=acting_user, cadre=cadre, dossier=dossier, deposant=deposant, **autres
    )
