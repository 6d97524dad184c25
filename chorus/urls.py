from django.contrib import admin
from django.urls import include, path

from chorus import sante, views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("espaces/<slug:code>/", views.espace, name="espace"),
    path("langue/", views.changer_langue, name="changer_langue"),
    path("sante/", sante.sante, name="sante"),
    path("", include("habilitations.urls")),
    path("", include("structures.urls")),
    path("", include("factures.urls")),
    path("", include("travaux.urls")),
    path("", include("sollicitations.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "chorus.views.erreur_403"
handler404 = "chorus.views.erreur_404"
handler500 = "chorus.views.erreur_500"
