# Indexes and statistics of Factures reçues and of the deadline sweep (issue 5, benchmark).

from django.db import migrations, models

# The sweep filters on (status, cadre) pairs and orders by deadline. PostgreSQL estimates
# the pairs as if status and cadre were independent: it guessed ~1,000 overdue pieces out of
# 100,000, and sorted them all instead of reading the deadline index in order (150 ms for
# each batch of 1,000 instead of 8). Statistics on the pair give it the real frequencies.
STATISTIQUES = (
    "CREATE STATISTICS IF NOT EXISTS facture_statut_cadre (mcv) "
    "ON statut, cadre FROM factures_facture"
)


def creer_statistiques(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTIQUES)
        # Gathered now rather than at the next autovacuum: a sample, a few seconds at most.
        schema_editor.execute("ANALYZE factures_facture")


def supprimer_statistiques(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS facture_statut_cadre")


class Migration(migrations.Migration):
    dependencies = [
        ("factures", "0002_recues"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="facture",
            index=models.Index(
                condition=models.Q(("statut__in", ["MISE_A_DISPOSITION", "COMPLETEE"])),
                fields=["destinataire", "deposee_le"],
                name="facture_recues_a_traiter",
            ),
        ),
        migrations.RunPython(creer_statistiques, supprimer_statistiques),
    ]
