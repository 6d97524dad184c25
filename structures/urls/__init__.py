from structures.urls import annuaire, gestion, support

app_name = "structures"

urlpatterns = [
    *annuaire.urlpatterns,
    *gestion.urlpatterns,
    *support.urlpatterns,
]
