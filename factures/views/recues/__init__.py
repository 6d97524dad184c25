"""Factures reçues: the recipient's pages (follow-up, invoice, processing, batches)."""
