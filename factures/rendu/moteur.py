"""WeasyPrint, set up once per process.

Loading fonts is the dearest part of a small rendering: the print stylesheet
(`impression.css`) and its Marianne fonts (shipped inside django-dsfr) are parsed and loaded at
the first rendering of the process, then shared by every document it renders. Marianne is also
three times faster to lay out than DejaVu.

Documents may fetch nothing but these fonts: no file, no network (user text is escaped by the
templates, and this fetcher closes the door behind it). Renderings of one process take turns:
fontconfig and Pango state are not to be shared between threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

FEUILLE = Path(__file__).with_name("impression.css")
# (style, weight) -> file name in django-dsfr's static fonts.
POLICES = {
    ("normal", 400): "Marianne-Regular.woff2",
    ("normal", 700): "Marianne-Bold.woff2",
    ("italic", 400): "Marianne-Regular_Italic.woff2",
}
PDF_A_FACTURX = "pdf/a-3b"  # Factur-X: PDF/A-3, the only part that allows the XML attached
PDF_A = "pdf/a-2b"  # archived documents without attachment


class RessourceRefusee(ValueError):
    pass


class _SeulementNosPolices(URLFetcher):
    def __init__(self, autorisees: set[str]):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.autorisees = frozenset(autorisees)

    def fetch(self, url, headers=None):
        if url not in self.autorisees:
            raise RessourceRefusee(f"resource refused while rendering: {url[:100]}")
        return super().fetch(url, headers)


def _chemin_police(nom: str) -> Path:
    chemin = finders.find(f"dsfr/dist/fonts/{nom}")
    if not chemin:
        raise LookupError(f"django-dsfr does not ship the font {nom}")
    return Path(chemin)


class Moteur:
    def __init__(self):
        faces, urls = [], set()
        for (style, graisse), nom in POLICES.items():
            url = _chemin_police(nom).as_uri()
            urls.add(url)
            faces.append(
                f"@font-face {{ font-family: Marianne; font-style: {style}; "
                f'font-weight: {graisse}; src: url("{url}") format("woff2"); }}'
            )
        self.css_polices = "\n".join(faces)
        self.css_feuille = FEUILLE.read_text(encoding="utf-8")
        self.recuperateur = _SeulementNosPolices(urls)
        self.polices = FontConfiguration()
        self.feuille = CSS(
            string=f"{self.css_polices}\n{self.css_feuille}",
            font_config=self.polices,
            url_fetcher=self.recuperateur,
        )
        self._tour = threading.Lock()

    def pdf(self, html: str, *, variante: str | None = None) -> bytes:
        """The PDF of `html` (a page of `templates/factures/rendu/`), PDF/A if `variante`."""
        with self._tour:
            document = HTML(string=html, url_fetcher=self.recuperateur)
            return document.write_pdf(
                stylesheets=[self.feuille], font_config=self.polices, pdf_variant=variante
            )


_moteur: Moteur | None = None
_creation = threading.Lock()


def moteur() -> Moteur:
    """The process's engine, made at its first use (after a Celery worker's fork, not before)."""
    global _moteur
    if _moteur is None:
        with _creation:
            if _moteur is None:
                _moteur = Moteur()
    return _moteur
