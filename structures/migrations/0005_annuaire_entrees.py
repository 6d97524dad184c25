"""The search table of the public directory (structures.models.EntreeAnnuaire): one narrow row
per public structure, its search keys, postal code and status. « Contains » searches read and
sort their matches there instead of in the structures table, whose rows are ten times wider.

The keys move: the table is filled from the structures, then the keys that migration 0004
stored on structures are removed (PostgreSQL drops their trigram indexes with them).

On PostgreSQL, two things Django's model cannot say portably:
- the keys are compared byte by byte (COLLATE "C"): keys are upper-case letters without
  accents, digits and spaces, so that is the alphabetical order, word by word, and sorting
  20,000 matches takes a third of the time of a linguistic collation;
- one trigram GIN index covers the three keys: a search on a name and a city is answered by
  one index scan that intersects both.
No btree indexes the keys, on purpose (see the model's docstring).
"""

import django.db.models.deletion
from django.db import migrations, models

from structures.cles import CHAMPS_CLES, cle_de_recherche

INDEX_TRIGRAMMES = "entree_annuaire_cles_trgm"
# Migration 0004's trigram indexes, recreated if this migration is reversed.
INDEX_TRIGRAMMES_0004 = {
    "structure_cle_rs_trgm": "cle_raison_sociale",
    "structure_cle_ville_trgm": "cle_ville",
    "structure_cle_id_trgm": "cle_identifiant",
}
LOT = 2000


def remplir_les_entrees(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    EntreeAnnuaire = apps.get_model("structures", "EntreeAnnuaire")
    sources = list(CHAMPS_CLES.values())
    lot = []
    for pk, code_postal, statut, *valeurs in (
        Structure.objects.filter(categorie="PUBLIQUE")
        .order_by("pk")
        .values_list("pk", "code_postal", "statut", *sources)
        .iterator(chunk_size=LOT)
    ):
        cles = {
            cle: cle_de_recherche(valeur)
            for cle, valeur in zip(CHAMPS_CLES, valeurs, strict=True)
        }
        lot.append(
            EntreeAnnuaire(structure_id=pk, code_postal=code_postal, statut=statut, **cles)
        )
        if len(lot) == LOT:
            EntreeAnnuaire.objects.bulk_create(lot)
            lot = []
    EntreeAnnuaire.objects.bulk_create(lot)


def comparer_les_cles_octet_par_octet(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    EntreeAnnuaire = apps.get_model("structures", "EntreeAnnuaire")
    colonnes = ", ".join(
        f'ALTER COLUMN "{cle}" TYPE varchar({EntreeAnnuaire._meta.get_field(cle).max_length}) '
        'COLLATE "C"'
        for cle in CHAMPS_CLES
    )
    schema_editor.execute(f'ALTER TABLE "structures_entreeannuaire" {colonnes}')


def creer_index_trigrammes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    colonnes = ", ".join(f'"{colonne}" gin_trgm_ops' for colonne in CHAMPS_CLES)
    schema_editor.execute(
        f'CREATE INDEX "{INDEX_TRIGRAMMES}" ON "structures_entreeannuaire" USING gin ({colonnes})'
    )


def supprimer_index_trigrammes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_TRIGRAMMES}"')


def rendre_les_cles_aux_structures(apps, schema_editor):
    """Backwards: the keys on structures again, as migration 0004 left them."""
    Structure = apps.get_model("structures", "Structure")
    sources = list(CHAMPS_CLES.values())
    lot = []
    for pk, *valeurs in Structure.objects.values_list("pk", *sources).iterator(chunk_size=LOT):
        ligne = Structure(pk=pk)
        for cle, valeur in zip(CHAMPS_CLES, valeurs, strict=True):
            setattr(ligne, cle, cle_de_recherche(valeur))
        lot.append(ligne)
        if len(lot) == LOT:
            Structure.objects.bulk_update(lot, list(CHAMPS_CLES))
            lot = []
    Structure.objects.bulk_update(lot, list(CHAMPS_CLES))
    if schema_editor.connection.vendor != "postgresql":
        return
    for nom, colonne in INDEX_TRIGRAMMES_0004.items():
        schema_editor.execute(
            f'CREATE INDEX "{nom}" ON "structures_structure" '
            f'USING gin ("{colonne}" gin_trgm_ops) WHERE "categorie" = \'PUBLIQUE\''
        )


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0004_annuaire_cles"),
    ]

    operations = [
        migrations.CreateModel(
            name="EntreeAnnuaire",
            fields=[
                (
                    "structure",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="entree_annuaire",
                        serialize=False,
                        to="structures.structure",
                    ),
                ),
                ("cle_raison_sociale", models.CharField(max_length=200)),
                ("cle_ville", models.CharField(blank=True, max_length=100)),
                ("cle_identifiant", models.CharField(max_length=80)),
                ("code_postal", models.CharField(blank=True, max_length=10)),
                (
                    "statut",
                    models.CharField(
                        choices=[("ACTIVE", "Active"), ("INACTIVE", "Inactive")], max_length=10
                    ),
                ),
            ],
        ),
        # Backwards, the table goes with its collation.
        migrations.RunPython(
            comparer_les_cles_octet_par_octet, migrations.RunPython.noop, elidable=False
        ),
        migrations.RunPython(remplir_les_entrees, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(
            creer_index_trigrammes, supprimer_index_trigrammes, elidable=False
        ),
        # Runs backwards only, once the removed fields are back.
        migrations.RunPython(
            migrations.RunPython.noop, rendre_les_cles_aux_structures, elidable=False
        ),
        migrations.RemoveField(
            model_name="structure",
            name="cle_identifiant",
        ),
        migrations.RemoveField(
            model_name="structure",
            name="cle_raison_sociale",
        ),
        migrations.RemoveField(
            model_name="structure",
            name="cle_ville",
        ),
    ]
