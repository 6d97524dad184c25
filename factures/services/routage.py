"""Routing a structured invoice from its own content (domain §5.1), against the directory.

- The seller (BT-30, then its other identifiers) must be a structure the depositor may
  deposit for (*Factures émises – modification*): else the deposit is refused.
- The buyer (BT-47, then BT-46, BT-48, BT-49) must be an active public structure of the
  directory: it becomes the recipient.
- The buyer reference (BT-10) names one of the recipient's active services; the purchase order
  reference (BT-13) is the engagement number; the recipient's parameters are enforced.

An identifier matches a structure by its value (spaces, dots and dashes ignored): a SIRET under
scheme 0009 or Chorus Pro's 1, any other identifier as the structure's identifier, a VAT number
(BT-31 / BT-48) as the structure's identifier or its intra-EU VAT number. Every problem is named
by its business term and says what the recipient requires, so the user can fix his file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from factures.formats.donnees import FactureLue, IdentifiantLu
from factures.services.verifications import Manque, parametres_destinataire
from structures.annuaire.recherche import compacter_identifiant
from structures.enums import CategorieStructure, StatutService, StatutStructure
from structures.models import Service, Structure

# Priority of the identifiers: the legal one first (domain §5.1), electronic addresses last.
_ORDRE = {"BT-30": 0, "BT-47": 0, "BT-29": 1, "BT-46": 1, "BT-31": 2, "BT-48": 2}
_TVA = {"BT-31", "BT-48"}


def identifiants_de(lue: FactureLue, partie: str) -> list[IdentifiantLu]:
    """The identifiers of `partie` ("fournisseur" or "destinataire"), legal one first; the
    SIRET and VAT fields stand in for a reader that gave no list."""
    identifiants = list(getattr(lue, f"identifiants_{partie}"))
    legal, tva = ("BT-30", "BT-31") if partie == "fournisseur" else ("BT-47", "BT-48")
    siret = getattr(lue, f"siret_{partie}")
    if siret and not any(compacter_identifiant(i.valeur) == siret for i in identifiants):
        identifiants.append(IdentifiantLu(siret, "0009", legal))
    numero_tva = getattr(lue, f"tva_{partie}")
    if numero_tva and not any(i.terme == tva for i in identifiants):
        identifiants.append(IdentifiantLu(numero_tva, "VA", tva))
    valables = [i for i in identifiants if i.valeur and "@" not in i.valeur]
    return sorted(valables, key=lambda i: _ORDRE.get(i.terme, 3))


def _criteres(identifiant: IdentifiantLu) -> list[tuple[str, str]]:
    """How a structure may carry this identifier, the indexed way first: (lookup, value)."""
    valeur = compacter_identifiant(identifiant.valeur)
    criteres = [("identifiant", valeur)]
    if identifiant.terme in _TVA or identifiant.schema == "VA":
        criteres.append(("tva_intracommunautaire__iexact", valeur))
    return criteres


def _porte(structure: Structure, lookup: str, valeur: str) -> bool:
    """`lookup` of `_criteres` evaluated on a structure already read."""
    if lookup == "identifiant":
        return structure.identifiant == valeur
    return (structure.tva_intracommunautaire or "").upper() == valeur.upper()


def structure_designee(identifiants: list[IdentifiantLu], parmi) -> Structure | None:
    """The first structure of `parmi` one of the identifiers names without ambiguity.
    `parmi`: a queryset (one query per identifier tried), or an `Annuaire` already read and
    the test a structure must pass, as (annuaire, retenir)."""
    for identifiant in identifiants:
        for lookup, valeur in _criteres(identifiant):
            if isinstance(parmi, tuple):
                annuaire, retenir = parmi
                trouvees = [
                    s for s in annuaire.structures if retenir(s) and _porte(s, lookup, valeur)
                ][:2]
            else:
                trouvees = list(parmi.filter(Q(**{lookup: valeur}))[:2])
            if len(trouvees) == 1:
                return trouvees[0]
    return None


class Annuaire:
    """The structures any of these identifiers may name, read in one query: a deposit looks
    its seller and its buyer up in it instead of querying the directory for each."""

    def __init__(self, *listes: list[IdentifiantLu]):
        condition = Q()
        for identifiants in listes:
            for identifiant in identifiants:
                for lookup, valeur in _criteres(identifiant):
                    condition |= Q(**{lookup: valeur})
        self.structures = list(Structure.objects.filter(condition)) if condition else []


def _liste(identifiants: list[IdentifiantLu]) -> str:
    return ", ".join(f"{i.valeur} ({i.terme})" for i in identifiants[:3])


def verifier_vendeur(lue: FactureLue, structures_permises) -> tuple[Structure | None, list[Manque]]:
    """The supplier the file names among the structures the depositor may deposit for
    (`structures_permises`: a queryset, or (annuaire, retenir) as `structure_designee`)."""
    identifiants = identifiants_de(lue, "fournisseur")
    if not identifiants:
        return None, [
            Manque(
                "fournisseur",
                _(
                    "le fichier n'indique pas l'identifiant du vendeur (SIRET, schéma 0009) : le "
                    "portail ne peut pas vérifier que la facture est celle de votre structure."
                ),
                "BT-30",
            )
        ]
    fournisseur = structure_designee(identifiants, structures_permises)
    if fournisseur is None:
        return None, [
            Manque(
                "fournisseur",
                _(
                    "le vendeur de la facture (%(identifiants)s) n'est pas une structure pour "
                    "laquelle vous pouvez déposer des factures : déposez-la depuis le compte "
                    "d'un utilisateur de cette structure, ou demandez à y être habilité."
                )
                % {"identifiants": _liste(identifiants)},
                "BT-30",
            )
        ]
    return fournisseur, []


@dataclass
class Routage:
    destinataire: Structure | None = None
    service: Service | None = None
    manques: list[Manque] = field(default_factory=list)


def router(lue: FactureLue, annuaire: Annuaire | None = None) -> Routage:
    """The recipient and its service the file names, and what is missing for them.
    `annuaire`: the structures already read for this file (`Annuaire`)."""
    identifiants = identifiants_de(lue, "destinataire")
    if not identifiants:
        return Routage(
            manques=[
                Manque(
                    "destinataire",
                    _(
                        "le fichier n'indique pas l'identifiant de l'acheteur (le SIRET du "
                        "destinataire, schéma 0009 ou 1) : le portail ne peut pas acheminer la "
                        "facture."
                    ),
                    "BT-47",
                )
            ]
        )
    publiques = (
        (annuaire, lambda s: s.categorie == CategorieStructure.PUBLIQUE)
        if annuaire is not None
        else Structure.objects.publiques()
    )
    destinataire = structure_designee(identifiants, publiques)
    if destinataire is None:
        return Routage(
            manques=[
                Manque(
                    "destinataire",
                    _(
                        "l'acheteur (%(identifiants)s) n'est pas une entité publique de "
                        "l'annuaire : vérifiez le SIRET du destinataire."
                    )
                    % {"identifiants": _liste(identifiants)},
                    "BT-47",
                )
            ]
        )
    routage = Routage(destinataire=destinataire)
    if destinataire.statut != StatutStructure.ACTIVE:
        routage.manques.append(
            Manque(
                "destinataire",
                _("le destinataire « %(nom)s » est inactif : il ne reçoit plus de factures.")
                % {"nom": destinataire.raison_sociale},
                "BT-47",
            )
        )
    code = (lue.code_service or "").strip()
    if code:
        routage.service = destinataire.services.filter(
            code__iexact=code, statut=StatutService.ACTIF
        ).first()
        if routage.service is None:
            routage.manques.append(
                Manque(
                    "service_destinataire",
                    _(
                        "le code service « %(code)s » n'est pas un service actif de « %(nom)s » "
                        "(voir ses services dans l'annuaire)."
                    )
                    % {"code": code, "nom": destinataire.raison_sociale},
                    "BT-10",
                )
            )
    if routage.service is not None or not code:
        routage.manques += parametres_destinataire(
            destinataire=destinataire,
            service=routage.service,
            numero_engagement=(lue.numero_engagement or "").strip(),
            structuree=True,
        )
    return routage
