"""Portable btree indexes of the public directory (partial: public structures only), for
sorting and the postal-code prefix search. Trigram indexes come with the search keys (0004).
"""

from django.db import migrations, models


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
    ]
