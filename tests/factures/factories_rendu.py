"""Deposited invoices ready to be rendered: typed ones with complete parties, lines and the
totals the saisie computes from them, and deposited UBL / CII ones.

`FactureSaisieFactory(lignes=[Ligne("Conseil", "3", "250", "20"), …])` builds the lines, then
the VAT breakdown per (category, rate) and the totals as the saisie does (half-up to the cent).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import factory
from django.utils import timezone

from chorus import documents
from factures.enums import CategorieTva, FormatFacture, ModeDepot, ModePaiement, StatutFacture
from factures.models import LigneFacture, LigneTva
from structures.enums import CategorieStructure
from tests.factures.factories import FactureFactory
from tests.structures.factories import ServiceFactory, StructureFactory
from tests.structures.factories_gestion import CoordonneeBancaireFactory

CENT = Decimal("0.01")
# What a deposited UBL file holds matters little here: only its fingerprint is attested.
UBL_MINIMAL = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>\n'
)


def arrondi(valeur: Decimal) -> Decimal:
    return valeur.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Ligne:
    designation: str
    quantite: str
    prix: str
    taux: str = "20"
    remise: str = "0"
    categorie: str = CategorieTva.S
    reference: str = ""
    unite: str = "C62"

    @property
    def montant_ht(self) -> Decimal:
        return arrondi(Decimal(self.quantite) * Decimal(self.prix) - Decimal(self.remise))


class FournisseurFactory(StructureFactory):
    raison_sociale = factory.Sequence(lambda n: f"Bureau d'études Lumière {n}")
    adresse = "12 rue des Lilas"
    adresse_complement_1 = "Bâtiment B"
    code_postal = "69003"
    ville = "Lyon"
    tva_intracommunautaire = factory.LazyAttribute(lambda s: f"FR32{s.identifiant[:9]}")
    email = "facturation@lumiere.example"


class EntitePubliqueFactory(StructureFactory):
    categorie = CategorieStructure.PUBLIQUE
    raison_sociale = factory.Sequence(lambda n: f"Commune de Saint-Éloi {n}")
    adresse = "1 place de la Mairie"
    code_postal = "38000"
    ville = "Grenoble"


def enregistrer_lignes(facture, lignes: list[Ligne], *, motif_exoneration: str = "") -> None:
    """Creates the lines, the VAT breakdown and the totals, as the saisie computes them."""
    bases: dict[tuple[str, Decimal], Decimal] = {}
    for ordre, ligne in enumerate(lignes, start=1):
        LigneFacture.objects.create(
            facture=facture,
            ordre=ordre,
            reference=ligne.reference,
            designation=ligne.designation,
            quantite=Decimal(ligne.quantite),
            unite=ligne.unite,
            prix_unitaire_ht=Decimal(ligne.prix),
            remise_ht=Decimal(ligne.remise),
            categorie_tva=ligne.categorie,
            taux_tva=Decimal(ligne.taux),
            montant_ht=ligne.montant_ht,
        )
        cle = (ligne.categorie, Decimal(ligne.taux))
        bases[cle] = bases.get(cle, Decimal("0")) + ligne.montant_ht
    total_ht = total_tva = Decimal("0.00")
    for (categorie, taux), base in bases.items():
        tva = arrondi(base * taux / 100)
        LigneTva.objects.create(
            facture=facture,
            categorie_tva=categorie,
            taux=taux,
            base_ht=base,
            montant_tva=tva,
            motif_exoneration=motif_exoneration if categorie != CategorieTva.S else "",
        )
        total_ht += base
        total_tva += tva
    facture.montant_ht = total_ht
    facture.montant_tva = total_tva
    facture.montant_ttc = total_ht + total_tva
    facture.montant_a_payer = facture.montant_ttc - facture.montant_remise_globale_ttc
    facture.save()


class FactureSaisieFactory(FactureFactory):
    """A typed invoice (SAISIE_PORTAIL), deposited, to a public entity's service, paid by
    transfer to the supplier's bank details."""

    fournisseur = factory.SubFactory(FournisseurFactory)
    destinataire = factory.SubFactory(EntitePubliqueFactory)
    service_destinataire = factory.SubFactory(
        ServiceFactory,
        structure=factory.SelfAttribute("..destinataire"),
        code="SERV-FIN",
        libelle="Service financier",
    )
    mode_depot = ModeDepot.SAISIE_PORTAIL
    statut = StatutFacture.DEPOSEE
    deposee_le = factory.LazyFunction(timezone.now)
    numero_engagement = "EJ-2026-0042"
    numero_marche = "MARCHE-2025-17"
    mode_paiement = ModePaiement.VIREMENT
    coordonnee_bancaire = factory.SubFactory(
        CoordonneeBancaireFactory, structure=factory.SelfAttribute("..fournisseur")
    )
    date_echeance = factory.LazyAttribute(lambda f: f.date_facture.replace(day=30))

    @factory.post_generation
    def lignes(self, create, extracted, **kwargs):
        if not create:
            return
        enregistrer_lignes(
            self,
            extracted if extracted is not None else [Ligne("Prestation", "10", "100")],
            motif_exoneration=self.motif_exoneration,
        )


class FactureDeposeeXmlFactory(FactureSaisieFactory):
    """A deposited structured invoice (UBL by default): its data as read from the file."""

    mode_depot = ModeDepot.UPLOAD_PORTAIL
    format_depot = FormatFacture.UBL
    document_original = factory.LazyFunction(
        lambda: documents.enregistrer_contenu(
            UBL_MINIMAL, nom="facture-ubl.xml", type_mime="application/xml"
        )
    )
