from django.contrib import admin

from structures.models import Service, Structure


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["raison_sociale", "identifiant", "categorie", "statut", "ville"]
    list_filter = ["categorie", "statut", "type_identifiant"]
    search_fields = ["raison_sociale", "identifiant", "ville"]
    raw_id_fields = ["gestionnaire_principal"]
    inlines = [ServiceInline]
