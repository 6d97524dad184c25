"""The CII XML (UN/CEFACT D16B, Factur-X EN 16931 profile) of a typed invoice, with lxml.

Every mandatory term of EN 16931 is written, and every optional one the model holds:
BT-1 number, BT-2 date, BT-3 type (380 invoice, 381 credit note, 386 prepayment), BT-5
currency, BT-9 due date, BT-10 service code, BT-12 market, BT-13 engagement, BT-22 comment,
BT-23 cadre (the Chorus Pro convention: "A1", "A2", "A9", "A12"), BT-25 original invoice of a
credit note; seller and buyer (BG-4, BG-7) with their names, legal identifiers (a SIRET carries
the ISO 6523 scheme 0009), VAT identifiers, electronic addresses and postal addresses; the
payee when the bank details name a factor (BG-10); payment means with IBAN and BIC (BG-16);
lines (BG-25) with their allowances; document allowances (BG-20), VAT breakdown with exemption
reasons (BG-23) and totals (BG-22), from `factures.rendu.totaux`.

Element order follows the Factur-X EN 16931 XSD, which the factur-x library checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree
from stdnum import iban as stdnum_iban

from factures.enums import Cadre, ModePaiement, TypeFacture, TypeTva
from factures.rendu import RenduImpossible
from factures.rendu.totaux import SANS_TAUX, Totaux
from structures.enums import TypeCoordonnee, TypeIdentifiant

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NAMESPACES = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
PROFIL_EN16931 = "urn:cen.eu:en16931:2017"

# BT-3, UNTDID 1001.
CODE_TYPE = {TypeFacture.FACTURE: "380", TypeFacture.AVOIR: "381", TypeFacture.ACOMPTE: "386"}
# BT-81, UNTDID 4461. "Report" and "Autre" have no code of their own: mutually defined.
CODE_PAIEMENT = {
    ModePaiement.ESPECE: "10",
    ModePaiement.CHEQUE: "20",
    ModePaiement.VIREMENT: "30",
    ModePaiement.PRELEVEMENT: "49",
    ModePaiement.AUTRE: "ZZZ",
    ModePaiement.REPORT: "ZZZ",
}
# BT-8 (CII DueDateTypeCode, UNTDID 2475): VAT due on payment.
TVA_SUR_ENCAISSEMENT = "72"
# ISO 6523 code of the SIRET (BT-30, BT-47, BT-61) and of e-mail addresses (BT-34, BT-49).
SCHEMA_SIRET = "0009"
SCHEMA_EMAIL = "EM"
UNITE_PAR_DEFAUT = "C62"  # UN/ECE rec. 20: "one"
# BT-20 when the invoice gives no due date and something is due (BR-CO-25).
CONDITIONS_PAR_DEFAUT = "Paiement dans le délai global de paiement de la commande publique."
# The mentions French law requires on every invoice to a professional buyer (code de
# commerce L441-9; for public buyers, the late-payment terms of the code de la commande
# publique), as notes (BT-21 subject code, BT-22 text): the French rules BR-FR-05 ask for them.
MENTIONS_LEGALES = (
    (
        "PMT",
        "En cas de retard de paiement, une indemnité forfaitaire pour frais de recouvrement "
        "de 40 euros est due (code de la commande publique).",
    ),
    (
        "PMD",
        "En cas de retard de paiement, des intérêts moratoires sont dus au taux de la Banque "
        "centrale européenne majoré de huit points (code de la commande publique).",
    ),
    ("AAB", "Aucun escompte n'est accordé pour paiement anticipé."),
)

_RAM = f"{{{RAM}}}"


def _e(parent: etree._Element, nom: str, texte: str | None = None, **attributs) -> etree._Element:
    """A `ram:` child, with its text and attributes."""
    element = etree.SubElement(parent, _RAM + nom, attributs or None)
    if texte is not None:
        element.text = str(texte)
    return element


def montant(valeur: Decimal) -> str:
    return f"{valeur:.2f}"


def nombre(valeur: Decimal) -> str:
    """A quantity, price or rate without useless zeros nor exponent ("10", "5.5", "0.125")."""
    texte = f"{valeur:f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte or "0"


def date_cii(valeur) -> etree._Element:
    element = etree.Element(f"{{{UDT}}}DateTimeString", format="102")
    element.text = valeur.strftime("%Y%m%d")
    return element


def _date(parent: etree._Element, nom: str, valeur) -> None:
    _e(parent, nom).append(date_cii(valeur))


def nom_de(structure) -> str:
    if structure.type_identifiant == TypeIdentifiant.PARTICULIER and structure.nom:
        return f"{structure.prenom} {structure.nom}".strip()
    return structure.raison_sociale


def _identifiant_legal(parent: etree._Element, structure) -> None:
    """BT-30 / BT-47 / BT-61: the SIRET with scheme 0009; other registrations without scheme.
    A private person has no legal registration."""
    if structure.type_identifiant == TypeIdentifiant.PARTICULIER:
        return
    organisation = _e(parent, "SpecifiedLegalOrganization")
    if structure.type_identifiant == TypeIdentifiant.SIRET:
        _e(organisation, "ID", structure.identifiant, schemeID=SCHEMA_SIRET)
    else:
        _e(organisation, "ID", structure.identifiant)
    if structure.libelle and structure.libelle != structure.raison_sociale:
        _e(organisation, "TradingBusinessName", structure.libelle)  # BT-28 / BT-45


def _adresse(parent: etree._Element, structure) -> None:
    """BG-5 / BG-8, mandatory with its country (BR-08, BR-10)."""
    adresse = _e(parent, "PostalTradeAddress")
    if structure.code_postal:
        _e(adresse, "PostcodeCode", structure.code_postal)
    for ligne_adresse, nom in (
        (structure.adresse, "LineOne"),
        (structure.adresse_complement_1, "LineTwo"),
        (structure.adresse_complement_2, "LineThree"),
    ):
        if ligne_adresse:
            _e(adresse, nom, ligne_adresse)
    if structure.ville:
        _e(adresse, "CityName", structure.ville)
    _e(adresse, "CountryID", (structure.pays or "FR").upper())


def _adresse_electronique(parent: etree._Element, structure) -> None:
    """BT-34 / BT-49: where the invoice is addressed. A French public entity receives its
    invoices on Chorus Pro under its SIRET; others give their e-mail when they have one."""
    if structure.type_identifiant == TypeIdentifiant.SIRET:
        valeur, schema = structure.identifiant, SCHEMA_SIRET
    elif structure.email:
        valeur, schema = structure.email, SCHEMA_EMAIL
    else:
        return
    _e(_e(parent, "URIUniversalCommunication"), "URIID", valeur, schemeID=schema)


def _partie(parent: etree._Element, nom: str, structure, *, avec_tva: bool) -> None:
    partie = _e(parent, nom)
    _e(partie, "Name", nom_de(structure))
    _identifiant_legal(partie, structure)
    _adresse(partie, structure)
    _adresse_electronique(partie, structure)
    if avec_tva and structure.tva_intracommunautaire:
        _e(
            _e(partie, "SpecifiedTaxRegistration"),
            "ID",
            structure.tva_intracommunautaire.replace(" ", "").upper(),
            schemeID="VA",
        )


def iban_de(coordonnee) -> str:
    """BT-84: the IBAN, or the one a French RIB makes (FR, check digits, then the BBAN)."""
    if coordonnee.type_coordonnee == TypeCoordonnee.RIB or not coordonnee.iban:
        bban = (
            f"{coordonnee.code_banque}{coordonnee.code_guichet}"
            f"{coordonnee.numero_compte}{coordonnee.cle_rib}"
        ).upper()
        pays = (coordonnee.pays or "FR").upper()
        return f"{pays}{stdnum_iban.calc_check_digits(f'{pays}00{bban}')}{bban}"
    return stdnum_iban.compact(coordonnee.iban)


def _beneficiaire(parent: etree._Element, coordonnee) -> None:
    """BG-10: the factor the bank details name, who is paid instead of the seller."""
    if coordonnee is None or not coordonnee.affactureur_raison_sociale:
        return
    beneficiaire = _e(parent, "PayeeTradeParty")
    _e(beneficiaire, "Name", coordonnee.affactureur_raison_sociale)  # BT-59
    if coordonnee.affactureur_identifiant:
        organisation = _e(beneficiaire, "SpecifiedLegalOrganization")
        if coordonnee.affactureur_type_identifiant == TypeIdentifiant.SIRET:
            _e(organisation, "ID", coordonnee.affactureur_identifiant, schemeID=SCHEMA_SIRET)
        else:
            _e(organisation, "ID", coordonnee.affactureur_identifiant)


def _moyen_de_paiement(parent: etree._Element, facture) -> None:
    """BG-16. A transfer needs the account (BR-61): the bank details chosen on the invoice."""
    if not facture.mode_paiement:
        return
    coordonnee = facture.coordonnee_bancaire
    if facture.mode_paiement == ModePaiement.VIREMENT and coordonnee is None:
        raise RenduImpossible(
            _("Le mode de paiement « Virement » demande des coordonnées bancaires.")
        )
    moyen = _e(parent, "SpecifiedTradeSettlementPaymentMeans")
    _e(moyen, "TypeCode", CODE_PAIEMENT[facture.mode_paiement])
    _e(moyen, "Information", ModePaiement(facture.mode_paiement).label)  # BT-82
    if coordonnee is not None and facture.mode_paiement != ModePaiement.PRELEVEMENT:
        _e(_e(moyen, "PayeePartyCreditorFinancialAccount"), "IBANID", iban_de(coordonnee))
        if coordonnee.bic:
            _e(_e(moyen, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", coordonnee.bic)


def _taxe(
    parent: etree._Element, categorie: str, taux: Decimal, *, nom: str = "ApplicableTradeTax"
) -> etree._Element:
    taxe = _e(parent, nom)
    _e(taxe, "TypeCode", "VAT")
    _e(taxe, "CategoryCode", categorie)
    if categorie not in SANS_TAUX:
        _e(taxe, "RateApplicablePercent", nombre(taux))
    return taxe


def _remise(parent: etree._Element, montant_ht: Decimal, motif: str) -> etree._Element:
    remise = _e(parent, "SpecifiedTradeAllowanceCharge")
    indicateur = _e(remise, "ChargeIndicator")
    etree.SubElement(indicateur, f"{{{UDT}}}Indicator").text = "false"
    _e(remise, "ActualAmount", montant(montant_ht))
    _e(remise, "Reason", motif)
    return remise


def numeros_de_ligne(lignes: Sequence) -> list[str]:
    """BT-126: the lines' own numbers when each has a distinct one, else 1, 2, 3…"""
    numeros = [ligne.numero.strip() for ligne in lignes]
    if all(numeros) and len(set(numeros)) == len(numeros):
        return numeros
    return [str(rang) for rang in range(1, len(lignes) + 1)]


def _ligne(parent: etree._Element, ligne, numero: str) -> None:
    element = _e(parent, "IncludedSupplyChainTradeLineItem")
    _e(_e(element, "AssociatedDocumentLineDocument"), "LineID", numero)
    produit = _e(element, "SpecifiedTradeProduct")
    if ligne.reference:
        _e(produit, "SellerAssignedID", ligne.reference)  # BT-155
    _e(produit, "Name", ligne.designation)  # BT-153
    prix = _e(_e(element, "SpecifiedLineTradeAgreement"), "NetPriceProductTradePrice")
    _e(prix, "ChargeAmount", nombre(ligne.prix_unitaire_ht))  # BT-146
    _e(
        _e(element, "SpecifiedLineTradeDelivery"),
        "BilledQuantity",
        nombre(ligne.quantite),
        unitCode=ligne.unite or UNITE_PAR_DEFAUT,
    )
    reglement = _e(element, "SpecifiedLineTradeSettlement")
    _taxe(reglement, ligne.categorie_tva, ligne.taux_tva)
    if ligne.remise_ht:
        _remise(reglement, ligne.remise_ht, "Remise")  # BG-27, reason BT-139
    _e(
        _e(reglement, "SpecifiedTradeSettlementLineMonetarySummation"),
        "LineTotalAmount",
        montant(ligne.montant_ht),
    )


def _accord(parent: etree._Element, facture, *, avec_tva: bool) -> None:
    accord = _e(parent, "ApplicableHeaderTradeAgreement")
    if facture.service_destinataire_id:
        _e(accord, "BuyerReference", facture.service_destinataire.code)  # BT-10
    _partie(accord, "SellerTradeParty", facture.fournisseur, avec_tva=avec_tva)
    _partie(accord, "BuyerTradeParty", facture.destinataire, avec_tva=avec_tva)
    if facture.numero_engagement:
        _e(
            _e(accord, "BuyerOrderReferencedDocument"),
            "IssuerAssignedID",
            facture.numero_engagement,
        )
    if facture.numero_marche:
        _e(_e(accord, "ContractReferencedDocument"), "IssuerAssignedID", facture.numero_marche)


def _reglement(parent: etree._Element, facture, totaux: Totaux) -> None:
    reglement = _e(parent, "ApplicableHeaderTradeSettlement")
    _e(reglement, "PaymentReference", facture.numero)  # BT-83
    _e(reglement, "InvoiceCurrencyCode", facture.devise)
    _beneficiaire(reglement, facture.coordonnee_bancaire)
    _moyen_de_paiement(reglement, facture)
    for tva in totaux.ventilation:
        taxe = _e(reglement, "ApplicableTradeTax")
        _e(taxe, "CalculatedAmount", montant(tva.montant_tva))
        _e(taxe, "TypeCode", "VAT")
        if tva.motif_exoneration:
            _e(taxe, "ExemptionReason", tva.motif_exoneration)
        _e(taxe, "BasisAmount", montant(tva.base_ht))
        _e(taxe, "CategoryCode", tva.categorie)
        if facture.type_tva == TypeTva.TVA_SUR_ENCAISSEMENT:
            _e(taxe, "DueDateTypeCode", TVA_SUR_ENCAISSEMENT)
        if tva.a_un_taux:
            _e(taxe, "RateApplicablePercent", nombre(tva.taux))
    for remise in totaux.remises:
        element = _remise(reglement, remise.montant_ht, remise.motif)
        _taxe(element, remise.categorie, remise.taux, nom="CategoryTradeTax")
    if facture.date_echeance or totaux.a_payer > 0:
        conditions = _e(reglement, "SpecifiedTradePaymentTerms")
        if facture.date_echeance:
            _date(conditions, "DueDateDateTime", facture.date_echeance)  # BT-9
        else:
            _e(conditions, "Description", CONDITIONS_PAR_DEFAUT)  # BT-20
    somme = _e(reglement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _e(somme, "LineTotalAmount", montant(totaux.total_lignes_ht))
    if totaux.remises_ht:
        _e(somme, "AllowanceTotalAmount", montant(totaux.remises_ht))
    _e(somme, "TaxBasisTotalAmount", montant(totaux.base_ht))
    _e(somme, "TaxTotalAmount", montant(totaux.tva), currencyID=facture.devise)
    if totaux.arrondi:
        _e(somme, "RoundingAmount", montant(totaux.arrondi))
    _e(somme, "GrandTotalAmount", montant(totaux.ttc))
    if totaux.deja_paye:
        _e(somme, "TotalPrepaidAmount", montant(totaux.deja_paye))
    _e(somme, "DuePayableAmount", montant(totaux.a_payer))
    if facture.numero_facture_origine:
        _e(  # BT-25
            _e(reglement, "InvoiceReferencedDocument"),
            "IssuerAssignedID",
            facture.numero_facture_origine,
        )


def construire(facture, lignes: Sequence, totaux: Totaux) -> bytes:
    """The CII XML of `facture` (its parties, service and bank details loaded), UTF-8."""
    if facture.destinataire is None:
        raise RenduImpossible(_("La facture n'a pas de destinataire."))
    racine = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NAMESPACES)
    contexte = etree.SubElement(racine, f"{{{RSM}}}ExchangedDocumentContext")
    cadre = Cadre(facture.cadre).value.split("_", 1)[0]
    _e(_e(contexte, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", cadre)  # BT-23
    _e(_e(contexte, "GuidelineSpecifiedDocumentContextParameter"), "ID", PROFIL_EN16931)

    document = etree.SubElement(racine, f"{{{RSM}}}ExchangedDocument")
    _e(document, "ID", facture.numero)
    _e(document, "TypeCode", CODE_TYPE[facture.type_facture])
    _date(document, "IssueDateTime", facture.date_facture)
    if facture.commentaire:
        _e(_e(document, "IncludedNote"), "Content", facture.commentaire)  # BT-22
    for code, texte in MENTIONS_LEGALES:
        note = _e(document, "IncludedNote")
        _e(note, "Content", texte)
        _e(note, "SubjectCode", code)

    transaction = etree.SubElement(racine, f"{{{RSM}}}SupplyChainTradeTransaction")
    for ligne, numero in zip(lignes, numeros_de_ligne(lignes), strict=True):
        _ligne(transaction, ligne, numero)
    # BR-O-02: an invoice outside the scope of VAT names no VAT identifier.
    avec_tva = not any(tva.categorie in SANS_TAUX for tva in totaux.ventilation)
    _accord(transaction, facture, avec_tva=avec_tva)
    # BT-72: French law wants the date of supply on the invoice only when it differs from
    # the invoice date; the saisie has none, so it is the invoice date.
    livraison = _e(
        _e(transaction, "ApplicableHeaderTradeDelivery"), "ActualDeliverySupplyChainEvent"
    )
    _date(livraison, "OccurrenceDateTime", facture.date_facture)
    _reglement(transaction, facture, totaux)
    return etree.tostring(racine, xml_declaration=True, encoding="UTF-8")
