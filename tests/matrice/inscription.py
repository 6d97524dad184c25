"""Rows of the access matrix for this area (see tests/matrice/__init__.py)."""


def lignes(monde):
    return {}
