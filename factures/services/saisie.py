"""Drafts: create, fill in (header, cadre, validators, lines), choose the recipient, delete.

A draft may be incomplete: only the references it carries are checked here (the bank
details are the supplier's and active, the service is an active one of the recipient, the
validators exist); the complete rules are checked at sending (`verifications`). Totals and
the VAT breakdown are always recomputed server-side from the lines (`factures.montants`).

A deposited structured file (UBL, CII, Factur-X) is the invoice: its data come from the
file and cannot be retyped; its draft only takes what the file does not say (cadre,
validators, the supplier's service, attachments). A deposited PDF is pre-filled from its
text and the user completes everything, lines optional (then he types the totals).

Services are parametrized by cadre (`cadres_permis`), so that the works pieces reuse them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from factures import montants
from factures.circuits import circuit_de
from factures.enums import (
    CADRES_ORDINAIRES,
    Cadre,
    CategorieTva,
    ModeDepot,
    StatutFacture,
    TypeTva,
)
from factures.enums import ActionFacture as A
from factures.models import Facture, LigneFacture, LigneTva
from factures.services.verifications import FORMATS_STRUCTURES, LIGNES_MAX
from habilitations import acces
from habilitations.enums import Application, Niveau
from structures.annuaire.recherche import compacter_identifiant
from structures.enums import StatutCoordonnee, StatutService, StatutStructure
from structures.models import Structure

ESPACE = Application.FACTURES_EMISES

# Header fields a draft takes from the form (typed invoice or deposited PDF).
CHAMPS_DONNEES = [
    "type_facture",
    "numero",
    "date_facture",
    "date_echeance",
    "devise",
    "type_tva",
    "motif_exoneration",
    "mode_paiement",
    "coordonnee_bancaire",
    "numero_marche",
    "numero_engagement",
    "numero_facture_origine",
    "commentaire",
    "montant_remise_globale_ttc",
    "motif_remise_globale",
]
# Routing fields: the recipient's service (the recipient itself is chosen in the directory).
CHAMPS_ACHEMINEMENT = ["service_destinataire"]
# What a structured file's draft still takes.
CHAMPS_TOUJOURS_MODIFIABLES = ["cadre", "service_fournisseur"]
CHAMPS_LIGNE = ["designation", "reference", "quantite", "unite", "prix_unitaire_ht", "remise_ht"]


def est_structuree(facture: Facture) -> bool:
    return facture.format_depot in FORMATS_STRUCTURES


def exiger_fournisseur(user, fournisseur: Structure, service=None) -> None:
    """*Factures émises – modification* on the supplier (or on the service chosen)."""
    if not acces.can(user, ESPACE, Niveau.MODIFICATION, fournisseur, service):
        raise PermissionDenied


def _exiger_brouillon(facture: Facture) -> None:
    if facture.statut != StatutFacture.BROUILLON:
        raise ValidationError(
            _("Cette facture a déjà été envoyée : elle ne peut plus être modifiée."),
            code="pas_brouillon",
        )


def _verrouiller(facture: Facture) -> Facture:
    return Facture.objects.select_for_update().get(pk=facture.pk)


def _verifier_service_fournisseur(user, fournisseur: Structure, service) -> None:
    if service is not None and service.structure_id != fournisseur.pk:
        raise ValidationError(
            {"service_fournisseur": _("Ce service n'appartient pas à votre structure.")}
        )
    if not acces.can(user, ESPACE, Niveau.MODIFICATION, fournisseur, service):
        raise ValidationError(
            {
                "service_fournisseur": _(
                    "Vous n'êtes habilité que pour certains services de cette structure : "
                    "choisissez l'un d'eux."
                )
            }
        )


def _verifier_cadre(cadre: str, cadres_permis: Iterable[str]) -> None:
    if cadre not in set(cadres_permis):
        raise ValidationError({"cadre": _("Ce cadre de facturation n'est pas proposé ici.")})


@transaction.atomic
def facture_creer(
    *,
    acting_user,
    fournisseur: Structure,
    service_fournisseur=None,
    cadre: str = Cadre.A1_FACTURE_FOURNISSEUR,
    mode_depot: str = ModeDepot.SAISIE_PORTAIL,
    cadres_permis: Iterable[str] = CADRES_ORDINAIRES,
) -> Facture:
    """A new, empty draft of `fournisseur` in `cadre`."""
    if fournisseur.statut != StatutStructure.ACTIVE:
        raise PermissionDenied
    _verifier_cadre(cadre, cadres_permis)
    _verifier_service_fournisseur(acting_user, fournisseur, service_fournisseur)
    return Facture.objects.create(
        fournisseur=fournisseur,
        service_fournisseur=service_fournisseur,
        cadre=cadre,
        mode_depot=mode_depot,
        cree_par=acting_user,
    )


def trouver_valideur(identifiant: str, *, champ: str) -> Structure | None:
    """The structure a validator identifier names (any identifier type), or None if empty.
    Validators are companies on the portal (a titulaire, a mandataire), not in the public
    directory: they are named by their identifier."""
    identifiant = compacter_identifiant(identifiant)
    if not identifiant:
        return None
    trouvees = list(Structure.objects.filter(identifiant=identifiant)[:2])
    if not trouvees:
        raise ValidationError(
            {
                champ: _(
                    "Aucune structure n'a l'identifiant %(identifiant)s sur le portail : le "
                    "valideur doit y être inscrit."
                )
                % {"identifiant": identifiant}
            }
        )
    if len(trouvees) > 1:
        raise ValidationError(
            {champ: _("Plusieurs structures portent cet identifiant : contactez le support.")}
        )
    return trouvees[0]


def _verifier_references(facture: Facture) -> None:
    erreurs = {}
    coordonnee = facture.coordonnee_bancaire
    if coordonnee is not None and (
        coordonnee.structure_id != facture.fournisseur_id
        or coordonnee.statut != StatutCoordonnee.ACTIVE
    ):
        erreurs["coordonnee_bancaire"] = _(
            "Choisissez des coordonnées bancaires actives de votre structure."
        )
    service = facture.service_destinataire
    if service is not None and (
        service.structure_id != facture.destinataire_id or service.statut != StatutService.ACTIF
    ):
        erreurs["service_destinataire"] = _("Choisissez un service actif du destinataire.")
    if erreurs:
        raise ValidationError(erreurs)


def _lignes_a_calculer(facture: Facture, lignes: list[dict]) -> list[montants.Ligne]:
    resultat = []
    for ligne in lignes:
        taux = montants.taux_effectif(facture.type_tva, ligne.get("taux_tva") or Decimal("0"))
        resultat.append(
            montants.Ligne(
                quantite=ligne["quantite"],
                prix_unitaire_ht=ligne["prix_unitaire_ht"],
                remise_ht=ligne.get("remise_ht") or montants.ZERO,
                taux_tva=taux,
                categorie_tva=montants.categorie_pour(facture.type_tva, taux),
            )
        )
    return resultat


def calculer_totaux(facture: Facture, lignes: list[dict] | None, donnees: dict) -> montants.Totaux:
    """The totals of a draft: from its lines, or typed (a PDF deposit without lines).
    Raises ValidationError when an amount is absurd."""
    deja_payee = facture.cadre == Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE
    remise = donnees.get("montant_remise_globale_ttc") or montants.ZERO
    try:
        if lignes or facture.mode_depot == ModeDepot.SAISIE_PORTAIL:
            return montants.calculer(
                _lignes_a_calculer(facture, lignes or []),
                remise_globale_ttc=remise,
                deja_payee=deja_payee,
            )
        return montants.calculer_sans_lignes(
            montant_ht=donnees.get("montant_ht") or montants.ZERO,
            montant_tva=donnees.get("montant_tva") or montants.ZERO,
            remise_globale_ttc=remise,
            deja_payee=deja_payee,
        )
    except montants.MontantHorsLimite:
        raise ValidationError(
            _(
                "Un montant de la facture dépasse la limite autorisée (9 999 999 999 999,99) : "
                "vérifiez les quantités et les prix."
            ),
            code="montant_hors_limite",
        ) from None


def _ecrire_lignes(facture: Facture, lignes: list[dict], totaux: montants.Totaux) -> None:
    facture.lignes.all().delete()
    a_calculer = _lignes_a_calculer(facture, lignes)
    LigneFacture.objects.bulk_create(
        [
            LigneFacture(
                facture=facture,
                ordre=rang,
                numero=str(rang),
                designation=ligne.get("designation") or "",
                reference=ligne.get("reference") or "",
                unite=ligne.get("unite") or "",
                quantite=ligne["quantite"],
                prix_unitaire_ht=ligne["prix_unitaire_ht"],
                remise_ht=ligne.get("remise_ht") or montants.ZERO,
                taux_tva=calcul.taux_tva,
                categorie_tva=calcul.categorie_tva,
                montant_ht=montant,
            )
            for rang, (ligne, calcul, montant) in enumerate(
                zip(lignes, a_calculer, totaux.montants_lignes, strict=True), start=1
            )
        ],
        batch_size=1000,
    )


def _ecrire_tva(facture: Facture, totaux: montants.Totaux) -> None:
    facture.lignes_tva.all().delete()
    motif = facture.motif_exoneration if facture.type_tva == TypeTva.EXONERATION else ""
    LigneTva.objects.bulk_create(
        LigneTva(
            facture=facture,
            categorie_tva=groupe.categorie_tva,
            taux=groupe.taux,
            base_ht=groupe.base_ht,
            montant_tva=groupe.montant_tva,
            motif_exoneration=motif if groupe.categorie_tva == CategorieTva.E else "",
        )
        for groupe in totaux.tva
    )


def lignes_ecrire(facture: Facture, lignes: list[dict], totaux: montants.Totaux) -> None:
    """Writes typed lines and their VAT breakdown as `totaux` computed them (the works
    pieces' saisie reuses it: travaux.services.contenu)."""
    _ecrire_lignes(facture, lignes, totaux)
    _ecrire_tva(facture, totaux)


def _appliquer_totaux(facture: Facture, totaux: montants.Totaux) -> list[str]:
    champs = [
        "montant_ht",
        "montant_tva",
        "montant_ttc",
        "montant_remise_globale_ttc",
        "montant_a_payer",
    ]
    for champ in champs:
        setattr(facture, champ, getattr(totaux, champ))
    return champs


@transaction.atomic
def facture_brouillon_enregistrer(
    *,
    facture: Facture,
    acting_user,
    donnees: dict[str, Any],
    lignes: list[dict] | None = None,
    cadres_permis: Iterable[str] = CADRES_ORDINAIRES,
) -> Facture:
    """Writes what the form says on the draft, recomputes its totals and VAT breakdown.

    `donnees` holds the cleaned form fields (header, `service_destinataire`, `cadre`,
    `service_fournisseur`, `identifiant_valideur_1/2`, typed totals `montant_ht` /
    `montant_tva` for a PDF without lines); `lignes` the cleaned lines (None: unchanged).
    A structured file's draft ignores data fields: the file says them.
    """
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    facture = _verrouiller(facture)
    _exiger_brouillon(facture)
    champs = [c for c in CHAMPS_TOUJOURS_MODIFIABLES if c in donnees]
    if "cadre" in donnees:
        _verifier_cadre(donnees["cadre"], cadres_permis)
    if "service_fournisseur" in donnees:
        _verifier_service_fournisseur(
            acting_user, facture.fournisseur, donnees["service_fournisseur"]
        )
    if not est_structuree(facture):
        champs += [c for c in CHAMPS_DONNEES + CHAMPS_ACHEMINEMENT if c in donnees]
    for champ in champs:
        setattr(facture, champ, donnees[champ])
    for rang in (1, 2):
        cle = f"identifiant_valideur_{rang}"
        if cle in donnees:
            setattr(facture, f"valideur_{rang}", trouver_valideur(donnees[cle], champ=cle))
            champs.append(f"valideur_{rang}")
    _verifier_references(facture)
    if not est_structuree(facture):
        if lignes is not None and len(lignes) > LIGNES_MAX:
            raise ValidationError(
                _("Une facture compte au plus %(max)s lignes.") % {"max": LIGNES_MAX},
                code="trop_de_lignes",
            )
        if lignes is None:
            lignes = list(facture.lignes.values(*CHAMPS_LIGNE, "taux_tva"))
        totaux = calculer_totaux(facture, lignes, donnees)
        champs += _appliquer_totaux(facture, totaux)
        _ecrire_lignes(facture, lignes, totaux)
        _ecrire_tva(facture, totaux)
    facture.save(update_fields=[*dict.fromkeys(champs), "modifiee_le"])
    return facture


@transaction.atomic
def facture_destinataire_choisir(
    *, facture: Facture, acting_user, destinataire: Structure
) -> Facture:
    """Chooses the recipient among active public structures (the directory); a service of
    another recipient is dropped."""
    exiger_fournisseur(acting_user, facture.fournisseur, facture.service_fournisseur)
    facture = _verrouiller(facture)
    _exiger_brouillon(facture)
    if est_structuree(facture):
        raise ValidationError(
            _("Le destinataire d'un fichier structuré est celui que le fichier désigne (BT-47)."),
            code="destinataire_du_fichier",
        )
    if not destinataire.est_publique or destinataire.statut != StatutStructure.ACTIVE:
        raise ValidationError(
            _("Choisissez une entité publique active de l'annuaire."), code="pas_publique"
        )
    facture.destinataire = destinataire
    champs = ["destinataire"]
    if (
        facture.service_destinataire_id
        and facture.service_destinataire.structure_id != destinataire.pk
    ):
        facture.service_destinataire = None
        champs.append("service_destinataire")
    facture.save(update_fields=[*champs, "modifiee_le"])
    return facture


@transaction.atomic
def facture_supprimer(*, facture: Facture, acting_user) -> Facture:
    """Deletes a draft through the engine (SUPPRIMEE, kept in the history, out of the lists)."""
    circuit_de(facture).appliquer(facture, action=A.SUPPRIMER, acteur=acting_user)
    return facture
