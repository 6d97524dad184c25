"""Routes of Mon compte (all under /compte/)."""

from django.urls import path

from habilitations.views import compte

urlpatterns = [
    path("compte/", compte.mon_compte, name="mon_compte"),
]
