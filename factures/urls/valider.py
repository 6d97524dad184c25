"""Factures à valider: titulaires and mandataires validate (under /factures-a-valider/)."""

urlpatterns = []
