"""Factures reçues: the recipient processes invoices (under /factures-recues/)."""

urlpatterns = []
