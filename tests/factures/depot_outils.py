"""Helpers of the deposit tests: invoices built by factur-x, Factur-X PDFs, and a directory
holding the parties of any file."""

import io

from facturx import generate_from_binary

from factures.formats.controles import lire
from factures.formats.detection import detecter
from factures.formats.donnees import FactureLue
from factures.formats.lecture import SCHEMAS_SIRET
from habilitations.models import Habilitation
from structures.annuaire.recherche import compacter_identifiant
from structures.models import Service, Structure
from tests.factures.formats.conftest import generer, pdf_simple


def facturx(**changements) -> bytes:
    """A Factur-X PDF (EN 16931 profile) around the CII of `generer("cii", **changements)`."""
    xml = generer("cii", **changements)
    pdf = pdf_simple("Facture FA-2025-0042\nVoir le fichier factur-x.xml joint")
    return generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True)


def lue_de(data: bytes, nom: str) -> FactureLue:
    return lire(data, detecter(data, nom).format)


def _structure_pour(identifiant, **champs) -> Structure:
    valeur = compacter_identifiant(identifiant.valeur)
    type_ = "SIRET" if identifiant.schema in SCHEMAS_SIRET else "AUTRE"
    structure, _ = Structure.objects.get_or_create(
        type_identifiant=type_, identifiant=valeur, defaults=champs
    )
    return structure


def inscrire_les_parties(lue: FactureLue, utilisateur) -> tuple[Structure, Structure]:
    """Puts the file's seller on the portal (the user may deposit for it) and its buyer in
    the directory (a public structure, with the service its BT-10 names)."""
    vendeur = _structure_pour(
        lue.identifiants_fournisseur[0], raison_sociale=lue.nom_fournisseur or "Vendeur"
    )
    Habilitation.objects.get_or_create(
        utilisateur=utilisateur,
        structure=vendeur,
        service=None,
        application="FACTURES_EMISES",
        defaults={"niveau": "MODIFICATION"},
    )
    acheteur = _structure_pour(
        lue.identifiants_destinataire[0],
        raison_sociale=lue.nom_destinataire or "Acheteur",
        categorie="PUBLIQUE",
    )
    if lue.code_service:
        Service.objects.get_or_create(
            structure=acheteur, code=lue.code_service, defaults={"libelle": lue.code_service}
        )
    return vendeur, acheteur


def fichier_xml(nom: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(nom, data, content_type="application/xml")


def fichier_pdf(nom: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(nom, data, content_type="application/pdf")


__all__ = ["io"]
