"""Sorting on a whitelist: only the columns that declare `tri` fields may sort a list.

`?tri=montant` sorts ascending, `?tri=-montant` descending; anything else falls back to the
space's default sort. The primary key always ends the order so that pages never overlap.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from factures.suivi.espace import Espace

# Sorts every space offers besides its columns (the default creation order).
TRIS_IMPLICITES = {"cree_le": ("cree_le",)}


def tris(espace: Espace) -> dict[str, tuple[str, ...]]:
    return {**TRIS_IMPLICITES, **{c.cle: c.tri for c in espace.colonnes if c.tri}}


def tri_valide(espace: Espace, valeur: str | None) -> str:
    """`valeur` if it names an allowed sort (with or without "-"), else the default."""
    valeur = (valeur or "").strip()
    return valeur if valeur.lstrip("-") in tris(espace) else espace.tri_par_defaut


def ordonner(qs: QuerySet, espace: Espace, tri: str) -> QuerySet:
    tri = tri_valide(espace, tri)
    descendant = tri.startswith("-")
    champs = tris(espace)[tri.lstrip("-")]
    signe = "-" if descendant else ""
    return qs.order_by(*(f"{signe}{c}" for c in champs), f"{signe}pk")


def entetes(espace: Espace, parametres: QueryDict, tri: str) -> list[dict]:
    """The header cells: a link that sorts by the column (then reverses), `aria-sort`."""
    tri = tri_valide(espace, tri)
    resultat = []
    for colonne in espace.colonnes_du_tableau:
        cellule = {"cle": colonne.cle, "libelle": colonne.libelle, "sens": None, "url": ""}
        if colonne.tri:
            sens = {colonne.cle: "ascending", f"-{colonne.cle}": "descending"}.get(tri)
            copie = parametres.copy()
            copie.pop("page", None)
            copie["tri"] = f"-{colonne.cle}" if sens == "ascending" else colonne.cle
            cellule.update(sens=sens, url=f"?{copie.urlencode()}")
        resultat.append(cellule)
    return resultat
