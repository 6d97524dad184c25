"""The ingestion pipeline's entry points: detect → check → parse → validate → pre-fill.

    from factures.formats.controles import analyser, controler, lire

    format_, lue, constats = analyser(data, nom, signature=None)   # the whole pipeline
    lue = lire(data, format_)                                      # pre-fill only
    constats = controler(data, format_)                            # checks only

All three are pure (no database, no storage) and raise `chorus.documents.DocumentRefuse` for a
file the portal refuses outright. See the package docstring (`factures.formats`) for what each
check does and how to run them in a Celery task.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from chorus.documents import DocumentRefuse, parser_xml
from factures.enums import FormatFacture, Severite, SourceControle
from factures.formats import cii, libelles, regles, ubl
from factures.formats import facturx as formats_facturx
from factures.formats.detection import Detection, detecter, format_xml
from factures.formats.donnees import Constat, FactureLue
from factures.formats.pdf import lire_pdf
from factures.formats.schemas import valider_xsd
from factures.formats.schematrons import DocumentSaxon, ErreurSchematron, texte_pour_saxon

FORMATS_PDF = frozenset(
    {FormatFacture.PDF, FormatFacture.PDF_SIGNE_PADES, FormatFacture.PDF_SIGNE_XADES}
)
FORMATS_STRUCTURES = frozenset({FormatFacture.UBL, FormatFacture.CII, FormatFacture.FACTURX})
EMPLACEMENT_MAX = 500
_DRAPEAUX_AVERTISSEMENT = frozenset({"warning", "information", "info"})
_PREDICAT_NS = re.compile(r"\[namespace-uri\(\)='[^']*'\]")
_PREFIXE = re.compile(r"\*:|Q\{[^}]*\}")
_LIGNE = re.compile(r"(?:IncludedSupplyChainTradeLineItem|InvoiceLine|CreditNoteLine)\[(\d+)\]")


# --- Profiles: which schema and which schematrons for a document ----------------------------


def profil_facturx(identifiant: str) -> str:
    """The Factur-X profile of a CII specification identifier (BT-24): minimum, basicwl,
    basic, extended, or en16931 for EN 16931 itself, its CIUS and the old "comfort"."""
    valeur = identifiant.lower()
    if "minimum" in valeur:
        return "minimum"
    if "basicwl" in valeur or "basic-wl" in valeur:
        return "basicwl"
    if valeur.endswith(":basic") or "#compliant#urn:factur-x.eu:1p0:basic" in valeur:
        return "basic"
    if "extended" in valeur:
        return "extended"
    return "en16931"


def ressources(arbre: etree._ElementTree) -> tuple[str, list[tuple[str, str]]]:
    """(XSD name, [(stylesheet, source)]) for a parsed UBL or CII document."""
    racine = arbre.getroot()
    if racine.tag == ubl.RACINE_INVOICE:
        return "ubl-invoice", [
            ("ubl-en16931", SourceControle.EN16931),
            ("ubl-br-fr", SourceControle.BR_FR),
        ]
    if racine.tag == ubl.RACINE_CREDIT_NOTE:
        return "ubl-creditnote", [
            ("ubl-en16931", SourceControle.EN16931),
            ("ubl-br-fr", SourceControle.BR_FR),
        ]
    if racine.tag == cii.RACINE_ZUGFERD1:
        return "zugferd1", []
    profil = profil_facturx(cii.profil_cii(arbre))
    schema = {"minimum": "cii-minimum", "basicwl": "cii-basicwl"}.get(profil, "cii")
    return schema, [(f"cii-{profil}", SourceControle.EN16931), ("cii-br-fr", SourceControle.BR_FR)]


# --- Findings of the schematrons ---------------------------------------------------------------


def compacter_emplacement(xpath: str) -> str:
    """A readable location: namespaces removed, the invoice line named, ≤ 500 characters."""
    chemin = _PREFIXE.sub("", _PREDICAT_NS.sub("", xpath or ""))
    ligne = None
    for trouve in _LIGNE.finditer(chemin):
        ligne = trouve.group(1)
    if ligne:
        chemin = _("ligne %(n)s : %(chemin)s") % {"n": ligne, "chemin": chemin}
    return chemin[:EMPLACEMENT_MAX]


def severite_schematron(regle: str, drapeau: str, source: str) -> str:
    """BLOQUANTE or AVERTISSEMENT for a schematron finding.

    - EN 16931: fatal/error (or no flag) block, warnings do not; Factur-X profile-structure
      findings (FX-SCH-*, and those without id) only warn: the portal ignores what a profile
      does not use, and the EN 16931 rules still apply to what it reads.
    - French rules (BR-FR, the 2026 e-invoicing reform's "flux 2"): warnings, unless the
      setting FACTURES_BR_FR_BLOQUANTES is true (then fatal/error block).
    """
    erreur = drapeau not in _DRAPEAUX_AVERTISSEMENT
    if source == SourceControle.BR_FR:
        bloquantes = getattr(settings, "FACTURES_BR_FR_BLOQUANTES", False)
        return Severite.BLOQUANTE if erreur and bloquantes else Severite.AVERTISSEMENT
    if not regle or regle.startswith("FX-SCH-"):
        return Severite.AVERTISSEMENT
    return Severite.BLOQUANTE if erreur else Severite.AVERTISSEMENT


def constats_schematron(document: DocumentSaxon, feuille: str, source: str) -> list[Constat]:
    try:
        resultats = document.executer(feuille)
    except ErreurSchematron as erreur:
        return [controle_impossible(source, str(erreur))]
    constats = []
    for resultat in resultats:
        terme, champ, message = libelles.traduire(
            resultat.regle, resultat.texte, resultat.emplacement
        )
        constats.append(
            Constat(
                regle=(resultat.regle or "FX-SCH")[:100],
                severite=severite_schematron(resultat.regle, resultat.drapeau, source),
                source=source,
                message=message,
                terme=terme[:20],
                champ=champ,
                emplacement=compacter_emplacement(resultat.emplacement),
                detail=resultat.texte,
            )
        )
    return constats


def controle_impossible(source: str, detail: str) -> Constat:
    return Constat(
        regle="CHORUS-CONTROLE-IMPOSSIBLE",
        severite=Severite.BLOQUANTE,
        source=source,
        message=_("Les règles n’ont pas pu être vérifiées sur ce fichier."),
        detail=detail[:2000],
    )


# --- The steps ---------------------------------------------------------------------------------


def preparer(data: bytes, format: str) -> Detection:
    """Parses a file whose format is known (as detected earlier): DocumentRefuse if it is not
    of that format after all."""
    if format in FORMATS_PDF:
        return Detection(format)
    if format == FormatFacture.FACTURX:
        extrait = formats_facturx.extraire_xml(data)
        if extrait is None:
            raise DocumentRefuse(
                _("Ce PDF ne contient pas de facture Factur-X (pas de fichier factur-x.xml)."),
                code="facturx_absent",
            )
        arbre = formats_facturx.parser_xml_facturx(extrait[1])
        return Detection(format, arbre=arbre, xml=extrait[1], nom_xml=extrait[0])
    if format in (FormatFacture.UBL, FormatFacture.CII):
        arbre = parser_xml(data)
        if format_xml(arbre) != format:
            raise DocumentRefuse(
                _("Le fichier n’est pas au format annoncé (%(format)s)."),
                code="format_different",
                params={"format": FormatFacture(format).label},
            )
        return Detection(format, arbre=arbre, xml=data)
    raise ValueError(f"unknown invoice format {format!r}")


def lire_detection(detection: Detection, data: bytes) -> FactureLue:
    if detection.format in FORMATS_PDF:
        return lire_pdf(data, format=detection.format)
    if detection.format == FormatFacture.UBL:
        return ubl.lire_ubl(detection.arbre)
    return cii.lire_cii(detection.arbre, format=detection.format)


def nombre_de_lignes(detection: Detection) -> int:
    if detection.format == FormatFacture.UBL:
        return ubl.nombre_de_lignes(detection.arbre)
    return cii.nombre_de_lignes(detection.arbre)


def controler_detection(detection: Detection, lue: FactureLue) -> list[Constat]:
    if detection.format in FORMATS_PDF:
        # What a PDF's text reveals is a suggestion the user corrects; the form's own
        # validation applies the rules to what is finally sent.
        return [replace(c, severite=Severite.AVERTISSEMENT) for c in regles.verifier(lue)]
    lignes = nombre_de_lignes(detection)
    if lignes > regles.LIGNES_MAX:
        # Not worth (nor safe) running the schematrons on it: refused on this alone.
        return [regles.lignes_trop_nombreuses(lignes)]
    schema, feuilles = ressources(detection.arbre)
    constats = valider_xsd(detection.arbre, schema)
    if not feuilles:
        constats.append(
            Constat(
                regle="CHORUS-ZUGFERD1",
                severite=Severite.AVERTISSEMENT,
                source=SourceControle.EN16931,
                message=_(
                    "Cette facture ZUGFeRD 1.0 est antérieure à la norme EN 16931 : ses règles "
                    "ne sont pas vérifiées, seules les règles du portail le sont."
                ),
                terme="BT-24",
            )
        )
    else:
        try:
            document = DocumentSaxon(texte_pour_saxon(detection.xml, detection.arbre))
        except ErreurSchematron as erreur:
            constats.append(controle_impossible(SourceControle.EN16931, str(erreur)))
        else:
            for feuille, source in feuilles:
                constats.extend(constats_schematron(document, feuille, source))
    constats = accepter_le_schema_chorus(constats, lue)
    constats.extend(regles.verifier(lue))
    return constats


def accepter_le_schema_chorus(constats: list[Constat], lue: FactureLue) -> list[Constat]:
    """Chorus Pro's own scheme "1" for a SIRET (domain §5.1) is not an ISO 6523 code, so the
    EN 16931 code-list rule BR-CL-11 rejects it: the portal accepts it, with a warning."""
    identifiants = lue.identifiants_fournisseur + lue.identifiants_destinataire
    if not any(i.schema == "1" for i in identifiants):
        return constats
    return [
        replace(
            c,
            severite=Severite.AVERTISSEMENT,
            message=_(
                "Le schéma d’identification « 1 » (SIRET au sens de Chorus Pro) n’est pas un code "
                "ISO 6523 : le portail l’accepte, le schéma 0009 est préférable."
            ),
        )
        if c.regle == "BR-CL-11" and c.source == SourceControle.EN16931
        else c
        for c in constats
    ]


# --- Entry points ------------------------------------------------------------------------------


def lire(data: bytes, format: str) -> FactureLue:
    """What the file says, as a FactureLue to pre-fill the deposit form."""
    return lire_detection(preparer(data, format), data)


def controler(data: bytes, format: str) -> list[Constat]:
    """Every check that needs no database: XSD, EN 16931 and French schematrons, business
    rules. Structured formats get all of them; PDFs get the business rules on what their text
    reveals, as warnings."""
    detection = preparer(data, format)
    return controler_detection(detection, lire_detection(detection, data))


def analyser(
    data: bytes, nom: str, signature: bytes | None = None
) -> tuple[str, FactureLue, list[Constat]]:
    """The whole pipeline on a deposited file, parsing it once: (format, what it says,
    findings). Raises DocumentRefuse for a file refused outright."""
    detection = detecter(data, nom, signature=signature)
    lue = lire_detection(detection, data)
    return detection.format, lue, controler_detection(detection, lue)


def bloquants(constats: list[Constat]) -> list[Constat]:
    """The findings that block sending the invoice."""
    return [c for c in constats if c.severite == Severite.BLOQUANTE]
