"""The reference table of categories and the help centre, maintained by the operator.

Sollicitations themselves are read-only here: their statuses change through the portal (the
workflow engine) only.
"""

from django.contrib import admin

from sollicitations.models import (
    ArticleAide,
    Categorie,
    Sollicitation,
    SollicitationHistorique,
    SousCategorie,
)


class SousCategorieInline(admin.TabularInline):
    model = SousCategorie
    extra = 0
    fields = ["code", "libelle", "libelle_en", "destination", "ordre", "active"]


@admin.register(Categorie)
class CategorieAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "ordre", "active"]
    list_editable = ["ordre", "active"]
    search_fields = ["libelle", "code"]
    inlines = [SousCategorieInline]

    def has_delete_permission(self, request, obj=None):
        # Requests keep their category: deactivate it instead.
        return False


@admin.register(SousCategorie)
class SousCategorieAdmin(admin.ModelAdmin):
    list_display = ["libelle", "categorie", "destination", "ordre", "active"]
    list_filter = ["categorie", "destination", "active"]
    search_fields = ["libelle", "code"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleAide)
class ArticleAideAdmin(admin.ModelAdmin):
    list_display = ["titre", "publie", "ordre", "modifie_le"]
    list_editable = ["publie", "ordre"]
    list_filter = ["publie"]
    search_fields = ["titre", "resume", "contenu", "mots_cles"]
    prepopulated_fields = {"slug": ["titre"]}


class HistoriqueInline(admin.TabularInline):
    model = SollicitationHistorique
    extra = 0
    can_delete = False
    readonly_fields = ["date", "acteur", "role", "action", "statut_avant", "statut_apres", "motif"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Sollicitation)
class SollicitationAdmin(admin.ModelAdmin):
    list_display = ["numero", "objet", "statut", "destination", "envoyee_le", "assigne_a"]
    list_filter = ["statut", "destination", "sous_categorie__categorie"]
    search_fields = ["numero", "objet", "email_contact"]
    inlines = [HistoriqueInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
