"""The directory's search table (`structures.models.EntreeAnnuaire`) rebuilt from the
structures, for when they were changed without `Structure.save()` or the import: SQL, a
`bulk_update()`, a partial restore. Behind `manage.py reconstruire_annuaire`."""

from django.db import transaction

from structures.annuaire.import_csv.ecriture import TAILLE_DES_PAQUETS, analyser
from structures.cles import CHAMPS_DE_L_ENTREE


def reconstruire_la_table_de_recherche() -> int:
    """Replaces every row by one computed from its public structure, in one transaction:
    searches running meanwhile see the old rows until the new ones are all written. Returns
    the number of rows."""
    from structures.models import EntreeAnnuaire, Structure

    nombre = 0
    with transaction.atomic():
        EntreeAnnuaire.objects.all().delete()
        lot = []
        structures = (
            Structure.objects.publiques()
            .order_by("pk")
            .values("pk", *CHAMPS_DE_L_ENTREE)
            .iterator(chunk_size=TAILLE_DES_PAQUETS)
        )
        for valeurs in structures:
            lot.append(EntreeAnnuaire.pour(valeurs["pk"], valeurs))
            if len(lot) == TAILLE_DES_PAQUETS:
                EntreeAnnuaire.objects.bulk_create(lot)
                nombre += len(lot)
                lot = []
        EntreeAnnuaire.objects.bulk_create(lot)
        nombre += len(lot)
    analyser(EntreeAnnuaire)
    return nombre
