"""Views of the habilitations app, one module per use case."""
