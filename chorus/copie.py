"""Rows written in bulk without the ORM's per-value work: PostgreSQL's COPY.

`bulk_create` of a few dozen rows (an invoice's lines, the findings of its checks) builds
one placeholder per value, and the driver quotes each value in Python (client-side binding):
a millisecond or two per deposit. COPY streams the rows as they are. Used where nothing reads
the rows' ids back; on any other database, `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def copie_possible(connexion) -> bool:
    return connexion.vendor == "postgresql"


def copier(modele: type[models.Model], attnames: Sequence[str], lignes: Iterable[tuple]) -> None:
    """Inserts `lignes` (tuples of values, in the order of `attnames`) into `modele`'s table;
    the columns not named take their database default (the primary key's sequence)."""
    connexion = connections[router.db_for_write(modele)]
    if not copie_possible(connexion):
        modele._default_manager.bulk_create(
            modele(**dict(zip(attnames, ligne, strict=True))) for ligne in lignes
        )
        return
    meta = modele._meta
    qn = connexion.ops.quote_name
    colonnes = ", ".join(qn(meta.get_field(a).column) for a in attnames)
    with (
        connexion.cursor() as curseur,
        curseur.cursor.copy(f"COPY {qn(meta.db_table)} ({colonnes}) FROM STDIN") as copie,
    ):
        for ligne in lignes:
            copie.write_row(ligne)


def copier_instances(modele: type[models.Model], objets: Sequence[models.Model]) -> None:
    """`copier` for unsaved instances: every concrete field but an automatic primary key,
    prepared as the ORM would save it. The instances get no id."""
    if not objets:
        return
    connexion = connections[router.db_for_write(modele)]
    if not copie_possible(connexion):
        modele._default_manager.bulk_create(objets)
        return
    champs = [
        f
        for f in modele._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    copier(
        modele,
        [f.attname for f in champs],
        (
            tuple(f.get_db_prep_save(getattr(objet, f.attname), connexion) for f in champs)
            for objet in objets
        ),
    )
