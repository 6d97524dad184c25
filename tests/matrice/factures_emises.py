"""Rows of the access matrix for Factures émises (under /factures-emises/).

The supplier is the matrix's structure (`monde.entite`, public structures open Factures
émises too). Its lists open to anyone holding the space somewhere (each sees his own
invoices: `autre` sees an empty list); an invoice's pages only to its supplier's users;
changes need *modification* (403 in consultation). Strangers get 404 on every invoice URL.
"""

from django.urls import reverse

from factures.enums import StatutFacture as S
from tests.factures.factories import FactureFactory
from tests.factures.factories_emises import PieceJointeFactureFactory, facture_avec_documents
from tests.matrice.monde import PERSONAS, connectes

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
# Deposit and saisie: for users holding Factures émises – modification somewhere.
NOUVELLE = {**LISTE, "consultation": 403}
# A POST-only URL fetched with GET: 405 before any access check (nothing is revealed).
POST_SEULEMENT = connectes(405)
assert set(LISTE) == set(PERSONAS)


def lignes(monde):
    envoyee = facture_avec_documents(fournisseur=monde.entite)
    piece = envoyee.pieces_jointes.get()
    brouillon = FactureFactory(fournisseur=monde.entite)
    piece_brouillon = PieceJointeFactureFactory(facture=brouillon)
    suspendue = FactureFactory(fournisseur=monde.entite, statut=S.SUSPENDUE)
    a_recycler = FactureFactory(fournisseur=monde.entite, statut=S.A_RECYCLER)
    erreur_valideur = FactureFactory(
        fournisseur=monde.entite,
        cadre="A9_FACTURE_SOUSTRAITANT",
        valideur_1=monde.autre_structure,
        statut=S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    )

    def url(nom, *args):
        return reverse(f"factures:{nom}", args=args)

    return {
        "factures:emises_synthese": (url("emises_synthese"), LISTE),
        "factures:emises_rechercher": (url("emises_rechercher"), LISTE),
        "factures:emises_export": (url("emises_export"), LISTE),
        "factures:emises_tableau_de_bord": (url("emises_tableau_de_bord"), LISTE),
        "factures:emises_archives": (url("emises_archives"), LISTE),
        "factures:emises_saisir": (url("emises_saisir"), NOUVELLE),
        "factures:emises_deposer": (url("emises_deposer"), NOUVELLE),
        "factures:emises_detail": (url("emises_detail", envoyee.pk), LECTURE),
        "factures:emises_modifier": (url("emises_modifier", brouillon.pk), ECRITURE),
        "factures:emises_totaux": (url("emises_totaux", brouillon.pk), POST_SEULEMENT),
        "factures:emises_destinataire": (url("emises_destinataire", brouillon.pk), ECRITURE),
        "factures:emises_supprimer": (url("emises_supprimer", brouillon.pk), ECRITURE),
        "factures:emises_envoyer": (url("emises_envoyer", brouillon.pk), ECRITURE),
        "factures:emises_piece_jointe_ajouter": (
            url("emises_piece_jointe_ajouter", brouillon.pk),
            POST_SEULEMENT,
        ),
        "factures:emises_piece_jointe_reutiliser": (
            url("emises_piece_jointe_reutiliser", brouillon.pk),
            POST_SEULEMENT,
        ),
        "factures:emises_piece_jointe_retirer": (
            url("emises_piece_jointe_retirer", brouillon.pk, piece_brouillon.pk),
            ECRITURE,
        ),
        "factures:emises_completer": (url("emises_completer", suspendue.pk), ECRITURE),
        "factures:emises_recycler": (url("emises_recycler", a_recycler.pk), ECRITURE),
        "factures:emises_corriger_valideur": (
            url("emises_corriger_valideur", erreur_valideur.pk),
            ECRITURE,
        ),
        "factures:emises_controles": (url("emises_controles", brouillon.pk), REDIRECTION),
        "factures:emises_original": (url("emises_original", envoyee.pk), LECTURE),
        "factures:emises_signature": (url("emises_signature", envoyee.pk), REDIRECTION),
        "factures:emises_rendu": (url("emises_rendu", envoyee.pk), LECTURE),
        "factures:emises_certificat": (url("emises_certificat", envoyee.pk), LECTURE),
        "factures:emises_piece_jointe": (url("emises_piece_jointe", envoyee.pk, piece.pk), LECTURE),
    }
