from django.contrib import admin

from travaux.models import DossierFacturation, PieceIncluse


@admin.register(DossierFacturation)
class DossierFacturationAdmin(admin.ModelAdmin):
    list_display = ["numero", "numero_marche", "titulaire", "moe", "moa", "cree_le"]
    search_fields = ["numero", "numero_marche", "titulaire__raison_sociale", "moa__raison_sociale"]
    raw_id_fields = [
        "titulaire",
        "moe",
        "moa",
        "service_moa",
        "structure_financiere",
        "service_financier",
        "cree_par",
    ]


@admin.register(PieceIncluse)
class PieceIncluseAdmin(admin.ModelAdmin):
    list_display = ["piece", "decompte", "incluse_le"]
    raw_id_fields = ["piece", "decompte", "incluse_par"]
