"""Routes of Mon compte (all under /compte/), and the sign-in's second step."""

from django.urls import path

from habilitations.views import authentification, compte

urlpatterns = [
    path("compte/", compte.mon_compte, name="mon_compte"),
    path(
        "compte/connexion/verification/",
        authentification.connexion_verification,
        name="connexion_verification",
    ),
    path("compte/informations/", compte.compte_modifier, name="compte_modifier"),
    path(
        "compte/double-authentification/",
        compte.double_authentification,
        name="double_authentification",
    ),
    path(
        "compte/double-authentification/desactiver/",
        compte.double_authentification_desactiver,
        name="double_authentification_desactiver",
    ),
    path("compte/rattachements/", compte.mes_rattachements, name="mes_rattachements"),
    path(
        "compte/rattachements/demander/<int:structure_pk>/",
        compte.compte_rattachement_demander,
        name="compte_rattachement_demander",
    ),
    path(
        "compte/rattachements/<int:pk>/annuler/",
        compte.compte_rattachement_annuler,
        name="compte_rattachement_annuler",
    ),
    path(
        "compte/rattachements/<int:pk>/detacher/",
        compte.compte_rattachement_detacher,
        name="compte_rattachement_detacher",
    ),
    path("compte/habilitations/", compte.mes_habilitations, name="mes_habilitations"),
    path(
        "compte/habilitations/export.csv",
        compte.mes_habilitations_csv,
        name="mes_habilitations_csv",
    ),
    path("compte/abonnements/", compte.mes_abonnements, name="mes_abonnements"),
    path(
        "compte/abonnements/demander/<int:structure_pk>/",
        compte.compte_abonnement_demander,
        name="compte_abonnement_demander",
    ),
    path(
        "compte/abonnements/demandes/<int:pk>/annuler/",
        compte.compte_abonnement_annuler,
        name="compte_abonnement_annuler",
    ),
    path("compte/desactiver/", compte.compte_desactiver, name="compte_desactiver"),
]
