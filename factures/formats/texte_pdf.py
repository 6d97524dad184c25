"""What the text of a PDF invoice reveals: patterns for the usual labels, in French, German and
English (invoice number, dates, totals, SIRETs checked with python-stdnum, VAT numbers, IBAN/BIC
with schwifty, engagement number / purchase order, service code, market number).

`lire_texte(texte)` never raises: what it does not find stays empty, the user completes it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from schwifty import BIC, IBAN
from stdnum import vatin
from stdnum.fr import siret as stdnum_siret

from factures.enums import FormatFacture, TypeFacture, TypeTva
from factures.formats.donnees import FactureLue, IdentifiantLu

_SEP = r"[\s:#°.=]*"
_JETON = r"([A-Za-z0-9][A-Za-z0-9_/+\-.]{0,34})"
_MOIS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
_DATE = (
    r"(\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:er)?\s+(?:" + "|".join(_MOIS) + r")\s+\d{4})"
)
# At most 15 digits before the decimal point: beyond, it is not an amount (nor an attack to feed
# into Decimal).
_MONTANT = (
    r"(-?\d{1,3}(?:[ \u00a0\u202f'.,]\d{3}){0,4}(?:[.,]\d{1,2})?(?![\d])"
    r"|-?\d{1,15}(?:[.,]\d{1,2})?(?![\d]))"
)
_DEVISE = r"(?:\s*(?:€|EUR|euros?))?"


def _libelles(*libelles: str) -> str:
    return r"(?:" + "|".join(libelles) + r")"


_NUMERO = re.compile(
    _libelles(
        r"facture\s+n[°o]", r"n[°o]\s*de\s*facture", r"num[ée]ro\s+de\s+facture",
        r"invoice\s*(?:#|no\.?|number)", r"rechnung\s*(?:#|nr\.?)", r"rechnungsnummer",
        r"avoir\s+n[°o]", r"credit\s+note\s*(?:#|no\.?)", r"gutschrift\s*(?:#|nr\.?)",
    )
    + _SEP + _JETON,
    re.IGNORECASE,
)  # fmt: skip
_DATE_FACTURE = re.compile(
    _libelles(
        r"date\s+de\s+(?:la\s+)?facture", r"date\s+d[’']?[ée]mission", r"date\s+facture",
        r"rechnungsdatum", r"invoice\s+date", r"date\s+of\s+invoice", r"issued\s+at",
        r"ausgestellt\s+am",
    )
    + r"[\s:]*" + _DATE,
    re.IGNORECASE,
)  # fmt: skip
_DATE_ECHEANCE = re.compile(
    _libelles(
        r"date\s+d[’']?[ée]ch[ée]ance", r"[ée]ch[ée]ance", r"f[äa]llig(?:keitsdatum|\s+am)?",
        r"zahlbar\s+bis(?:\s+zum)?", r"bis\s+zum", r"due\s+date", r"payable\s+(?:by|until)",
        r"remit\s+until", r"[àa]\s+r[ée]gler\s+avant\s+le",
    )
    + r"[\s:]*" + _DATE,
    re.IGNORECASE,
)  # fmt: skip
_MONTANTS = {
    "montant_ht": (
        "BT-109",
        _libelles(
            r"total\s+h\.?t\.?", r"montant\s+h\.?t\.?", r"net\s+total", r"total\s+net",
            r"nettobetrag", r"summe\s+netto", r"netto(?:summe)?", r"total\s+excl\.?\s+vat",
            r"total\s+hors\s+taxes?",
        ),
    ),
    "montant_tva": (
        "BT-110",
        _libelles(
            r"total\s+t\.?v\.?a\.?", r"montant\s+(?:de\s+(?:la\s+)?)?t\.?v\.?a\.?",
            r"vat\s+total", r"total\s+vat", r"ust\.?\s+gesamt", r"mwst\.?\s+gesamt",
            r"umsatzsteuer\s+gesamt",
        ),
    ),
    "montant_ttc": (
        "BT-112",
        _libelles(
            r"total\s+t\.?t\.?c\.?", r"montant\s+t\.?t\.?c\.?", r"gesamtbetrag",
            r"bruttobetrag", r"rechnungsbetrag", r"grand\s+total", r"total\s+amount",
            r"total\s+incl\.?\s+vat",
        ),
    ),
    "montant_a_payer": (
        "BT-115",
        _libelles(
            r"net\s+[àa]\s+payer", r"reste\s+[àa]\s+payer", r"montant\s+[àa]\s+payer",
            r"due\s+payable", r"amount\s+due", r"zahlbetrag", r"zu\s+zahlen",
        ),
    ),
}  # fmt: skip
_MONTANTS = {
    champ: (terme, re.compile(libelle + r"[\s:=]*" + r"(?:€|EUR)?\s*" + _MONTANT + _DEVISE, re.I))
    for champ, (terme, libelle) in _MONTANTS.items()
}
_SIRET = re.compile(r"(?<!\d)(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{5})(?!\d)")
_COTE_DESTINATAIRE = re.compile(
    r"client|destinataire|acheteur|factur[ée]\s+[àa]|adresse\s+de\s+facturation|buyer|kunde"
    r"|vos\s+identifiants",
    re.IGNORECASE,
)
_ENGAGEMENT = re.compile(
    _libelles(
        r"n[°o]\s*d[’']?engagement", r"num[ée]ro\s+d[’']?engagement",
        r"engagement(?:\s+juridique)?",
        r"\bEJ\b", r"n[°o]\s*(?:de\s+)?bon\s+de\s+commande", r"bon\s+de\s+commande(?:\s+n[°o])?",
        r"commande\s+n[°o]", r"n[°o]\s*de\s+commande", r"purchase\s+order(?:\s+(?:no\.?|number))?",
        r"your\s+order", r"\bP\.?O\.?\b(?:\s+(?:no\.?|number))?", r"bestellnummer",
        r"ihre\s+bestellung",
    )
    + _SEP + _JETON,
    re.IGNORECASE,
)  # fmt: skip
_SERVICE = re.compile(
    _libelles(r"code\s+service", r"service\s+ex[ée]cutant")
    + r"[\s:]*"
    + r"([A-Za-z0-9_\-/.]{1,30})",
    re.IGNORECASE,
)
_MARCHE = re.compile(
    _libelles(
        r"n[°o]\s*de\s+march[ée]", r"num[ée]ro\s+de\s+march[ée]", r"march[ée]\s+n[°o]",
        r"n[°o]\s*(?:de\s+)?contrat", r"contrat\s+n[°o]", r"contract\s+(?:no\.?|number)",
        r"vertragsnummer",
    )
    + _SEP + _JETON,
    re.IGNORECASE,
)  # fmt: skip
_FACTURE_ORIGINE = re.compile(
    _libelles(
        r"facture\s+d[’']?origine", r"n[°o]\s*de\s+facture\s+associ[ée]e", r"facture\s+associ[ée]e",
        r"facture\s+rectifi[ée]e",
    )
    + _SEP + _JETON,
    re.IGNORECASE,
)  # fmt: skip
_TVA_INTRA = re.compile(
    r"(?:TVA|VAT|USt|MwSt)[\w.\- ]{0,20}?[:\s]\s*"
    r"([A-Z]{2}[ ]?[0-9A-Z]{2}(?:[ ]?[0-9A-Z]{1,4}){1,5})"
)
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}){3,8})")
_BIC = re.compile(r"\b(?:BIC|SWIFT)[\s:]*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")


def _a_un_chiffre(jeton: str) -> bool:
    return any(c.isdigit() for c in jeton)


def _dernier(motif: re.Pattern, texte: str, *, chiffre: bool = True) -> str:
    """The token of the last match (totals and references come late on a page)."""
    valeurs = [m.group(1).rstrip(".") for m in motif.finditer(texte)]
    valeurs = [v for v in valeurs if not chiffre or _a_un_chiffre(v)]
    return valeurs[-1] if valeurs else ""


def _premier(motif: re.Pattern, texte: str, *, chiffre: bool = True) -> str:
    for trouve in motif.finditer(texte):
        valeur = trouve.group(1).rstrip(".")
        if not chiffre or _a_un_chiffre(valeur):
            return valeur
    return ""


def lire_date(texte: str) -> date | None:
    """A date written 31/12/2024, 31.12.2024, 31-12-2024, 2024-12-31 or 31 décembre 2024."""
    texte = texte.strip().lower()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", texte):
            return date.fromisoformat(texte)
        nombres = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", texte)
        if nombres:
            jour, mois, annee = (int(x) for x in nombres.groups())
            return date(annee, mois, jour)
        lettres = re.fullmatch(r"(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})", texte)
        if lettres and lettres.group(2) in _MOIS:
            return date(int(lettres.group(3)), _MOIS[lettres.group(2)], int(lettres.group(1)))
    except ValueError:
        return None
    return None


def lire_montant(texte: str) -> Decimal | None:
    """An amount written the French (1 234,56), German (1.234,56) or English (1,234.56) way."""
    texte = re.sub(r"[\s\u00a0\u202f']", "", texte)
    if not texte:
        return None
    decimales = re.search(r"[.,](\d{1,2})$", texte)
    if decimales:
        entier = re.sub(r"[.,]", "", texte[: decimales.start()])
        texte = f"{entier}.{decimales.group(1)}"
    else:
        texte = re.sub(r"[.,]", "", texte)
    if len(texte.split(".")[0].lstrip("-")) > 15:
        return None
    try:
        return Decimal(texte)
    except InvalidOperation:
        return None


def _sirets(texte: str) -> list[tuple[str, bool]]:
    """Valid SIRETs in order of appearance, with whether the text before names the buyer."""
    trouves, vus = [], set()
    for trouve in _SIRET.finditer(texte):
        valeur = re.sub(r"\D", "", trouve.group(1))
        if valeur in vus or not stdnum_siret.is_valid(valeur):
            continue
        vus.add(valeur)
        avant = texte[max(0, trouve.start() - 80) : trouve.start()]
        trouves.append((valeur, bool(_COTE_DESTINATAIRE.search(avant))))
    return trouves


def _iban(texte: str) -> str:
    for trouve in _IBAN.finditer(texte):
        compact = trouve.group(1).replace(" ", "")
        try:
            return str(IBAN(compact))
        except Exception:  # schwifty's errors: not an IBAN, try the next one
            continue
    return ""


def _bic(texte: str) -> str:
    for trouve in _BIC.finditer(texte):
        try:
            return str(BIC(trouve.group(1)))
        except Exception:
            continue
    return ""


def _numeros_de_tva(texte: str) -> list[str]:
    trouves = []
    for trouve in _TVA_INTRA.finditer(texte):
        compact = trouve.group(1).replace(" ", "")
        if compact not in trouves and vatin.is_valid(compact):
            trouves.append(compact)
    return trouves


def lire_texte(texte: str, format: str = FormatFacture.PDF) -> FactureLue:
    """What the text of a PDF invoice reveals, as a FactureLue (possibly almost empty)."""
    lue = FactureLue(format=format)
    trouves = lue.termes_trouves

    lue.numero = _premier(_NUMERO, texte)[:20]
    if lue.numero:
        trouves.add("BT-1")
    debut = texte.lower()[:3000]
    if re.search(r"\bavoir\b|credit\s+note|gutschrift", debut):
        lue.type_facture = TypeFacture.AVOIR
    elif re.search(r"acompte|abschlagsrechnung|down\s+payment|prepayment\s+invoice", debut):
        lue.type_facture = TypeFacture.ACOMPTE
    elif re.search(r"facture|invoice|rechnung", debut):
        lue.type_facture = TypeFacture.FACTURE

    date_trouvee = _DATE_FACTURE.search(texte)
    if date_trouvee is None and lue.numero:
        # "Invoice # RE-20201121/508 issued at 2020-11-21", "F20180027\n31/12/2018".
        date_trouvee = re.search(
            re.escape(lue.numero) + r"[^\n\d]{0,20}\n?[^\n\d]{0,20}" + _DATE, texte
        )
    lue.date_facture = lire_date(date_trouvee.group(1)) if date_trouvee else None
    echeance = _DATE_ECHEANCE.search(texte)
    lue.date_echeance = lire_date(echeance.group(1)) if echeance else None
    if lue.date_facture is not None:
        trouves.add("BT-2")
    if lue.date_echeance is not None:
        trouves.add("BT-9")

    for champ, (terme, motif) in _MONTANTS.items():
        valeurs = [lire_montant(m.group(1)) for m in motif.finditer(texte)]
        valeurs = [v for v in valeurs if v is not None]
        if valeurs:
            setattr(lue, champ, valeurs[-1])
            trouves.add(terme)

    if re.search(r"€|\bEUR\b|euros?\b", texte, re.IGNORECASE):
        lue.devise = "EUR"
        trouves.add("BT-5")

    fournisseur, destinataire = "", ""
    for valeur, cote_destinataire in _sirets(texte):
        if cote_destinataire and not destinataire:
            destinataire = valeur
        elif not fournisseur:
            fournisseur = valeur
        elif not destinataire:
            destinataire = valeur
    lue.siret_fournisseur, lue.siret_destinataire = fournisseur, destinataire
    if fournisseur:
        trouves.add("BT-30")
        lue.identifiants_fournisseur.append(IdentifiantLu(fournisseur, "0009", "BT-30"))
    if destinataire:
        trouves.add("BT-47")
        lue.identifiants_destinataire.append(IdentifiantLu(destinataire, "0009", "BT-47"))

    numeros_tva = _numeros_de_tva(texte)
    if numeros_tva:
        lue.tva_fournisseur = numeros_tva[0]
        trouves.add("BT-31")
    if len(numeros_tva) > 1:
        lue.tva_destinataire = numeros_tva[1]
        trouves.add("BT-48")

    for champ, terme, motif, chiffre in (
        ("numero_engagement", "BT-13", _ENGAGEMENT, True),
        ("numero_marche", "BT-12", _MARCHE, True),
        ("code_service", "BT-10", _SERVICE, False),
    ):
        valeur = _premier(motif, texte, chiffre=chiffre)
        if valeur:
            setattr(lue, champ, valeur[:50])
            trouves.add(terme)
    if lue.type_facture == TypeFacture.AVOIR:
        lue.numero_facture_origine = _premier(_FACTURE_ORIGINE, texte)[:20]
        if lue.numero_facture_origine:
            trouves.add("BT-25")

    lue.iban = _iban(texte)
    lue.bic = _bic(texte)
    if lue.iban:
        trouves.add("BT-84")
    if lue.bic:
        trouves.add("BT-86")

    if re.search(r"tva\s+(?:acquitt[ée]e\s+)?sur\s+les\s+encaissements", texte, re.IGNORECASE):
        lue.type_tva = TypeTva.TVA_SUR_ENCAISSEMENT
    elif re.search(r"tva\s+(?:acquitt[ée]e\s+)?sur\s+les\s+d[ée]bits", texte, re.IGNORECASE):
        lue.type_tva = TypeTva.TVA_SUR_DEBIT
    else:
        exoneration = re.search(
            r"(tva\s+non\s+applicable[^\n]{0,80}|exon[ée]ration\s+de\s+tva[^\n]{0,80})",
            texte,
            re.IGNORECASE,
        )
        if exoneration:
            lue.type_tva = TypeTva.EXONERATION
            lue.motif_exoneration = exoneration.group(1).strip()[:200]
            trouves.add("BT-120")
    if lue.type_tva:
        trouves.add("BT-8")
    return lue
