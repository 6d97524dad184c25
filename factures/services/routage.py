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

import operator
from dataclasses import dataclass, field
from functools import reduce

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


def structure_designee(
    identifiants: list[IdentifiantLu], parmi, lue_dans: tuple | None = None
) -> Structure | None:
    """The first structure of `parmi` (a queryset) one of the identifiers names without
    ambiguity. `lue_dans`: (an `Annuaire` already read, the test a structure of `parmi`
    passes), where the identifiers themselves are looked up without a query; the other
    ways (a VAT number) query `parmi`."""
    for identifiant in identifiants:
        for lookup, valeur in _criteres(identifiant):
            if lookup == "identifiant" and lue_dans is not None:
                annuaire, retenir = lue_dans
                trouvees = [
                    s for s in annuaire.structures if s.identifiant == valeur and retenir(s)
                ][:2]
            else:
                trouvees = list(parmi.filter(Q(**{lookup: valeur}))[:2])
            if len(trouvees) == 1:
                return trouvees[0]
    return None


class Annuaire:
    """The structures some identifiers name, read in one query: a deposit looks its seller
    and its buyer up in it instead of querying the directory for each. Built from pairs
    (identifiers, the queryset they are looked up in): each pair is one branch of the
    query, on that queryset's own index (the pks of the depositor's structures, the public
    structures' identifiers)."""

    def __init__(self, *paires: tuple[list[IdentifiantLu], object]):
        branches = [
            parmi.filter(identifiant__in={compacter_identifiant(i.valeur) for i in identifiants})
            for identifiants, parmi in paires
            if identifiants
        ]
        self.structures = list(reduce(operator.or_, branches).order_by()) if branches else []


def _liste(identifiants: list[IdentifiantLu]) -> str:
    return ", ".join(f"{i.valeur} ({i.terme})" for i in identifiants[:3])


def verifier_vendeur(
    lue: FactureLue, structures_permises, lue_dans: tuple | None = None
) -> tuple[Structure | None, list[Manque]]:
    """The supplier the file names among the structures the depositor may deposit for
    (`lue_dans`: as `structure_designee`)."""
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
    fournisseur = structure_designee(identifiants, structures_permises, lue_dans)
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
    lue_dans = (
        (annuaire, lambda s: s.categorie == CategorieStructure.PUBLIQUE)
        if annuaire is not None
        else None
    )
    destinataire = structure_designee(identifiants, Structure.objects.publiques(), lue_dans)
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
