"""Factures émises: deposit, saisie, follow-up (under /factures-emises/)."""

urlpatterns = []
