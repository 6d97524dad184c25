"""Rendering invoices as files: the Factur-X of a typed invoice, the readable PDF of a deposited
XML invoice, and the certificat de dépôt.

- `totaux`: the EN 16931 totals (BG-22), VAT breakdown (BG-23) and document allowances (BG-20)
  of an invoice, from the model; both the XML and the page show them;
- `cii`: the CII (EN 16931 profile) XML of an invoice, built with lxml;
- `page`: the readable invoice page (HTML, Django template) and its context;
- `nombres`: amounts, quantities and dates written the French way;
- `moteur`: WeasyPrint, with the stylesheet and the Marianne fonts loaded once per process;
- `facturx`: page → PDF/A-3b → Factur-X (the CII attached by the factur-x library);
- `certificat`: the certificat de dépôt.

These modules make bytes and touch no database row; `factures.services.rendu` stores them and
`factures.tasks` runs it in Celery, never in a request.
"""


class RenduImpossible(Exception):
    """The invoice cannot be rendered as asked; the message says why, in French."""
