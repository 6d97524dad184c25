"""Reading deposited invoice files: format detection, parsing, validation (see donnees.py)."""
