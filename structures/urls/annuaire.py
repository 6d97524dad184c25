"""The public directory of public structures (under /annuaire/)."""

from django.urls import path

from structures.views import annuaire

urlpatterns = [
    path("annuaire/", annuaire.recherche, name="annuaire"),
    path("annuaire/<int:pk>/", annuaire.detail, name="annuaire_detail"),
]
