"""Shared helpers of the formats tests: the real samples of ../shared/samples, and invoices we
build ourselves (factur-x generates CII and UBL from a dict keyed by EN 16931 terms)."""

import copy
import datetime
import io

import pypdf
import pytest
from facturx.generate_xml import generate_xml

from tests.echantillons import ECHANTILLONS

SIRET_FOURNISSEUR = "73282932000074"
SIRET_COMMUNE = "21750001600019"


def echantillon(chemin: str) -> bytes:
    fichier = ECHANTILLONS / chemin
    if not fichier.exists():
        from tests.conftest import service_absent

        service_absent(f"the shared samples are missing ({ECHANTILLONS})")
    return fichier.read_bytes()


def echantillons(dossier: str, *motifs: str) -> list[str]:
    racine = ECHANTILLONS / dossier
    trouves = sorted(p for motif in motifs for p in racine.glob(motif))
    return [str(p.relative_to(ECHANTILLONS)) for p in trouves]


UBL = echantillons("en16931/ubl", "*.xml", "*.XML")
CII = echantillons("en16931/cii", "*.xml")
FACTURX_VALIDES = [
    "facturx/EN16931_1_Teilrechnung.pdf",
    "facturx/EN16931_Einfach.pdf",
    "facturx/EXTENDED_Fremdwaehrung_wdis_fx-pdfa4.pdf",
    "facturx/Facture_F20180027.pdf",
    "facturx/invalidXMP.pdf",
    "facturx/validAvoir_FR_type380_BASICWL.pdf",
    "facturx/validV2PDF.pdf",
    "facturx/zugferd_2p1_EXTENDED_PDFA-3A.pdf",
]
PDF_BLANKO = [
    "facturx/MustangGnuaccountingBeispielRE-20170509_505blanko.pdf",
    "facturx/MustangGnuaccountingBeispielRE-20201121_508blankoA3.pdf",
]


def donnees_facture(**changements) -> dict:
    """A French public-sector invoice as factur-x's dict: supplier and commune by SIRET,
    service code, engagement and market numbers, two lines at two VAT rates."""
    donnees = {
        "BT-1": "FA-2025-0042",
        "BT-2": datetime.date(2025, 3, 14),
        "BT-3": "380",
        "BT-5": "EUR",
        "BT-9": datetime.date(2025, 4, 13),
        "BT-10": "SERV-FIN",
        "BT-12": "MARCHE-2024-17",
        "BT-13": "EJ0012345678",
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-72": datetime.date(2025, 3, 10),
        "BT-81": "30",
        "BT-84": "FR7630006000011234567890189",
        "BG-4": {
            "name": "Bâtiments Durand SARL",
            "legal_identifier": SIRET_FOURNISSEUR,
            "legal_identifier_schemeid": "0009",
            "vat_identifier": "FR44732829320",
            "addr_l1": "1 rue de la Paix",
            "city": "Paris",
            "postcode": "75002",
            "country_code": "FR",
        },
        "BG-7": {
            "name": "Commune de Démoville",
            "legal_identifier": SIRET_COMMUNE,
            "legal_identifier_schemeid": "0009",
            "addr_l1": "Place de la Mairie",
            "city": "Démoville",
            "postcode": "01000",
            "country_code": "FR",
        },
        "BG-25": [
            {
                "BT-126": "1",
                "BT-129": "3",
                "BT-130": "C62",
                "BT-131": "300.00",
                "BT-146": "100.00",
                "BT-151": "S",
                "BT-152": "20",
                "BT-153": "Réparation de la toiture",
            },
            {
                "BT-126": "2",
                "BT-129": "2.5",
                "BT-130": "HUR",
                "BT-131": "100.00",
                "BT-146": "40.00",
                "BT-151": "S",
                "BT-152": "10",
                "BT-153": "Main-d’œuvre",
            },
        ],
        "BG-23": [
            {"BT-116": "300.00", "BT-117": "60.00", "BT-118": "S", "BT-119": "20"},
            {"BT-116": "100.00", "BT-117": "10.00", "BT-118": "S", "BT-119": "10"},
        ],
        "BT-106": "400.00",
        "BT-109": "400.00",
        "BT-110": "70.00",
        "BT-112": "470.00",
        "BT-115": "470.00",
    }
    donnees = copy.deepcopy(donnees)
    for cle, valeur in changements.items():
        if isinstance(valeur, dict) and isinstance(donnees.get(cle), dict):
            donnees[cle].update(valeur)
        else:
            donnees[cle] = valeur
    return donnees


def generer(syntaxe: str = "cii", **changements) -> bytes:
    """A CII ("cii") or UBL ("ubl") invoice built by factur-x, checked against its XSD."""
    flavor = "ubl-2.1" if syntaxe == "ubl" else "factur-x"
    return generate_xml(
        donnees_facture(**changements), flavor=flavor, check_xsd=True, check_schematron=False
    )


def pdf_simple(texte: str | None = None) -> bytes:
    """A one-page PDF, with `texte` written on it (pypdf draws no text: we write the content
    stream ourselves), or blank."""
    ecrivain = pypdf.PdfWriter()
    page = ecrivain.add_blank_page(width=595, height=842)
    if texte:
        from pypdf.generic import DictionaryObject, NameObject, StreamObject

        police = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): police})}
        )
        lignes = []
        for i, ligne in enumerate(texte.splitlines()):
            echappee = ligne.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            lignes.append(f"BT /F1 10 Tf 40 {800 - 14 * i} Td ({echappee}) Tj ET")
        flux = StreamObject()
        flux.set_data("\n".join(lignes).encode("cp1252"))
        page[NameObject("/Contents")] = ecrivain._add_object(flux)
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


@pytest.fixture
def facture_cii() -> bytes:
    return generer("cii")


@pytest.fixture
def facture_ubl() -> bytes:
    return generer("ubl")
