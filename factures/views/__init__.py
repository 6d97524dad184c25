"""Views of the invoice spaces, one package per space."""
