from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from habilitations.models import Habilitation, Rattachement, RattachementHistorique, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "prenom", "nom", "est_agent_support", "is_active"]
    list_filter = ["is_active", "is_staff", "est_agent_support", "langue"]
    search_fields = ["email", "prenom", "nom"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["prenom", "nom", "email_contact", "telephone", "langue"]}),
        ("Rôles", {"fields": ["is_active", "is_staff", "is_superuser", "est_agent_support"]}),
        ("Notifications", {"fields": ["notifications_actives"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "prenom", "nom", "password1", "password2"]}),
    ]


@admin.register(Habilitation)
class HabilitationAdmin(admin.ModelAdmin):
    list_display = ["utilisateur", "structure", "service", "application", "niveau"]
    list_filter = ["application", "niveau"]
    raw_id_fields = ["utilisateur", "structure", "service"]


class HistoriqueInline(admin.TabularInline):
    model = RattachementHistorique
    extra = 0
    can_delete = False
    readonly_fields = ["date", "acteur", "role", "action", "motif", "statut_avant", "statut_apres"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rattachement)
class RattachementAdmin(admin.ModelAdmin):
    list_display = ["utilisateur", "structure", "service", "statut", "demande_le"]
    list_filter = ["statut"]
    raw_id_fields = ["utilisateur", "structure", "service"]
    readonly_fields = ["statut"]
    inlines = [HistoriqueInline]
