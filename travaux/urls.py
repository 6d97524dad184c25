"""Factures de travaux: the works dossiers and their pieces (under /factures-travaux/)."""

app_name = "travaux"

urlpatterns = []
