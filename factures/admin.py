from django.contrib import admin

from factures.models import Facture, FactureHistorique, LigneFacture


class LigneInline(admin.TabularInline):
    model = LigneFacture
    extra = 0


class HistoriqueInline(admin.TabularInline):
    model = FactureHistorique
    extra = 0
    can_delete = False
    readonly_fields = ["date", "acteur", "role", "action", "statut_avant", "statut_apres", "motif"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Facture)
class FactureAdmin(admin.ModelAdmin):
    list_display = ["numero", "cadre", "statut", "fournisseur", "destinataire", "montant_ttc"]
    list_filter = ["statut", "cadre", "mode_depot"]
    search_fields = ["numero", "fournisseur__raison_sociale", "destinataire__raison_sociale"]
    raw_id_fields = [
        "fournisseur",
        "service_fournisseur",
        "destinataire",
        "service_destinataire",
        "valideur_1",
        "valideur_2",
        "coordonnee_bancaire",
        "document_original",
        "document_signature",
        "document_rendu",
        "document_certificat",
        "dossier",
        "piece_precedente",
        "cree_par",
    ]
    # The status moves through the workflow engine only.
    readonly_fields = ["statut"]
    inlines = [LigneInline, HistoriqueInline]
