"""Filing a sollicitation: a signed-in user's draft, then "Valider et envoyer"; or the public
contact form of someone without an account.

Rules, in words:
- The issuing structure is one where the user holds *Sollicitations émises – modification*;
  the issuing service, if given, is an active service of it.
- A referenced invoice is one of the user's (Factures émises, visible to him through the access
  core), issued by the issuing structure, deposited (not a draft), with a recipient.
- The sub-category decides the destination: support, or the recipient structure (and service)
  of the referenced invoice, which is then required.
- A draft may be edited or deleted by its requester only; sending re-checks everything.
- Without an account, only sub-categories that go to support are offered; the request is sent
  at once, its number is shown and e-mailed with a signed link to follow it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.workflow import TransitionRefusee
from factures.enums import StatutFacture
from factures.models import Facture
from habilitations import acces as acces_core
from habilitations.enums import Application, Niveau
from habilitations.models import Utilisateur
from sollicitations.acces import DemandeurParLien
from sollicitations.circuits import SOLLICITATION
from sollicitations.enums import ActionSollicitation as A
from sollicitations.enums import Destination
from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import Sollicitation, SousCategorie
from sollicitations.services import avis, pieces
from structures.enums import StatutService
from structures.models import Service, Structure


def structures_emettrices(user):
    """Where the user may file requests from."""
    return acces_core.structures_for(
        user, Application.SOLLICITATIONS_EMISES, Niveau.MODIFICATION
    ).order_by("raison_sociale", "pk")


def factures_citables(user, structure: Structure | None = None):
    """The invoices the user may reference: his structures' deposited invoices, with a
    recipient (never drafts)."""
    qs = (
        Facture.objects.visible_to(user, Application.FACTURES_EMISES)
        .exclude(statut=StatutFacture.BROUILLON)
        .filter(destinataire__isnull=False)
    )
    if structure is not None:
        qs = qs.filter(fournisseur=structure)
    return qs


def facture_trouver(user, structure: Structure, numero: str) -> Facture | None:
    """The user's invoice of that number, issued by `structure` (the latest deposited one if
    the number came back another year)."""
    return (
        factures_citables(user, structure)
        .filter(numero__iexact=(numero or "").strip())
        .select_related("destinataire", "service_destinataire")
        .order_by("-deposee_le", "-pk")
        .first()
    )


def _verifier(
    *,
    demandeur: Utilisateur,
    structure_emettrice: Structure,
    service_emetteur: Service | None,
    sous_categorie: SousCategorie,
    facture: Facture | None,
) -> None:
    erreurs = {}
    if not structures_emettrices(demandeur).filter(pk=structure_emettrice.pk).exists():
        erreurs["structure_emettrice"] = _(
            "Vous n'êtes pas habilité à émettre des sollicitations pour cette structure."
        )
    if service_emetteur is not None and (
        service_emetteur.structure_id != structure_emettrice.pk
        or service_emetteur.statut != StatutService.ACTIF
    ):
        erreurs["service_emetteur"] = _("Choisissez un service actif de la structure émettrice.")
    if not (sous_categorie.active and sous_categorie.categorie.active):
        erreurs["sous_categorie"] = _("Cette sous-catégorie n'est plus proposée.")
    if facture is None and sous_categorie.vers_entite:
        erreurs["numero_facture"] = _(
            "Indiquez la facture concernée : la question est adressée à son destinataire."
        )
    if (
        facture is not None
        and not factures_citables(demandeur, structure_emettrice).filter(pk=facture.pk).exists()
    ):
        erreurs["numero_facture"] = _(
            "Cette facture n'est pas une facture déposée par la structure émettrice."
        )
    if erreurs:
        raise ValidationError(erreurs)


def _routage(sous_categorie: SousCategorie, facture: Facture | None) -> dict:
    """Destination fields from the sub-category and the referenced invoice."""
    if sous_categorie.vers_entite and facture is not None:
        return {
            "destination": Destination.ENTITE_PUBLIQUE,
            "structure_destinataire": facture.destinataire,
            "service_destinataire": facture.service_destinataire,
        }
    return {
        "destination": Destination.SUPPORT,
        "structure_destinataire": None,
        "service_destinataire": None,
    }


def _numeroter(sollicitation: Sollicitation) -> None:
    sollicitation.numero = f"SOL-{sollicitation.cree_le:%Y}-{sollicitation.pk:06d}"
    Sollicitation.objects.filter(pk=sollicitation.pk).update(numero=sollicitation.numero)


@transaction.atomic
def sollicitation_creer(
    *,
    demandeur: Utilisateur,
    structure_emettrice: Structure,
    sous_categorie: SousCategorie,
    objet: str,
    description: str,
    service_emetteur: Service | None = None,
    facture: Facture | None = None,
    fichiers: Sequence = (),
    langue: str = "fr",
) -> Sollicitation:
    """Saves a draft (numbered at once). Raises `ValidationError` keyed by field."""
    _verifier(
        demandeur=demandeur,
        structure_emettrice=structure_emettrice,
        service_emetteur=service_emetteur,
        sous_categorie=sous_categorie,
        facture=facture,
    )
    pieces.verifier(None, fichiers)
    sollicitation = Sollicitation.objects.create(
        demandeur=demandeur,
        email_contact=demandeur.email_contact or demandeur.email,
        langue=langue,
        structure_emettrice=structure_emettrice,
        service_emetteur=service_emetteur,
        sous_categorie=sous_categorie,
        facture=facture,
        objet=objet.strip(),
        description=description.strip(),
        **_routage(sous_categorie, facture),
    )
    _numeroter(sollicitation)
    pieces.enregistrer(sollicitation, fichiers, acteur=demandeur)
    return sollicitation


def _brouillon_verrouille(sollicitation: Sollicitation, acting_user) -> Sollicitation:
    verrouillee = Sollicitation.objects.select_for_update().get(pk=sollicitation.pk)
    if verrouillee.demandeur_id != acting_user.pk:
        raise TransitionRefusee(_("Vous n'êtes pas habilité à effectuer cette action."))
    if verrouillee.statut != S.BROUILLON:
        raise TransitionRefusee(
            _("Cette sollicitation a déjà été envoyée : elle ne peut plus être modifiée.")
        )
    return verrouillee


@transaction.atomic
def sollicitation_modifier(
    *,
    sollicitation: Sollicitation,
    acting_user: Utilisateur,
    structure_emettrice: Structure,
    sous_categorie: SousCategorie,
    objet: str,
    description: str,
    service_emetteur: Service | None = None,
    facture: Facture | None = None,
    fichiers: Sequence = (),
) -> Sollicitation:
    """Edits a draft (its requester only); new files are added to the draft's."""
    brouillon = _brouillon_verrouille(sollicitation, acting_user)
    _verifier(
        demandeur=acting_user,
        structure_emettrice=structure_emettrice,
        service_emetteur=service_emetteur,
        sous_categorie=sous_categorie,
        facture=facture,
    )
    champs = {
        "structure_emettrice": structure_emettrice,
        "service_emetteur": service_emetteur,
        "sous_categorie": sous_categorie,
        "facture": facture,
        "objet": objet.strip(),
        "description": description.strip(),
        **_routage(sous_categorie, facture),
    }
    for champ, valeur in champs.items():
        setattr(brouillon, champ, valeur)
    brouillon.save(update_fields=list(champs))
    pieces.enregistrer(brouillon, fichiers, acteur=acting_user)
    return brouillon


@transaction.atomic
def sollicitation_envoyer(*, sollicitation: Sollicitation, acting_user: Utilisateur):
    """ "Valider et envoyer": re-checks the draft, then sends it to its desk."""
    brouillon = _brouillon_verrouille(sollicitation, acting_user)
    _verifier(
        demandeur=acting_user,
        structure_emettrice=brouillon.structure_emettrice,
        service_emetteur=brouillon.service_emetteur,
        sous_categorie=brouillon.sous_categorie,
        facture=brouillon.facture,
    )
    maintenant = timezone.now()
    ligne = SOLLICITATION.appliquer(
        sollicitation,
        action=A.ENVOYER,
        acteur=acting_user,
        modifications={"envoyee_le": maintenant, "en_attente_depuis": maintenant},
    )
    avis.desk_prevenir_nouvelle(sollicitation)
    return ligne


@transaction.atomic
def sollicitation_supprimer(*, sollicitation: Sollicitation, acting_user: Utilisateur):
    return SOLLICITATION.appliquer(sollicitation, action=A.SUPPRIMER, acteur=acting_user)


@transaction.atomic
def sollicitation_publique_deposer(
    *,
    email: str,
    sous_categorie: SousCategorie,
    objet: str,
    description: str,
    langue: str = "fr",
) -> Sollicitation:
    """Files the request of someone without an account, to support; e-mails its number."""
    if sous_categorie.vers_entite or not (
        sous_categorie.active and sous_categorie.categorie.active
    ):
        raise ValidationError(
            {"sous_categorie": _("Cette sous-catégorie n'est pas proposée sans compte.")}
        )
    sollicitation = Sollicitation.objects.create(
        email_contact=email.strip().lower(),
        langue=langue,
        sous_categorie=sous_categorie,
        objet=objet.strip(),
        description=description.strip(),
        destination=Destination.SUPPORT,
    )
    _numeroter(sollicitation)
    maintenant = timezone.now()
    SOLLICITATION.appliquer(
        sollicitation,
        action=A.ENVOYER,
        acteur=DemandeurParLien(sollicitation.pk),
        modifications={"envoyee_le": maintenant, "en_attente_depuis": maintenant},
    )
    avis.accuse_de_reception(sollicitation)
    avis.desk_prevenir_nouvelle(sollicitation)
    return sollicitation
