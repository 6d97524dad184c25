"""Every operation that changes works dossiers and pieces: one module per use case."""
