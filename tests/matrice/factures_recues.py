"""Rows of the access matrix for Factures reçues, Factures à valider and the supplier's
returns (under /factures-recues/, /factures-a-valider/, /factures-emises/retours/).

The matrix's public structure (`monde.entite`) is the recipient of one invoice and the first
validator of another. Lists open to anyone holding the space somewhere (`autre`, GP of
another public entity, sees empty lists); an invoice's pages only to the users of its
recipient (or validator); processing needs *modification* (403 in consultation). Strangers
get 404 on every invoice URL; POST-only URLs answer 405 to a GET.
"""

from django.urls import reverse

from tests.factures.factories import FactureFactory
from tests.factures.factories_emises import PieceJointeFactureFactory, facture_avec_documents
from tests.matrice.monde import PERSONAS, connectes
from tests.structures.factories import StructureFactory

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
# Pages that send the user on (a report with nothing to report, a form reached by GET).
REDIRECTION_LISTE = {**LISTE, "consultation": 302, "modification": 302, "gp": 302, "autre": 302}
REDIRECTION_ECRITURE = {**ECRITURE, "modification": 302, "gp": 302}
POST_SEULEMENT = connectes(405)
assert set(LISTE) == set(PERSONAS)


def lignes(monde):
    recue = facture_avec_documents(
        fournisseur=StructureFactory(), destinataire=monde.entite, service_destinataire=None
    )
    piece = recue.pieces_jointes.get()
    a_valider = FactureFactory(
        a_valider=True,
        valideur_1=monde.entite,
        fournisseur=StructureFactory(),
        destinataire=StructureFactory(publique=True),
    )
    piece_a_valider = PieceJointeFactureFactory(facture=a_valider)

    def url(nom, *args):
        return reverse(f"factures:{nom}", args=args)

    return {
        "factures:recues_synthese": (url("recues_synthese"), LISTE),
        "factures:recues_rechercher": (url("recues_rechercher"), LISTE),
        "factures:recues_export": (url("recues_export"), LISTE),
        "factures:recues_tableau_de_bord": (url("recues_tableau_de_bord"), LISTE),
        "factures:recues_archives": (url("recues_archives"), LISTE),
        "factures:recues_lot": (url("recues_lot"), POST_SEULEMENT),
        "factures:recues_lot_rapport": (url("recues_lot_rapport"), REDIRECTION_LISTE),
        "factures:recues_detail": (url("recues_detail", recue.pk), LECTURE),
        "factures:recues_traiter": (
            url("recues_traiter", recue.pk) + "?action=CONSTATER_SERVICE_FAIT",
            ECRITURE,
        ),
        "factures:recues_original": (url("recues_original", recue.pk), LECTURE),
        "factures:recues_rendu": (url("recues_rendu", recue.pk), LECTURE),
        "factures:recues_piece_jointe": (
            url("recues_piece_jointe", recue.pk, piece.pk),
            LECTURE,
        ),
        "factures:valider_synthese": (url("valider_synthese"), LISTE),
        "factures:valider_rechercher": (url("valider_rechercher"), LISTE),
        "factures:valider_export": (url("valider_export"), LISTE),
        "factures:valider_tableau_de_bord": (url("valider_tableau_de_bord"), LISTE),
        "factures:valider_archives": (url("valider_archives"), LISTE),
        "factures:valider_detail": (url("valider_detail", a_valider.pk), LECTURE),
        "factures:valider_decider": (url("valider_decider", a_valider.pk), REDIRECTION_ECRITURE),
        "factures:valider_original": (url("valider_original", a_valider.pk), REDIRECTION_LECTURE),
        "factures:valider_rendu": (url("valider_rendu", a_valider.pk), REDIRECTION_LECTURE),
        "factures:valider_piece_jointe": (
            url("valider_piece_jointe", a_valider.pk, piece_a_valider.pk),
            LECTURE,
        ),
        "factures:retours": (url("retours"), connectes(200)),
        "factures:retours_acquitter": (url("retours_acquitter"), POST_SEULEMENT),
        "factures:retours_fermer": (url("retours_fermer"), POST_SEULEMENT),
        "factures:retours_rejet_traiter": (url("retours_rejet_traiter", 1), POST_SEULEMENT),
    }


# The validator's invoice has no file yet: its downloads send back to its page.
REDIRECTION_LECTURE = {**LECTURE, "consultation": 302, "modification": 302, "gp": 302}
