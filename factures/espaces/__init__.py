"""The follow-up spaces of invoices, one module each (see factures.suivi)."""
