"""Views of Factures de travaux, one module per use case."""
