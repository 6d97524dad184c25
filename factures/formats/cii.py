"""Reader of UN/CEFACT Cross Industry Invoice D16B (the XML inside Factur-X), and of its
predecessor ZUGFeRD 1.0 (`CrossIndustryDocument`), which some Factur-X PDFs still carry.

`lire_cii(arbre)` maps a parsed document to a `FactureLue`; it never raises on missing data.
Both syntaxes share their vocabulary (the `ram:` elements) and differ by a few container
names and namespace versions: a `Dialecte` holds those differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from factures.enums import FormatFacture
from factures.formats.donnees import FactureLue, IdentifiantLu, LigneLue, TvaLue
from factures.formats.lecture import (
    attribut,
    date_102,
    mode_paiement,
    nombre,
    nombre_de,
    texte,
    type_facture,
    type_tva,
)
from factures.formats.parties import siret_parmi

NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
RACINE_CII = f"{{{NS_CII}}}CrossIndustryInvoice"
RACINE_ZUGFERD1 = f"{{{NS_ZUGFERD1}}}CrossIndustryDocument"


@dataclass(frozen=True)
class Dialecte:
    ns: dict[str, str]
    contexte: str
    entete: str
    transaction: str
    accord: str
    livraison: str
    reglement: str
    totaux: str
    ligne_accord: str
    ligne_livraison: str
    ligne_reglement: str
    taux: str
    reference_document: str  # the id child of a referenced document
    ligne_totaux: str

    def p(self, chemin: str) -> str:
        """A path written with the placeholders {accord}, {reglement}… of this dialect."""
        return chemin.format(**self.__dict__)


D16B = Dialecte(
    ns={
        "rsm": NS_CII,
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
        "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    },
    contexte="rsm:ExchangedDocumentContext",
    entete="rsm:ExchangedDocument",
    transaction="rsm:SupplyChainTradeTransaction",
    accord="ram:ApplicableHeaderTradeAgreement",
    livraison="ram:ApplicableHeaderTradeDelivery",
    reglement="ram:ApplicableHeaderTradeSettlement",
    totaux="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    ligne_accord="ram:SpecifiedLineTradeAgreement",
    ligne_livraison="ram:SpecifiedLineTradeDelivery",
    ligne_reglement="ram:SpecifiedLineTradeSettlement",
    taux="ram:RateApplicablePercent",
    reference_document="ram:IssuerAssignedID",
    ligne_totaux="ram:SpecifiedTradeSettlementLineMonetarySummation",
)

ZUGFERD1 = Dialecte(
    ns={
        "rsm": NS_ZUGFERD1,
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
    },
    contexte="rsm:SpecifiedExchangedDocumentContext",
    entete="rsm:HeaderExchangedDocument",
    transaction="rsm:SpecifiedSupplyChainTradeTransaction",
    accord="ram:ApplicableSupplyChainTradeAgreement",
    livraison="ram:ApplicableSupplyChainTradeDelivery",
    reglement="ram:ApplicableSupplyChainTradeSettlement",
    totaux="ram:SpecifiedTradeSettlementMonetarySummation",
    ligne_accord="ram:SpecifiedSupplyChainTradeAgreement",
    ligne_livraison="ram:SpecifiedSupplyChainTradeDelivery",
    ligne_reglement="ram:SpecifiedSupplyChainTradeSettlement",
    taux="ram:ApplicablePercent",
    reference_document="ram:ID",
    ligne_totaux="ram:SpecifiedTradeSettlementMonetarySummation",
)


def dialecte_de(racine: etree._Element) -> Dialecte | None:
    if racine.tag == RACINE_CII:
        return D16B
    if racine.tag == RACINE_ZUGFERD1:
        return ZUGFERD1
    return None


def profil_cii(arbre: etree._ElementTree) -> str:
    """The specification identifier (BT-24) of a CII document, or ""."""
    racine = arbre.getroot()
    d = dialecte_de(racine)
    if d is None:
        return ""
    return texte(
        racine, d.p("{contexte}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"), d.ns
    )


def nombre_de_lignes(arbre: etree._ElementTree) -> int:
    """How many invoice lines (BG-25) the document holds, counted without reading them."""
    racine = arbre.getroot()
    d = dialecte_de(racine) or D16B
    return sum(
        1 for _ in racine.iterfind(d.p("{transaction}/ram:IncludedSupplyChainTradeLineItem"), d.ns)
    )


def _montant(parent, chemin: str, ns, devise: str) -> Decimal | None:
    """An amount; when it is given in several currencies (BT-110 and BT-111), the one in the
    invoice currency (or the one without currency)."""
    if parent is None:
        return None
    elements = parent.findall(chemin, ns)
    if not elements:
        return None
    if len(elements) > 1 and devise:
        for element in elements:
            if attribut(element, "currencyID") in ("", devise):
                return nombre(element.text or "")
    return nombre(elements[0].text or "")


def _identifiants(partie, ns, legal: str, autre: str, tva: str, adresse: str):
    """The identifiers of a trade party, legal one first (terms are the seller's or buyer's)."""
    if partie is None:
        return []
    trouves = []
    for element in partie.findall("ram:SpecifiedLegalOrganization/ram:ID", ns):
        trouves.append(IdentifiantLu(texte(element), attribut(element, "schemeID"), legal))
    for element in partie.findall("ram:GlobalID", ns) + partie.findall("ram:ID", ns):
        trouves.append(IdentifiantLu(texte(element), attribut(element, "schemeID"), autre))
    for element in partie.findall("ram:URIUniversalCommunication/ram:URIID", ns):
        trouves.append(IdentifiantLu(texte(element), attribut(element, "schemeID"), adresse))
    for element in partie.findall("ram:SpecifiedTaxRegistration/ram:ID", ns):
        if attribut(element, "schemeID") == "VA":
            trouves.append(IdentifiantLu(texte(element), "VA", tva))
    return [i for i in trouves if i.valeur]


def _tva_de(identifiants: list[IdentifiantLu], terme: str) -> str:
    return next((i.valeur for i in identifiants if i.terme == terme), "")


def lire_cii(arbre: etree._ElementTree, format: str = FormatFacture.CII) -> FactureLue:
    """Maps a CII D16B (or ZUGFeRD 1.0) document to a FactureLue."""
    racine = arbre.getroot()
    d = dialecte_de(racine) or D16B
    ns = d.ns
    lue = FactureLue(format=format)
    trouves = lue.termes_trouves

    def garder(terme: str, valeur):
        if valeur not in ("", None):
            trouves.add(terme)
        return valeur

    contexte = racine.find(d.contexte, ns)
    lue.profil = garder(
        "BT-24", texte(contexte, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", ns)
    )
    lue.processus_metier = garder(
        "BT-23", texte(contexte, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", ns)
    )

    entete = racine.find(d.entete, ns)
    lue.numero = garder("BT-1", texte(entete, "ram:ID", ns))
    lue.code_type = garder("BT-3", texte(entete, "ram:TypeCode", ns))
    lue.type_facture = type_facture(lue.code_type)
    lue.date_facture = garder(
        "BT-2", date_102(texte(entete, "ram:IssueDateTime/udt:DateTimeString", ns))
    )
    notes = (
        [texte(n) for n in entete.findall("ram:IncludedNote/ram:Content", ns)]
        if entete is not None
        else []
    )
    lue.commentaire = garder("BT-22", "\n".join(n for n in notes if n))

    transaction = racine.find(d.transaction, ns)
    accord = transaction.find(d.accord, ns) if transaction is not None else None
    reglement = transaction.find(d.reglement, ns) if transaction is not None else None

    # Parties and references (domain §5.1).
    vendeur = accord.find("ram:SellerTradeParty", ns) if accord is not None else None
    acheteur = accord.find("ram:BuyerTradeParty", ns) if accord is not None else None
    lue.nom_fournisseur = garder("BT-27", texte(vendeur, "ram:Name", ns))
    lue.nom_destinataire = garder("BT-44", texte(acheteur, "ram:Name", ns))
    lue.identifiants_fournisseur = _identifiants(vendeur, ns, "BT-30", "BT-29", "BT-31", "BT-34")
    lue.identifiants_destinataire = _identifiants(acheteur, ns, "BT-47", "BT-46", "BT-48", "BT-49")
    lue.siret_fournisseur, terme = siret_parmi(lue.identifiants_fournisseur)
    garder(terme, lue.siret_fournisseur)
    lue.siret_destinataire, terme = siret_parmi(lue.identifiants_destinataire)
    garder(terme, lue.siret_destinataire)
    lue.tva_fournisseur = garder("BT-31", _tva_de(lue.identifiants_fournisseur, "BT-31"))
    lue.tva_destinataire = garder("BT-48", _tva_de(lue.identifiants_destinataire, "BT-48"))
    lue.code_service = garder("BT-10", texte(accord, "ram:BuyerReference", ns))
    lue.numero_engagement = garder(
        "BT-13", texte(accord, d.p("ram:BuyerOrderReferencedDocument/{reference_document}"), ns)
    )
    lue.numero_marche = garder(
        "BT-12", texte(accord, d.p("ram:ContractReferencedDocument/{reference_document}"), ns)
    )

    # Settlement: currency, payment, VAT breakdown, totals.
    lue.devise = garder("BT-5", texte(reglement, "ram:InvoiceCurrencyCode", ns))
    lue.numero_facture_origine = garder(
        "BT-25", texte(reglement, "ram:InvoiceReferencedDocument/ram:IssuerAssignedID", ns)
    )
    moyen = (
        reglement.find("ram:SpecifiedTradeSettlementPaymentMeans", ns)
        if reglement is not None
        else None
    )
    lue.mode_paiement = mode_paiement(garder("BT-81", texte(moyen, "ram:TypeCode", ns)))
    compte = moyen.find("ram:PayeePartyCreditorFinancialAccount", ns) if moyen is not None else None
    lue.iban = garder(
        "BT-84", texte(compte, "ram:IBANID", ns) or texte(compte, "ram:ProprietaryID", ns)
    )
    lue.bic = garder(
        "BT-86", texte(moyen, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID", ns)
    )
    lue.date_echeance = garder(
        "BT-9",
        date_102(
            texte(
                reglement,
                "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
                ns,
            )
        ),
    )

    code_date_tva = ""
    if reglement is not None:
        for taxe in reglement.findall("ram:ApplicableTradeTax", ns):
            tva = TvaLue(
                categorie_tva=texte(taxe, "ram:CategoryCode", ns),
                taux=nombre_de(taxe, d.taux, ns),
                base_ht=nombre_de(taxe, "ram:BasisAmount", ns),
                montant_tva=nombre_de(taxe, "ram:CalculatedAmount", ns),
                motif_exoneration=texte(taxe, "ram:ExemptionReason", ns),
            )
            code_date_tva = code_date_tva or texte(taxe, "ram:DueDateTypeCode", ns)
            lue.tva.append(tva)
    if lue.tva:
        trouves.add("BG-23")
    if code_date_tva:
        trouves.add("BT-8")
    lue.type_tva = type_tva(code_date_tva, [t.categorie_tva for t in lue.tva])
    motifs = {t.motif_exoneration for t in lue.tva if t.motif_exoneration}
    lue.motif_exoneration = garder("BT-120", motifs.pop() if len(motifs) == 1 else "")

    totaux = reglement.find(d.totaux, ns) if reglement is not None else None
    devise = lue.devise
    lue.total_lignes_ht = garder("BT-106", _montant(totaux, "ram:LineTotalAmount", ns, devise))
    lue.remises_globales_ht = garder(
        "BT-107", _montant(totaux, "ram:AllowanceTotalAmount", ns, devise)
    )
    lue.charges_globales_ht = garder(
        "BT-108", _montant(totaux, "ram:ChargeTotalAmount", ns, devise)
    )
    lue.montant_ht = garder("BT-109", _montant(totaux, "ram:TaxBasisTotalAmount", ns, devise))
    lue.montant_tva = garder("BT-110", _montant(totaux, "ram:TaxTotalAmount", ns, devise))
    lue.montant_ttc = garder("BT-112", _montant(totaux, "ram:GrandTotalAmount", ns, devise))
    lue.montant_deja_paye = garder("BT-113", _montant(totaux, "ram:TotalPrepaidAmount", ns, devise))
    lue.montant_arrondi = garder("BT-114", _montant(totaux, "ram:RoundingAmount", ns, devise))
    lue.montant_a_payer = garder("BT-115", _montant(totaux, "ram:DuePayableAmount", ns, devise))

    if transaction is not None:
        for article in transaction.iterfind("ram:IncludedSupplyChainTradeLineItem", ns):
            lue.lignes.append(_ligne(article, d))
    if lue.lignes:
        trouves.add("BG-25")
    return lue


def _ligne(article, d: Dialecte) -> LigneLue:
    ns = d.ns
    accord = article.find(d.ligne_accord, ns)
    livraison = article.find(d.ligne_livraison, ns)
    reglement = article.find(d.ligne_reglement, ns)
    quantite_element = livraison.find("ram:BilledQuantity", ns) if livraison is not None else None
    prix = nombre_de(accord, "ram:NetPriceProductTradePrice/ram:ChargeAmount", ns)
    base = nombre_de(accord, "ram:NetPriceProductTradePrice/ram:BasisQuantity", ns)
    if prix is not None and base not in (None, Decimal(0), Decimal(1)):
        # The net price (BT-146) is given for a base quantity (BT-149): bring it to one unit.
        prix = (prix / base).quantize(Decimal("0.000001"))
    remises = Decimal(0)
    trouve_remise = False
    if reglement is not None:
        for remise in reglement.findall("ram:SpecifiedTradeAllowanceCharge", ns):
            if texte(remise, "ram:ChargeIndicator/udt:Indicator", ns).lower() in ("false", "0"):
                montant = nombre_de(remise, "ram:ActualAmount", ns)
                if montant is not None:
                    remises += montant
                    trouve_remise = True
    taxe = reglement.find("ram:ApplicableTradeTax", ns) if reglement is not None else None
    return LigneLue(
        numero=texte(article, "ram:AssociatedDocumentLineDocument/ram:LineID", ns),
        reference=texte(article, "ram:SpecifiedTradeProduct/ram:SellerAssignedID", ns),
        designation=texte(article, "ram:SpecifiedTradeProduct/ram:Name", ns),
        quantite=nombre(texte(quantite_element)),
        unite=attribut(quantite_element, "unitCode"),
        prix_unitaire_ht=prix,
        remise_ht=remises if trouve_remise else None,
        montant_ht=nombre_de(reglement, d.p("{ligne_totaux}/ram:LineTotalAmount"), ns),
        categorie_tva=texte(taxe, "ram:CategoryCode", ns),
        taux_tva=nombre_de(taxe, d.taux, ns),
    )
