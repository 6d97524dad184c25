"""Change of SIRET: the company moved or changed establishment.

Rules, in words:
- Only a gestionnaire of an active SIRET structure that has not been replaced yet declares it;
  the new SIRET is valid and differs from the current one.
- The structure of the new SIRET is found, or created with the same category, general data,
  parameters and open spaces. A structure found must be of the same category, active and not
  replaced itself.
- Services are copied (a code already present in the new structure is kept as it is), then the
  active attachments, the habilitations (mapped to the copied services; when the user already
  has one there, the higher level wins), the active bank details (new rows pointing to the
  same RIB document) and the structure attachments.
- The old GP becomes the new structure's GP, unless the structure found already has one.
- The old structure becomes INACTIVE and points to the new one (`remplacee_par`). Its users
  keep *consultation* there (the access core gives it on an inactive structure), so its
  invoices stay visible to them; its GP gets explicit consultation habilitations for that,
  since the GP's implicit rights only hold on an active structure.
- All in one transaction: a refusal changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habilitations import acces
from habilitations.enums import Niveau, StatutRattachement
from habilitations.models import Habilitation, Rattachement, Utilisateur
from structures.enums import StatutCoordonnee, StatutStructure, TypeIdentifiant
from structures.models import CoordonneeBancaire, PieceJointeStructure, Service, Structure
from structures.validation import valider_siret

# What the new structure inherits from the old one when it is created.
CHAMPS_COPIES = (
    "categorie",
    "raison_sociale",
    "libelle",
    "nom",
    "prenom",
    "rcs",
    "tva_intracommunautaire",
    "email",
    "telephone",
    "non_diffusible",
    "adresse",
    "adresse_complement_1",
    "adresse_complement_2",
    "code_postal",
    "ville",
    "pays",
    "code_service_obligatoire",
    "numero_ej_obligatoire",
    "code_service_ou_ej_obligatoire",
    "mise_en_paiement_non_remontee",
    "presence_moa",
    "reception_edi",
    "double_authentification_obligatoire",
    "applications_ouvertes",
)

CHAMPS_SERVICE = (
    "code",
    "libelle",
    "description",
    "statut",
    "date_debut",
    "date_fin",
    "engagement_obligatoire",
    "adresse",
    "code_postal",
    "ville",
)

CHAMPS_COORDONNEE = (
    "libelle",
    "type_coordonnee",
    "pays",
    "iban",
    "bic",
    "code_banque",
    "code_guichet",
    "numero_compte",
    "cle_rib",
    "affactureur_raison_sociale",
    "affactureur_pays",
    "affactureur_type_identifiant",
    "affactureur_identifiant",
    "document_rib_id",
    "statut",
)


class ChangementSiretRefuse(ValidationError):
    """The change cannot be made; the message says why, in French."""


def changement_siret_possible(structure: Structure) -> str | None:
    """None when the structure may change SIRET, else the reason in French."""
    if structure.type_identifiant != TypeIdentifiant.SIRET:
        return _("Seule une structure identifiée par un SIRET peut changer de SIRET.")
    if structure.remplacee_par_id is not None:
        return _(
            "Cette structure a déjà été remplacée par une autre à la suite d'un changement "
            "de SIRET."
        )
    if structure.statut != StatutStructure.ACTIVE:
        return _("Cette structure est inactive : elle ne peut plus changer de SIRET.")
    return None


def structure_cible(structure: Structure, nouveau_siret: str) -> Structure | None:
    """The structure already holding the new SIRET, if any (for the confirmation page)."""
    return Structure.objects.filter(
        type_identifiant=TypeIdentifiant.SIRET, identifiant=nouveau_siret
    ).first()


def verifier_cible(structure: Structure, cible: Structure | None) -> None:
    """Raises `ChangementSiretRefuse` when the structure found cannot take over."""
    if cible is None:
        return
    if cible.categorie != structure.categorie:
        raise ChangementSiretRefuse(
            _(
                "Le SIRET %(siret)s appartient à une structure d'une autre catégorie "
                "(%(categorie)s) : le changement est impossible. Contactez le support."
            )
            % {"siret": cible.identifiant, "categorie": cible.get_categorie_display()}
        )
    if cible.remplacee_par_id is not None:
        raise ChangementSiretRefuse(
            _(
                "La structure du SIRET %(siret)s a elle-même été remplacée : le changement est "
                "impossible."
            )
            % {"siret": cible.identifiant}
        )
    if cible.statut != StatutStructure.ACTIVE:
        raise ChangementSiretRefuse(
            _(
                "La structure du SIRET %(siret)s est inactive : le changement est impossible. "
                "Contactez le support."
            )
            % {"siret": cible.identifiant}
        )


@transaction.atomic
def structure_changer_siret(
    *, structure: Structure, nouveau_siret: str, acting_user: Utilisateur
) -> Structure:
    """Moves everything of `structure` to the structure of `nouveau_siret`; returns it.

    Raises `ValidationError` (bad SIRET) or `ChangementSiretRefuse`, and then nothing changes.
    """
    ancienne = Structure.objects.select_for_update().get(pk=structure.pk)
    if not acces.est_gestionnaire(acting_user, ancienne):
        raise ChangementSiretRefuse(
            _("Seul un gestionnaire de la structure peut déclarer un changement de SIRET.")
        )
    raison = changement_siret_possible(ancienne)
    if raison:
        raise ChangementSiretRefuse(raison)
    nouveau_siret = valider_siret(nouveau_siret or "")
    if nouveau_siret == ancienne.identifiant:
        raise ChangementSiretRefuse(_("Le nouveau SIRET doit être différent du SIRET actuel."))

    cible = (
        Structure.objects.select_for_update()
        .filter(type_identifiant=TypeIdentifiant.SIRET, identifiant=nouveau_siret)
        .first()
    )
    verifier_cible(ancienne, cible)
    if cible is None:
        cible = Structure.objects.create(
            type_identifiant=TypeIdentifiant.SIRET,
            identifiant=nouveau_siret,
            gestionnaire_principal=ancienne.gestionnaire_principal,
            **{champ: getattr(ancienne, champ) for champ in CHAMPS_COPIES},
        )
    elif cible.gestionnaire_principal_id is None and ancienne.gestionnaire_principal_id:
        cible.gestionnaire_principal_id = ancienne.gestionnaire_principal_id
        cible.save(update_fields=["gestionnaire_principal"])

    services = _copier_services(ancienne, cible)
    _copier_rattachements(ancienne, cible, services)
    _copier_habilitations(ancienne, cible, services)
    _copier_coordonnees_bancaires(ancienne, cible)
    _copier_pieces_jointes(ancienne, cible)
    ancienne.statut = StatutStructure.INACTIVE
    ancienne.remplacee_par = cible
    ancienne.save(update_fields=["statut", "remplacee_par"])
    structure.statut, structure.remplacee_par = ancienne.statut, cible
    acces.oublier_droits(acting_user)
    return cible


def _copier_services(ancienne: Structure, cible: Structure) -> dict[int, Service]:
    """Copies the services whose code is new to `cible`; maps old service ids to new ones."""
    existants = {s.code: s for s in cible.services.all()}
    correspondance = {}
    for service in ancienne.services.all():
        nouveau = existants.get(service.code)
        if nouveau is None:
            nouveau = Service.objects.create(
                structure=cible, **{champ: getattr(service, champ) for champ in CHAMPS_SERVICE}
            )
        correspondance[service.pk] = nouveau
    return correspondance


def _copier_rattachements(ancienne, cible, services) -> None:
    en_cours = {
        (r.utilisateur_id, r.service_id)
        for r in Rattachement.objects.filter(
            structure=cible,
            statut__in=[StatutRattachement.EN_ATTENTE, StatutRattachement.ACTIF],
        )
    }
    nouveaux = []
    for r in Rattachement.objects.filter(structure=ancienne, statut=StatutRattachement.ACTIF):
        service = services[r.service_id] if r.service_id else None
        cle = (r.utilisateur_id, service.pk if service else None)
        if cle in en_cours:
            continue
        en_cours.add(cle)
        nouveaux.append(
            Rattachement(
                utilisateur_id=r.utilisateur_id,
                structure=cible,
                service=service,
                statut=StatutRattachement.ACTIF,
                commentaire=r.commentaire,
            )
        )
    Rattachement.objects.bulk_create(nouveaux)


def _copier_habilitations(ancienne, cible, services) -> None:
    existantes = {
        (h.utilisateur_id, h.service_id, h.application): h
        for h in Habilitation.objects.filter(structure=cible)
    }
    nouvelles = {}
    for h in Habilitation.objects.filter(structure=ancienne):
        service = services[h.service_id] if h.service_id else None
        cle = (h.utilisateur_id, service.pk if service else None, h.application)
        existante = existantes.get(cle)
        if existante is not None:
            if h.niveau == Niveau.MODIFICATION and existante.niveau != Niveau.MODIFICATION:
                existante.niveau = Niveau.MODIFICATION
                existante.save(update_fields=["niveau"])
            continue
        precedente = nouvelles.get(cle)
        if precedente is None or h.niveau == Niveau.MODIFICATION:
            nouvelles[cle] = Habilitation(
                utilisateur_id=h.utilisateur_id,
                structure=cible,
                service=service,
                application=h.application,
                niveau=h.niveau,
            )
    Habilitation.objects.bulk_create(nouvelles.values())


def _copier_coordonnees_bancaires(ancienne, cible) -> None:
    CoordonneeBancaire.objects.bulk_create(
        CoordonneeBancaire(
            structure=cible, **{champ: getattr(c, champ) for champ in CHAMPS_COORDONNEE}
        )
        for c in ancienne.coordonnees_bancaires.filter(statut=StatutCoordonnee.ACTIVE)
    )


def _copier_pieces_jointes(ancienne, cible) -> None:
    PieceJointeStructure.objects.bulk_create(
        PieceJointeStructure(
            structure=cible,
            document_id=p.document_id,
            libelle=p.libelle,
            ajoutee_par_id=p.ajoutee_par_id,
            ajoutee_le=p.ajoutee_le,
        )
        for p in ancienne.pieces_jointes.all()
    )
