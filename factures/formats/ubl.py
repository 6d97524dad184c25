"""Reader of OASIS UBL 2.1 invoices and credit notes (EN 16931 syntax binding).

`lire_ubl(arbre)` maps a parsed `Invoice` or `CreditNote` to a `FactureLue`; it never raises
on missing data. The two documents differ only by a few element names (`InvoiceLine` /
`CreditNoteLine`, `InvoicedQuantity` / `CreditedQuantity`, the type code, the due date).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from factures.enums import FormatFacture
from factures.formats.donnees import FactureLue, IdentifiantLu, LigneLue, TvaLue
from factures.formats.lecture import (
    attribut,
    date_iso,
    mode_paiement,
    nombre,
    nombre_de,
    texte,
    type_facture,
    type_tva,
)
from factures.formats.parties import siret_parmi

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
RACINE_INVOICE = f"{{{NS_INVOICE}}}Invoice"
RACINE_CREDIT_NOTE = f"{{{NS_CREDIT_NOTE}}}CreditNote"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def est_un_avoir(racine: etree._Element) -> bool:
    return racine.tag == RACINE_CREDIT_NOTE


def nombre_de_lignes(arbre: etree._ElementTree) -> int:
    racine = arbre.getroot()
    nom = "cac:CreditNoteLine" if est_un_avoir(racine) else "cac:InvoiceLine"
    return sum(1 for _ in racine.iterfind(nom, NS))


def _identifiants(partie, legal: str, autre: str, tva: str, adresse: str):
    if partie is None:
        return []
    trouves = []
    for element in partie.findall("cac:PartyLegalEntity/cbc:CompanyID", NS):
        trouves.append(IdentifiantLu(texte(element), attribut(element, "schemeID"), legal))
    for element in partie.findall("cac:PartyIdentification/cbc:ID", NS):
        trouves.append(IdentifiantLu(texte(element), attribut(element, "schemeID"), autre))
    for element in partie.findall("cbc:EndpointID", NS):
        trouves.append(IdentifiantLu(texte(element), attribut(element, "schemeID"), adresse))
    for schema in partie.findall("cac:PartyTaxScheme", NS):
        if texte(schema, "cac:TaxScheme/cbc:ID", NS).upper() == "VAT":
            trouves.append(IdentifiantLu(texte(schema, "cbc:CompanyID", NS), "VA", tva))
    return [i for i in trouves if i.valeur]


def _nom(partie) -> str:
    return texte(partie, "cac:PartyLegalEntity/cbc:RegistrationName", NS) or texte(
        partie, "cac:PartyName/cbc:Name", NS
    )


def _montant_en_devise(parent, chemin: str, devise: str) -> Decimal | None:
    if parent is None:
        return None
    elements = parent.findall(chemin, NS)
    for element in elements:
        if attribut(element, "currencyID") in ("", devise):
            return nombre(element.text or "")
    return nombre(elements[0].text or "") if elements else None


def lire_ubl(arbre: etree._ElementTree) -> FactureLue:
    """Maps a UBL 2.1 Invoice or CreditNote to a FactureLue."""
    racine = arbre.getroot()
    avoir = est_un_avoir(racine)
    lue = FactureLue(format=FormatFacture.UBL)
    trouves = lue.termes_trouves

    def garder(terme: str, valeur):
        if valeur not in ("", None):
            trouves.add(terme)
        return valeur

    lue.profil = garder("BT-24", texte(racine, "cbc:CustomizationID", NS))
    lue.processus_metier = garder("BT-23", texte(racine, "cbc:ProfileID", NS))
    lue.numero = garder("BT-1", texte(racine, "cbc:ID", NS))
    lue.date_facture = garder("BT-2", date_iso(texte(racine, "cbc:IssueDate", NS)))
    code = texte(racine, "cbc:CreditNoteTypeCode" if avoir else "cbc:InvoiceTypeCode", NS)
    lue.code_type = garder("BT-3", code)
    lue.type_facture = type_facture(code)
    echeance = texte(racine, "cbc:DueDate", NS) or texte(
        racine, "cac:PaymentMeans/cbc:PaymentDueDate", NS
    )
    lue.date_echeance = garder("BT-9", date_iso(echeance))
    lue.devise = garder("BT-5", texte(racine, "cbc:DocumentCurrencyCode", NS))
    notes = [texte(n) for n in racine.findall("cbc:Note", NS)]
    lue.commentaire = garder("BT-22", "\n".join(n for n in notes if n))
    lue.code_service = garder("BT-10", texte(racine, "cbc:BuyerReference", NS))
    lue.numero_engagement = garder("BT-13", texte(racine, "cac:OrderReference/cbc:ID", NS))
    lue.numero_marche = garder("BT-12", texte(racine, "cac:ContractDocumentReference/cbc:ID", NS))
    lue.numero_facture_origine = garder(
        "BT-25", texte(racine, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", NS)
    )

    vendeur = racine.find("cac:AccountingSupplierParty/cac:Party", NS)
    acheteur = racine.find("cac:AccountingCustomerParty/cac:Party", NS)
    lue.nom_fournisseur = garder("BT-27", _nom(vendeur))
    lue.nom_destinataire = garder("BT-44", _nom(acheteur))
    lue.identifiants_fournisseur = _identifiants(vendeur, "BT-30", "BT-29", "BT-31", "BT-34")
    lue.identifiants_destinataire = _identifiants(acheteur, "BT-47", "BT-46", "BT-48", "BT-49")
    lue.siret_fournisseur, terme = siret_parmi(lue.identifiants_fournisseur)
    garder(terme, lue.siret_fournisseur)
    lue.siret_destinataire, terme = siret_parmi(lue.identifiants_destinataire)
    garder(terme, lue.siret_destinataire)
    lue.tva_fournisseur = garder(
        "BT-31", next((i.valeur for i in lue.identifiants_fournisseur if i.terme == "BT-31"), "")
    )
    lue.tva_destinataire = garder(
        "BT-48", next((i.valeur for i in lue.identifiants_destinataire if i.terme == "BT-48"), "")
    )

    moyen = racine.find("cac:PaymentMeans", NS)
    lue.mode_paiement = mode_paiement(garder("BT-81", texte(moyen, "cbc:PaymentMeansCode", NS)))
    lue.iban = garder("BT-84", texte(moyen, "cac:PayeeFinancialAccount/cbc:ID", NS))
    lue.bic = garder(
        "BT-86", texte(moyen, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID", NS)
    )

    devise = lue.devise
    for total in racine.findall("cac:TaxTotal", NS):
        for sous_total in total.findall("cac:TaxSubtotal", NS):
            lue.tva.append(
                TvaLue(
                    categorie_tva=texte(sous_total, "cac:TaxCategory/cbc:ID", NS),
                    taux=nombre_de(sous_total, "cac:TaxCategory/cbc:Percent", NS),
                    base_ht=nombre_de(sous_total, "cbc:TaxableAmount", NS),
                    montant_tva=nombre_de(sous_total, "cbc:TaxAmount", NS),
                    motif_exoneration=texte(
                        sous_total, "cac:TaxCategory/cbc:TaxExemptionReason", NS
                    ),
                )
            )
    if lue.tva:
        trouves.add("BG-23")
    code_date_tva = texte(racine, "cac:InvoicePeriod/cbc:DescriptionCode", NS)
    if code_date_tva:
        trouves.add("BT-8")
    lue.type_tva = type_tva(code_date_tva, [t.categorie_tva for t in lue.tva])
    motifs = {t.motif_exoneration for t in lue.tva if t.motif_exoneration}
    lue.motif_exoneration = garder("BT-120", motifs.pop() if len(motifs) == 1 else "")

    montants_tva = [
        element
        for element in racine.findall("cac:TaxTotal/cbc:TaxAmount", NS)
        if attribut(element, "currencyID") in ("", devise)
    ]
    lue.montant_tva = garder("BT-110", nombre(montants_tva[0].text or "") if montants_tva else None)

    totaux = racine.find("cac:LegalMonetaryTotal", NS)
    lue.total_lignes_ht = garder(
        "BT-106", _montant_en_devise(totaux, "cbc:LineExtensionAmount", devise)
    )
    lue.remises_globales_ht = garder(
        "BT-107", _montant_en_devise(totaux, "cbc:AllowanceTotalAmount", devise)
    )
    lue.charges_globales_ht = garder(
        "BT-108", _montant_en_devise(totaux, "cbc:ChargeTotalAmount", devise)
    )
    lue.montant_ht = garder("BT-109", _montant_en_devise(totaux, "cbc:TaxExclusiveAmount", devise))
    lue.montant_ttc = garder("BT-112", _montant_en_devise(totaux, "cbc:TaxInclusiveAmount", devise))
    lue.montant_deja_paye = garder(
        "BT-113", _montant_en_devise(totaux, "cbc:PrepaidAmount", devise)
    )
    lue.montant_arrondi = garder(
        "BT-114", _montant_en_devise(totaux, "cbc:PayableRoundingAmount", devise)
    )
    lue.montant_a_payer = garder("BT-115", _montant_en_devise(totaux, "cbc:PayableAmount", devise))

    nom_ligne = "cac:CreditNoteLine" if avoir else "cac:InvoiceLine"
    nom_quantite = "cbc:CreditedQuantity" if avoir else "cbc:InvoicedQuantity"
    for element in racine.iterfind(nom_ligne, NS):
        lue.lignes.append(_ligne(element, nom_quantite))
    if lue.lignes:
        trouves.add("BG-25")
    return lue


def _ligne(element, nom_quantite: str) -> LigneLue:
    quantite = element.find(nom_quantite, NS)
    prix = nombre_de(element, "cac:Price/cbc:PriceAmount", NS)
    base = nombre_de(element, "cac:Price/cbc:BaseQuantity", NS)
    if prix is not None and base not in (None, Decimal(0), Decimal(1)):
        prix = (prix / base).quantize(Decimal("0.000001"))
    remises = Decimal(0)
    trouve_remise = False
    for remise in element.findall("cac:AllowanceCharge", NS):
        if texte(remise, "cbc:ChargeIndicator", NS).lower() in ("false", "0"):
            montant = nombre_de(remise, "cbc:Amount", NS)
            if montant is not None:
                remises += montant
                trouve_remise = True
    categorie = element.find("cac:Item/cac:ClassifiedTaxCategory", NS)
    return LigneLue(
        numero=texte(element, "cbc:ID", NS),
        reference=texte(element, "cac:Item/cac:SellersItemIdentification/cbc:ID", NS),
        designation=texte(element, "cac:Item/cbc:Name", NS),
        quantite=nombre(texte(quantite)),
        unite=attribut(quantite, "unitCode"),
        prix_unitaire_ht=prix,
        remise_ht=remises if trouve_remise else None,
        montant_ht=nombre_de(element, "cbc:LineExtensionAmount", NS),
        categorie_tva=texte(categorie, "cbc:ID", NS),
        taux_tva=nombre_de(categorie, "cbc:Percent", NS),
    )
