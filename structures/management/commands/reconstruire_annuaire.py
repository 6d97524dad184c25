"""`manage.py reconstruire_annuaire`: rebuilds the search table of the public directory from
the structures (structures/annuaire/table_de_recherche.py)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from structures.annuaire.table_de_recherche import reconstruire_la_table_de_recherche


class Command(BaseCommand):
    help = (
        "Reconstruit la table de recherche de l'annuaire à partir des structures publiques, "
        "après des modifications faites hors du portail et de l'import (SQL, restauration). "
        "Les recherches en cours voient l'ancienne table jusqu'à la fin."
    )

    def handle(self, *args, **options):
        nombre = reconstruire_la_table_de_recherche()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Table de recherche de l'annuaire reconstruite : %(n)s structure publique.",
                    "Table de recherche de l'annuaire reconstruite : %(n)s structures publiques.",
                    nombre,
                )
                % {"n": nombre}
            )
        )
