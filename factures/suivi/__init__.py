"""Follow-up of invoices, for any space: the lists, their filters, sorting, pagination,
CSV export and dashboard, parametrized by the space (`Espace`).

A space (Factures émises, Factures reçues, Factures à valider, Factures de travaux) declares
an `Espace`: its application (whose `visible_to` scopes every query), its URL names, its
columns and its FilterSet. The generic views of `factures.suivi.vues` then serve its
*Rechercher*, *Archives*, *Tableau de bord* and CSV export pages, with a bounded number of
queries whatever the number of rows:

- `espace.py`: `Espace`, `Colonne`, `Cellule`, `Rubrique` (a Synthèse section);
- `filtres.py`: `FiltreFactures`, the django-filter base every space extends;
- `tri.py`: sorting on a whitelist of columns, and the header links;
- `pagination.py`: `PaginateurPlafonne`, which never counts more than `plafond` + 1 rows;
- `export.py`: streaming CSV, safe against formula injection;
- `tableau_de_bord.py`: counts and amounts by status, ready for the bar chart;
- `statuts.py`: the status a supplier sees, as a SQL annotation;
- `vues.py`: the generic page functions.

Templates live in `templates/factures/suivi/`.
"""
