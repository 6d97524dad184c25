"""Factures de travaux: the works dossiers and their pieces (under /factures-travaux/).

Each role has its own pages (`/factures-travaux/<role>/…`, URL names `<role>_<page>`), so
that a page always says in which role the user acts; the follow-up pages are those of
factures.suivi (travaux.espace). Links in e-mails are role-free and redirect.
"""

from django.urls import path

from travaux.enums import RoleTravaux
from travaux.views import depot, dossiers, pieces, suivi

app_name = "travaux"


def _pages(role: RoleTravaux) -> list:
    racine = f"factures-travaux/{role.slug}/"
    piece = f"{racine}pieces/<int:pk>/"
    n = role.slug
    role_ = {"role": role}
    return [
        path(racine, suivi.synthese, role_, name=f"{n}_synthese"),
        path(f"{racine}rechercher/", suivi.rechercher, role_, name=f"{n}_rechercher"),
        path(f"{racine}rechercher/export/", suivi.exporter, role_, name=f"{n}_export"),
        path(
            f"{racine}tableau-de-bord/", suivi.tableau_de_bord, role_, name=f"{n}_tableau_de_bord"
        ),
        path(f"{racine}archives/", suivi.archives, role_, name=f"{n}_archives"),
        path(f"{racine}dossiers/", dossiers.liste, role_, name=f"{n}_dossiers"),
        path(f"{racine}dossiers/<int:pk>/", dossiers.dossier, role_, name=f"{n}_dossier"),
        path(f"{racine}deposer/", depot.choisir, role_, name=f"{n}_deposer"),
        path(f"{racine}deposer/<slug:cadre>/", depot.deposer, role_, name=f"{n}_deposer_piece"),
        path(piece, pieces.detail, role_, name=f"{n}_detail"),
        path(f"{piece}modifier/", depot.modifier, role_, name=f"{n}_modifier"),
        path(f"{piece}controles/", pieces.controles, role_, name=f"{n}_controles"),
        path(f"{piece}envoyer/", pieces.envoyer, role_, name=f"{n}_envoyer"),
        path(f"{piece}supprimer/", pieces.supprimer, role_, name=f"{n}_supprimer"),
        path(f"{piece}traiter/<slug:action>/", pieces.traiter, role_, name=f"{n}_traiter"),
        path(f"{piece}corriger/", pieces.corriger, role_, name=f"{n}_corriger"),
        path(f"{piece}fichier/", pieces.telecharger, role_, name=f"{n}_fichier"),
        path(f"{piece}certificat/", pieces.certificat, role_, name=f"{n}_certificat"),
    ]


urlpatterns = [
    path("factures-travaux/", suivi.accueil, name="accueil"),
    path("factures-travaux/dossiers/<int:pk>/", dossiers.dossier_ouvrir, name="dossier_ouvrir"),
    path("factures-travaux/pieces/<int:pk>/", dossiers.piece_ouvrir, name="piece_ouvrir"),
    *[motif for role in RoleTravaux for motif in _pages(role)],
]
