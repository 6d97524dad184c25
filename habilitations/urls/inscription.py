"""Sign-up and activation (under /compte/inscription/ and /compte/activation/)."""

from django.urls import path

from habilitations.views import inscription as views

urlpatterns = [
    path("compte/inscription/", views.inscription, name="inscription"),
    path("compte/inscription/envoyee/", views.inscription_envoyee, name="inscription_envoyee"),
    path("compte/activation/renvoyer/", views.activation_renvoyer, name="activation_renvoyer"),
    path("compte/activation/<uidb64>/<token>/", views.activation, name="activation"),
]
