"""Sollicitations: requests to support or to a public entity, and the desk.

- /sollicitations/…: the signed-in requester's pages (Sollicitations émises);
- /sollicitations/desk/…: the desk (support agents, or the entity's users: Sollicitations reçues);
- /contact/…: the public contact form and the follow-up by signed link, without an account;
- /aide/…: the public help centre.
"""

from django.urls import path

from sollicitations.views import desk, emises, public

app_name = "sollicitations"

SOLLICITATION = "sollicitations/<int:pk>/"
DESK = "sollicitations/desk/<int:pk>/"
SUIVI = "contact/suivi/<str:jeton>/"

urlpatterns = [
    # The requester.
    path("sollicitations/", emises.liste, name="emises"),
    path("sollicitations/nouvelle/", emises.creer, name="creer"),
    path(SOLLICITATION, emises.detail, name="detail"),
    path(SOLLICITATION + "modifier/", emises.modifier, name="modifier"),
    path(SOLLICITATION + "envoyer/", emises.envoyer, name="envoyer"),
    path(SOLLICITATION + "supprimer/", emises.supprimer, name="supprimer"),
    path(SOLLICITATION + "ecrire/", emises.ecrire, name="ecrire"),
    path(SOLLICITATION + "renvoyer/", emises.renvoyer, name="renvoyer"),
    path(SOLLICITATION + "cloturer/", emises.cloturer, name="cloturer"),
    path(SOLLICITATION + "pieces/<int:piece_pk>/", emises.piece, name="piece"),
    # The desk.
    path("sollicitations/desk/", desk.desk, name="desk"),
    path("sollicitations/desk/export.csv", desk.desk_csv, name="desk_csv"),
    path(DESK, desk.detail, name="desk_detail"),
    path(DESK + "prendre/", desk.prendre, name="desk_prendre"),
    path(DESK + "assigner/", desk.assigner, name="desk_assigner"),
    path(DESK + "message/", desk.message, name="desk_message"),
    path(DESK + "transferer/", desk.transferer, name="desk_transferer"),
    path(DESK + "cloturer/", desk.cloturer, name="desk_cloturer"),
    # Without an account.
    path("contact/", public.contact, name="contact"),
    path("contact/sous-categories/", public.sous_categories, name="sous_categories"),
    path(SUIVI, public.suivi, name="suivi"),
    path(SUIVI + "ecrire/", public.suivi_ecrire, name="suivi_ecrire"),
    path(SUIVI + "renvoyer/", public.suivi_renvoyer, name="suivi_renvoyer"),
    path(SUIVI + "cloturer/", public.suivi_cloturer, name="suivi_cloturer"),
    path(SUIVI + "pieces/<int:piece_pk>/", public.suivi_piece, name="suivi_piece"),
    # The help centre.
    path("aide/", public.aide_accueil, name="aide"),
    path("aide/suggestions/", public.suggestions, name="suggestions"),
    path("aide/<slug:slug>/", public.article, name="article"),
]
