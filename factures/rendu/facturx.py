"""Factur-X of a typed invoice, and the readable PDF of a deposited XML invoice.

Factur-X: the page is rendered by WeasyPrint as PDF/A-3b *without* attachment, then the
factur-x library attaches the CII once, writes the Factur-X XMP metadata and checks the XML
against the Factur-X EN 16931 XSD (it raises if the XML fails it). WeasyPrint's own
attachments would list the XML twice and lack that metadata.
"""

from __future__ import annotations

from collections.abc import Sequence

import facturx as bibliotheque_facturx
from django.utils import translation
from django.utils.translation import gettext as _

from factures.enums import TypeFacture
from factures.rendu import cii, page, totaux
from factures.rendu.moteur import PDF_A, PDF_A_FACTURX, moteur
from factures.rendu.nombres import date_fr

LANGUE = "fr"  # invoices are French documents, whatever the language of who asked


def _metadonnees(facture) -> dict:
    """The PDF's metadata, in French (the library would write English ones)."""
    fournisseur = cii.nom_de(facture.fournisseur)
    titre = TypeFacture(facture.type_facture).label
    return {
        "author": fournisseur,
        "keywords": "Factur-X, " + str(titre),
        "title": _("%(fournisseur)s : %(titre)s %(numero)s")
        % {"fournisseur": fournisseur, "titre": titre, "numero": facture.numero},
        "subject": _("%(titre)s %(numero)s du %(date)s émise par %(fournisseur)s")
        % {
            "titre": titre,
            "numero": facture.numero,
            "date": date_fr(facture.date_facture),
            "fournisseur": fournisseur,
        },
    }


def cii_de(facture, lignes: Sequence, lignes_tva: Sequence) -> bytes:
    """The CII XML alone (RenduImpossible if the model contradicts itself)."""
    with translation.override(LANGUE):
        return cii.construire(facture, lignes, totaux.calculer(facture, lignes, lignes_tva))


def facturx(facture, lignes: Sequence, lignes_tva: Sequence) -> bytes:
    """The Factur-X PDF of a typed invoice: its page, with its CII XML attached."""
    with translation.override(LANGUE):
        chiffres = totaux.calculer(facture, lignes, lignes_tva)
        xml = cii.construire(facture, lignes, chiffres)
        html = page.html(facture, lignes, lignes_tva, totaux=chiffres)
        metadonnees = _metadonnees(facture)
    pdf = moteur().pdf(html, variante=PDF_A_FACTURX)
    return bibliotheque_facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="autodetect",
        check_xsd=True,
        pdf_metadata=metadonnees,
        lang="fr-FR",
    )


def lisible(facture, lignes: Sequence, lignes_tva: Sequence) -> bytes:
    """The readable PDF of a deposited XML invoice (UBL, CII), marked as such."""
    with translation.override(LANGUE):
        html = page.html(facture, lignes, lignes_tva, totaux=None)
    return moteur().pdf(html, variante=PDF_A)
