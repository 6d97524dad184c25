"""URLs of the invoice spaces, one module per space."""

from factures.urls import emises, recues, retours, valider

app_name = "factures"

urlpatterns = [
    *emises.urlpatterns,
    *recues.urlpatterns,
    *valider.urlpatterns,
    *retours.urlpatterns,
]
