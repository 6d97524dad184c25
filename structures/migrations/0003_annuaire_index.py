"""Indexes of the public directory (structures/annuaire.py).

Portable btree indexes (partial: public structures only) for sorting and the postal-code
prefix search. On PostgreSQL only: the pg_trgm and unaccent extensions (both trusted, so the
database owner may create them), the search-key function `annuaire_cle` that the search calls
(`annuaire.CleDeRecherche`), and trigram GIN indexes on it for the "any part of" searches on
identifier, raison sociale and city. The SQL is frozen here on purpose; tests check that it
agrees with the Python key and that the indexes can answer the searches.
"""

from django.db import migrations, models

_PUBLIQUES = "WHERE \"categorie\" = 'PUBLIQUE'"

# The search key (structures.annuaire.cle_de_recherche is its Python twin): accents and
# ligatures removed by the unaccent dictionary, hyphens and apostrophes turned into spaces,
# upper case. PL/pgSQL: measured several times cheaper per call than an SQL function that is
# not inlined (it runs on every row a trigram index returns). The unaccent extension is named
# with its schema, so the function does not depend on the search_path. The high COST makes
# the planner prefer the trigram indexes to evaluating it on every row.
FONCTION = """
CREATE OR REPLACE FUNCTION annuaire_cle(texte text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 500 AS $$
BEGIN
    RETURN upper(replace(replace(replace(
        {schema}.unaccent('{schema}.unaccent'::regdictionary, texte),
        '-', ' '), '''', ' '), '\u2019', ' '));
END
$$
"""

INDEX_TRIGRAMMES = {
    "structure_annuaire_rs_trgm": "raison_sociale",
    "structure_annuaire_ville_trgm": "ville",
    "structure_annuaire_id_trgm": "identifiant",
}


def creer_index_trigrammes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with schema_editor.connection.cursor() as curseur:
        curseur.execute(
            "SELECT quote_ident(nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'unaccent'"
        )
        [schema] = curseur.fetchone()
    schema_editor.execute(FONCTION.replace("{schema}", schema))
    for nom, colonne in INDEX_TRIGRAMMES.items():
        schema_editor.execute(
            f'CREATE INDEX "{nom}" ON "structures_structure" '
            f'USING gin (annuaire_cle("{colonne}") gin_trgm_ops) {_PUBLIQUES}'
        )


def supprimer_index_trigrammes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for nom in INDEX_TRIGRAMMES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{nom}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS annuaire_cle(text)")
    # The pg_trgm and unaccent extensions stay: other objects may use them.


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0002_organisation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(
                condition=models.Q(("categorie", "PUBLIQUE")),
                fields=["raison_sociale", "id"],
                name="structure_annuaire_rs",
            ),
        ),
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(
                condition=models.Q(("categorie", "PUBLIQUE")),
                fields=["identifiant", "id"],
                name="structure_annuaire_id",
            ),
        ),
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(
                condition=models.Q(("categorie", "PUBLIQUE")),
                fields=["ville", "raison_sociale", "id"],
                name="structure_annuaire_ville",
            ),
        ),
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(
                condition=models.Q(("categorie", "PUBLIQUE")),
                fields=["code_postal"],
                name="structure_annuaire_cp",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.RunPython(creer_index_trigrammes, supprimer_index_trigrammes, elidable=False),
    ]
