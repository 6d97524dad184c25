"""Factures émises: the supplier's space (deposit, saisie, sending, follow-up)."""
