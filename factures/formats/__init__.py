"""Reading deposited invoice files: detect → check → parse → validate → pre-fill.

Interface (pure functions: no database, no storage; safe to call from a Celery task)::

    from factures.formats.controles import analyser, controler, lire
    from factures.formats.detection import detecter_format

    detecter_format(data: bytes, nom: str, *, signature: bytes | None = None) -> str
        The FormatFacture of a file, from its content: PDF, PDF_SIGNE_PADES, PDF_SIGNE_XADES
        (a PDF with its detached XAdES signature file), FACTURX, UBL, CII.
    lire(data: bytes, format: str) -> FactureLue
        What the file says, to pre-fill the deposit form (donnees.FactureLue).
    controler(data: bytes, format: str) -> list[Constat]
        Every check that needs no database (donnees.Constat, to store as Anomalie).
    analyser(data: bytes, nom: str, signature: bytes | None = None)
            -> tuple[str, FactureLue, list[Constat]]
        The three at once, parsing the file once: what the deposit task calls.
    controles.bloquants(constats) -> list[Constat]
        The findings that forbid sending the invoice.
    FactureLue.champs_facture() / champs_lignes() / champs_tva() -> dict / list[dict]
        What the file gives, as fields of Facture, LigneFacture and LigneTva (absent values
        left out), e.g. a form's initial data.
    Constat.champs_anomalie() -> dict
        The fields of an Anomalie row (texts cut to its column sizes).

Every function raises `chorus.documents.DocumentRefuse` (a ValidationError with a French
message) for a file refused outright: empty, over DOCUMENT_TAILLE_MAX, not PDF/XML, name and
content disagreeing, encrypted or damaged PDF, PDF without text (scan), XML with a DOCTYPE
(XXE, entity bombs) or malformed, unknown XML root, Factur-X XML unreadable. A file that is read
gets findings instead, each with its rule id, severity (BLOQUANTE / AVERTISSEMENT), source
(XSD, EN16931, BR_FR, METIER), EN 16931 term, form field, French message, location and the
original wording (`detail`).

The steps, one module each:
- `detection`: format from content (uses `chorus.documents` for size, type, safe XML, PDF);
- readers: `ubl` (Invoice, CreditNote), `cii` (CII D16B and ZUGFeRD 1.0), `facturx` (the
  CII inside a Factur-X/ZUGFeRD PDF, extracted with the factur-x library, any profile), `pdf`
  (text of plain or signed PDFs) and `texte_pdf` (its patterns: what the text reveals);
- `schemas`: XSD (UBL 2.1, Factur-X EXTENDED for CII D16B, MINIMUM and BASIC WL profiles,
  ZUGFeRD 1.0), loaded once per process;
- `schematrons`: EN 16931 (UBL, and the Factur-X profile schematron matching the CII's
  profile) and the French rules BR-FR, run with saxonche, compiled once per process; `libelles`
  and `termes` give each rule its term, form field and French message;
- `regles`: the portal's business rules (totals, VAT, identifiers, number, absurd amounts,
  10,000 lines), pure functions on a FactureLue, reusable by the saisie form.

Severity: XSD violations and EN 16931 fatal rules block; EN 16931 warnings and Factur-X
profile-structure findings warn; the French rules BR-FR (2026 reform, "flux 2") warn unless
settings.FACTURES_BR_FR_BLOQUANTES is true. Recipient parameters (service code or engagement
number required, buyer known to the directory) need the database: the deposit checks them with
`FactureLue.siret_destinataire` / `identifiants_destinataire`, `code_service`,
`numero_engagement`.

In a Celery worker: call `analyser()` (or `controler()`) from the task; the first call in each
worker process compiles the stylesheets it needs (0.2–1 s), later calls reuse them.
`schematrons.prechauffer()` compiles them all up front (e.g. from `worker_process_init`); never
call it at import time in a process that forks afterwards.
"""
