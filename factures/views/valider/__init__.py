"""Factures à valider: the validator's pages (follow-up, invoice, answer)."""
