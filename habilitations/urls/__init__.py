from django.urls import path

from habilitations.urls import compte, gestion, inscription
from habilitations.views import authentification as views

app_name = "habilitations"

urlpatterns = [
    path("compte/connexion/", views.Connexion.as_view(), name="connexion"),
    path("compte/deconnexion/", views.Deconnexion.as_view(), name="deconnexion"),
    path(
        "compte/mot-de-passe-oublie/", views.MotDePasseOublie.as_view(), name="mot_de_passe_oublie"
    ),
    path(
        "compte/mot-de-passe-oublie/envoye/",
        views.MotDePasseOublieEnvoye.as_view(),
        name="mot_de_passe_oublie_envoye",
    ),
    path(
        "compte/reinitialiser/<uidb64>/<token>/",
        views.NouveauMotDePasse.as_view(),
        name="mot_de_passe_nouveau",
    ),
    path("compte/mot-de-passe/", views.ChangerMotDePasse.as_view(), name="mot_de_passe_changer"),
    *inscription.urlpatterns,
    *compte.urlpatterns,
    *gestion.urlpatterns,
]
