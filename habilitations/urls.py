from django.urls import path

from habilitations import views

app_name = "habilitations"

urlpatterns = [
    path("connexion/", views.Connexion.as_view(), name="connexion"),
    path("deconnexion/", views.Deconnexion.as_view(), name="deconnexion"),
    path("mot-de-passe-oublie/", views.MotDePasseOublie.as_view(), name="mot_de_passe_oublie"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.MotDePasseOublieEnvoye.as_view(),
        name="mot_de_passe_oublie_envoye",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        views.NouveauMotDePasse.as_view(),
        name="mot_de_passe_nouveau",
    ),
    path("mot-de-passe/", views.ChangerMotDePasse.as_view(), name="mot_de_passe_changer"),
    path("", views.mon_compte, name="mon_compte"),
]
