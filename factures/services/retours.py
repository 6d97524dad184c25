"""The supplier's answers to a return (domain §6.1):

- **compléter** a suspended invoice: attachments and/or a comment → COMPLETEE, back in the
  recipient's to-do list; the comment is the history row's motif.
- **recycler** an invoice the recipient returned for a routing error (A_RECYCLER): only the
  recipient, its service and the engagement number change, the number stays; the invoice
  is routed again at once (→ MISE_A_DISPOSITION at the new recipient).
- **désigner le bon valideur** after a validator said it was not the right one
  (ERREUR_…_SUR_VALIDEUR): the invoice goes to the structure named, with a new 15-day delay.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus import documents
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture
from factures.services import verifications
from factures.services.acheminement import DELAI_VALIDATION
from factures.services.fichiers import nettoyer_si_echec
from factures.services.pieces_jointes import enregistrer_piece
from factures.services.saisie import exiger_fournisseur, trouver_valideur
from structures.annuaire.recherche import compacter_identifiant
from structures.enums import StatutService
from structures.models import Structure


def facture_completer(
    *,
    facture: Facture,
    acting_user,
    commentaire: str = "",
    fichiers: list[UploadedFile] = (),
) -> Facture:
    """SUSPENDUE → COMPLETEE with the attachments and comment the recipient asked for."""
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    commentaire = (commentaire or "").strip()
    if not commentaire and not fichiers:
        raise ValidationError(
            _("Ajoutez au moins une pièce jointe ou un commentaire pour compléter la facture."),
            code="vide",
        )
    with nettoyer_si_echec() as stockes, transaction.atomic():
        verrouillee = Facture.objects.select_for_update().get(pk=facture.pk)
        if verrouillee.statut != S.SUSPENDUE:
            raise ValidationError(
                _("Cette facture n'est pas suspendue : elle ne peut pas être complétée."),
                code="pas_suspendue",
            )
        for fichier in fichiers:
            try:
                enregistrer_piece(
                    facture=verrouillee, acting_user=acting_user, fichier=fichier, stockes=stockes
                )
            except documents.DocumentRefuse as refus:
                raise ValidationError(
                    {"fichiers": [f"{fichier.name} : {m}" for m in refus.messages]}
                ) from refus
        circuit_de(verrouillee).appliquer(
            verrouillee,
            action=A.COMPLETER,
            acteur=acting_user,
            motif=commentaire or _("Pièces jointes ajoutées."),
        )
    facture.statut = verrouillee.statut
    return verrouillee


def _destinataire_par_identifiant(identifiant: str) -> Structure:
    identifiant = compacter_identifiant(identifiant)
    destinataire = Structure.objects.publiques().filter(identifiant=identifiant).first()
    if destinataire is None:
        raise ValidationError(
            {
                "identifiant_destinataire": _(
                    "Aucune entité publique de l'annuaire n'a l'identifiant %(identifiant)s."
                )
                % {"identifiant": identifiant}
            }
        )
    return destinataire


@transaction.atomic
def facture_recycler(
    *,
    facture: Facture,
    acting_user,
    identifiant_destinataire: str,
    code_service: str = "",
    numero_engagement: str = "",
) -> Facture:
    """A_RECYCLER → EN_COURS_ACHEMINEMENT with the corrected routing, then routed again."""
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    destinataire = _destinataire_par_identifiant(identifiant_destinataire)
    service = None
    code_service = (code_service or "").strip()
    if code_service:
        service = destinataire.services.filter(
            code__iexact=code_service, statut=StatutService.ACTIF
        ).first()
        if service is None:
            raise ValidationError(
                {
                    "code_service": _("« %(code)s » n'est pas un service actif de %(nom)s.")
                    % {"code": code_service, "nom": destinataire.raison_sociale}
                }
            )
    apercu = Facture(
        fournisseur=facture.fournisseur,
        destinataire=destinataire,
        service_destinataire=service,
        numero_engagement=numero_engagement.strip(),
    )
    manques = verifications.verifier_destinataire(apercu)
    if manques:
        raise verifications.erreur(
            [
                verifications.Manque(
                    {"service_destinataire": "code_service"}.get(m.champ, m.champ),
                    m.message,
                    m.terme,
                )
                for m in manques
            ]
        )
    circuit_de(facture).appliquer(
        facture,
        action=A.RECYCLER,
        acteur=acting_user,
        modifications={
            "destinataire": destinataire,
            "service_destinataire": service,
            "numero_engagement": numero_engagement.strip(),
        },
    )
    from factures import tasks

    identifiant = facture.pk
    transaction.on_commit(lambda: tasks.acheminer_facture.delay(identifiant))
    return facture


@transaction.atomic
def facture_corriger_valideur(*, facture: Facture, acting_user, identifiant: str) -> Facture:
    """Names the right validator after ERREUR_…_SUR_VALIDEUR; a new 15-day delay starts."""
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    rang = 2 if facture.statut == S.ERREUR_COTRAITANT_SUR_VALIDEUR else 1
    valideur = trouver_valideur(identifiant, champ="identifiant")
    if valideur is None:
        raise ValidationError({"identifiant": _("Indiquez l'identifiant du valideur.")})
    if valideur.pk == facture.fournisseur_id:
        raise ValidationError({"identifiant": _("Le valideur ne peut pas être votre structure.")})
    if valideur.pk == getattr(facture, f"valideur_{rang}_id"):
        raise ValidationError(
            {
                "identifiant": _(
                    "Cette structure a indiqué ne pas être le bon valideur : désignez-en une autre."
                )
            }
        )
    maintenant = timezone.now()
    circuit_de(facture).appliquer(
        facture,
        action=A.CORRIGER_VALIDEUR,
        acteur=acting_user,
        modifications={
            f"valideur_{rang}": valideur,
            "soumise_a_validation_le": maintenant,
            "echeance_action": maintenant + DELAI_VALIDATION,
        },
    )
    return facture
