"""Demo sollicitations for the demo accounts (`manage.py demo`), idempotent.

Built through the services, so each one has its real history: a question of the supplier to
the commune about an invoice (a complement is asked), requests to support at several steps,
one filed without an account, one draft. A request already there (same requester and
object) is left as it is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from factures.enums import StatutFacture
from factures.models import Facture
from habilitations.models import Utilisateur
from sollicitations.models import Sollicitation, SousCategorie
from sollicitations.services import conversation, depot
from structures.models import Structure

NUMERO_FACTURE = "FA-2026-0107"


def _facture(fournisseur: Structure, entite: Structure) -> Facture:
    facture = Facture.objects.filter(fournisseur=fournisseur, numero=NUMERO_FACTURE).first()
    if facture is not None:
        return facture
    maintenant = timezone.now()
    return Facture.objects.create(
        fournisseur=fournisseur,
        destinataire=entite,
        service_destinataire=entite.services.filter(code="FINANCES").first(),
        statut=StatutFacture.MISE_A_DISPOSITION,
        numero=NUMERO_FACTURE,
        date_facture=date(2026, 10, 5),
        montant_ht=Decimal("4250.00"),
        montant_tva=Decimal("850.00"),
        montant_ttc=Decimal("5100.00"),
        montant_a_payer=Decimal("5100.00"),
        deposee_le=maintenant,
        mise_a_disposition_le=maintenant,
    )


def _existe(**filtres) -> bool:
    return Sollicitation.objects.filter(**filtres).exists()


@transaction.atomic
def charger(*, fournisseur, gestionnaire, moe, support, entite) -> int:
    """Creates the missing demo requests; returns how many were created."""
    sc = {s.code: s for s in SousCategorie.objects.select_related("categorie")}
    if "QUESTION_ENTITE_PUBLIQUE" not in sc:  # the reference table was emptied by hand
        return 0
    structure = Structure.objects.filter(gestionnaire_principal=fournisseur).order_by("pk").first()
    if structure is None:
        return 0
    crees = 0

    objet = "Date de paiement de la facture FA-2026-0107"
    if not _existe(demandeur=fournisseur, objet=objet):
        s = depot.sollicitation_creer(
            demandeur=fournisseur,
            structure_emettrice=structure,
            sous_categorie=sc["QUESTION_ENTITE_PUBLIQUE"],
            facture=_facture(structure, entite),
            objet=objet,
            description=(
                "Bonjour,\n\nnotre facture FA-2026-0107 est mise à disposition depuis le "
                "5 octobre. Pouvez-vous nous indiquer la date de paiement prévue ?\n\n"
                "Claire Durand"
            ),
        )
        depot.sollicitation_envoyer(sollicitation=s, acting_user=fournisseur)
        conversation.prendre_en_charge(sollicitation=s, acting_user=gestionnaire)
        conversation.demander_complement(
            sollicitation=s,
            acting_user=gestionnaire,
            texte="Pouvez-vous nous transmettre le bon de commande signé correspondant ?",
        )
        crees += 1

    objet = "Le fichier Factur-X est refusé au dépôt"
    if not _existe(demandeur=fournisseur, objet=objet):
        s = depot.sollicitation_creer(
            demandeur=fournisseur,
            structure_emettrice=structure,
            sous_categorie=sc["DEPOT_SAISIE"],
            objet=objet,
            description="Le portail indique « BT-10 manquant » alors que le code service est "
            "renseigné dans notre logiciel de facturation.",
        )
        depot.sollicitation_envoyer(sollicitation=s, acting_user=fournisseur)
        conversation.prendre_en_charge(sollicitation=s, acting_user=support)
        conversation.repondre(
            sollicitation=s,
            acting_user=support,
            texte="Le code service doit figurer dans la référence acheteur (BuyerReference, "
            "BT-10) du XML. Votre logiciel le place dans une note : corrigez son paramétrage "
            "puis déposez à nouveau la facture.",
        )
        crees += 1

    objet = "Ajouter un second établissement à mon compte"
    if not _existe(demandeur=fournisseur, objet=objet):
        s = depot.sollicitation_creer(
            demandeur=fournisseur,
            structure_emettrice=structure,
            sous_categorie=sc["RATTACHEMENT"],
            objet=objet,
            description="Notre agence de Villeurbanne a son propre SIRET : comment la gérer "
            "avec le même compte ?",
        )
        depot.sollicitation_envoyer(sollicitation=s, acting_user=fournisseur)
        crees += 1

    objet = "Question sur les relances de paiement"
    if not _existe(demandeur=fournisseur, objet=objet):
        depot.sollicitation_creer(
            demandeur=fournisseur,
            structure_emettrice=structure,
            sous_categorie=sc["SUIVI"],
            objet=objet,
            description="Brouillon à compléter.",
        )
        crees += 1

    objet = "Dépôt d'un projet de décompte mensuel"
    moe_structure = Structure.objects.filter(gestionnaire_principal=moe).first()
    if moe_structure is not None and not _existe(demandeur=moe, objet=objet):
        s = depot.sollicitation_creer(
            demandeur=moe,
            structure_emettrice=moe_structure,
            sous_categorie=sc["DEPOT_TRAVAUX"],
            objet=objet,
            description="Quel cadre choisir pour notre projet de décompte mensuel ?",
        )
        depot.sollicitation_envoyer(sollicitation=s, acting_user=moe)
        conversation.prendre_en_charge(sollicitation=s, acting_user=support)
        conversation.repondre(
            sollicitation=s,
            acting_user=support,
            texte="Le titulaire dépose son projet de décompte mensuel dans le cadre A4 ; "
            "la maîtrise d'œuvre y répond par l'état d'acompte A15.",
            cloturer=True,
        )
        crees += 1

    email = "artisan.sans.compte@demo.chorus.test"
    if not _existe(demandeur__isnull=True, email_contact=email):
        depot.sollicitation_publique_deposer(
            email=email,
            sous_categorie=sc["CREATION_COMPTE"],
            objet="Je n'ai pas reçu le lien d'activation",
            description="Inscrit ce matin avec mon SIRET, je n'ai reçu aucun courriel.",
        )
        crees += 1
    return crees


def charger_pour_la_demo(utilisateurs: dict[str, Utilisateur], entite: Structure) -> int:
    """Entry point of the demo command: `utilisateurs` by role."""
    return charger(
        fournisseur=utilisateurs["fournisseur"],
        gestionnaire=utilisateurs["gestionnaire"],
        moe=utilisateurs["moe"],
        support=utilisateurs["support"],
        entite=entite,
    )
