"""Rows of the access matrix for Factures émises (under /factures-emises/).

The supplier is the matrix's structure (`monde.entite`, public structures open Factures
émises too). Its lists open to anyone holding the space somewhere (each sees his own
invoices: `autre` sees an empty list); an invoice's pages only to its supplier's users;
changes need *modification* (403 in consultation). Strangers get 404 on every invoice URL.
"""

from django.urls import reverse

from tests.factures.factories import FactureFactory
from tests.factures.factories_emises import facture_avec_documents
from tests.matrice.monde import PERSONAS

LISTE = {
    "anonyme": 302,
    "consultation": 200,
    "modification": 200,
    "gp": 200,
    "autre": 200,
    "support": 404,
}
LECTURE = {**LISTE, "autre": 404}
ECRITURE = {**LECTURE, "consultation": 403}
# A page that answers by redirecting (e.g. a fragment asked for without htmx).
REDIRECTION = {**LECTURE, "consultation": 302, "modification": 302, "gp": 302}
assert set(LISTE) == set(PERSONAS)


def lignes(monde):
    envoyee = facture_avec_documents(fournisseur=monde.entite)
    piece = envoyee.pieces_jointes.get()
    brouillon = FactureFactory(fournisseur=monde.entite)

    def url(nom, *args):
        return reverse(f"factures:{nom}", args=args)

    return {
        "factures:emises_synthese": (url("emises_synthese"), LISTE),
        "factures:emises_rechercher": (url("emises_rechercher"), LISTE),
        "factures:emises_export": (url("emises_export"), LISTE),
        "factures:emises_tableau_de_bord": (url("emises_tableau_de_bord"), LISTE),
        "factures:emises_archives": (url("emises_archives"), LISTE),
        "factures:emises_detail": (url("emises_detail", envoyee.pk), LECTURE),
        "factures:emises_controles": (url("emises_controles", brouillon.pk), REDIRECTION),
        "factures:emises_original": (url("emises_original", envoyee.pk), LECTURE),
        "factures:emises_signature": (url("emises_signature", envoyee.pk), REDIRECTION),
        "factures:emises_rendu": (url("emises_rendu", envoyee.pk), LECTURE),
        "factures:emises_certificat": (url("emises_certificat", envoyee.pk), LECTURE),
        "factures:emises_piece_jointe": (url("emises_piece_jointe", envoyee.pk, piece.pk), LECTURE),
    }
