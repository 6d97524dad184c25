"""Reader of plain PDF invoices (signed or not): what their text reveals, to pre-fill the form.

A PDF without structured data is still an invoice (the "PDF non signé" deposit). Its text is
extracted with pypdf; a PDF without text (a scan) is refused, as Chorus Pro does. Then the
patterns of `texte_pdf` look for the usual labels. Whatever is found pre-fills the form; the
user checks and completes it (`termes_trouves` tells which fields came from the file).

Every pypdf call runs under `limites_pypdf()`: decompression bombs stop at a few dozen Mo.
"""

from __future__ import annotations

import io
import logging
import warnings
from contextlib import contextmanager

import pypdf
from django.utils.translation import gettext as _

from chorus.documents import DocumentRefuse
from factures.enums import FormatFacture
from factures.formats.donnees import FactureLue
from factures.formats.texte_pdf import lire_texte

# Decompressed bytes one PDF stream may produce (a 10 Mo invoice never needs more).
FLUX_MAX = 32 * 1024 * 1024
PAGES_LUES_MAX = 20
TEXTE_MAX = 200_000
# Below this many letters and digits, the PDF has no usable text: a scan.
TEXTE_MIN = 20


@contextmanager
def limites_pypdf():
    """pypdf's resource limits, tightened for untrusted uploads (PDF bombs); its warnings about
    damaged files are not logged (the caller refuses such a file, or reads what it can)."""
    journal = logging.getLogger("pypdf")
    ancien = journal.level
    journal.setLevel(logging.ERROR)
    with (
        pypdf.apply_configuration(
            maximum_declared_stream_length=FLUX_MAX,
            array_based_stream_maximum_output_length=FLUX_MAX,
            jbig2_maximum_output_length=FLUX_MAX,
            lzw_maximum_output_length=FLUX_MAX,
            run_length_maximum_output_length=FLUX_MAX,
            zlib_maximum_output_length=FLUX_MAX,
            brotli_maximum_output_length=FLUX_MAX,
        ),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            journal.setLevel(ancien)


def _refus_illisible() -> DocumentRefuse:
    return DocumentRefuse(
        _("Le PDF est illisible ou endommagé : il ne peut pas être accepté."), code="pdf_illisible"
    )


def extraire_texte(data: bytes) -> str:
    """The text of the first pages; DocumentRefuse if unreadable or without text (a scan)."""
    morceaux, taille = [], 0
    try:
        with limites_pypdf():
            lecteur = pypdf.PdfReader(io.BytesIO(data), strict=False)
            for page in lecteur.pages[:PAGES_LUES_MAX]:
                texte = page.extract_text() or ""
                morceaux.append(texte)
                taille += len(texte)
                if taille > TEXTE_MAX:
                    break
    except DocumentRefuse:
        raise
    except Exception as erreur:  # pypdf raises many kinds of errors on garbage, and bombs
        raise _refus_illisible() from erreur
    texte = "\n".join(morceaux)[:TEXTE_MAX]
    if sum(c.isalnum() for c in texte) < TEXTE_MIN:
        raise DocumentRefuse(
            _(
                "Le PDF ne contient pas de texte (document scanné ?) : déposez le PDF produit par "
                "votre logiciel de facturation, ou saisissez la facture."
            ),
            code="pdf_sans_texte",
        )
    return texte


def lire_pdf(data: bytes, format: str = FormatFacture.PDF) -> FactureLue:
    """Reads a plain (or signed) PDF invoice; DocumentRefuse if unreadable or a scan."""
    return lire_texte(extraire_texte(data), format=format)
