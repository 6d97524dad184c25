"""The supplier's returns to acknowledge (under /factures-emises/retours/)."""

from django.urls import path

from factures.views import retours

urlpatterns = [
    path("factures-emises/retours/", retours.retours, name="retours"),
    path("factures-emises/retours/acquitter/", retours.acquitter, name="retours_acquitter"),
    path("factures-emises/retours/fermer/", retours.fermer, name="retours_fermer"),
    path(
        "factures-emises/retours/<int:pk>/traiter-le-rejet/",
        retours.rejet_traiter,
        name="retours_rejet_traiter",
    ),
]
