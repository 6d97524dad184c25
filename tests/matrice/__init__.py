"""The URL × persona access matrix, one module per feature area.

Each module defines `lignes(monde) -> dict[url_name, (url, {persona: status})]`, where
`monde` is the `Monde` of tests/matrice/monde.py (personas and their objects). A row may
create the objects its URL needs. `302` for an anonymous visitor means "sent to sign in".
tests/test_matrice_acces.py checks that every URL name of the project has a row.
"""
