"""Rows of the access matrix for Factures de travaux (under /factures-travaux/).

The matrix's public structure (`monde.entite`, made « avec MOA » here) plays each role in a
dossier of its own: titulaire of one, maîtrise d'œuvre of another, maîtrise d'ouvrage (and
service financier) of a third. Each role's lists open to users who may take the role
(`autre`, GP of a public structure « sans MOA », takes Fournisseur and MOE but not MOA); a
dossier or a piece only to its parties: strangers get 404 (a MOE never sees a dossier it is
not part of). Acting needs *modification*: 403 in consultation.
"""

from django.urls import reverse
from django.utils import timezone

from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from structures.enums import PresenceMoa
from tests.matrice.monde import PERSONAS
from tests.structures.factories import StructureFactory
from tests.structures.factories_gestion import document_pdf
from tests.travaux.factories import DossierFactory, PieceFactory

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
# Lists of a role `autre` cannot take (MOA: his structure is « sans MOA »).
LISTE_MOA = LECTURE
ECRITURE_LISTE = {**LISTE, "consultation": 403}
ECRITURE_LISTE_MOA = {**LECTURE, "consultation": 403}
# Role-free links (e-mails): a redirect to the role's page, 404 to strangers.
REDIRECTION = {**LECTURE, "consultation": 302, "modification": 302, "gp": 302}
assert set(LISTE) == set(PERSONAS)


def _pieces(monde):
    """For each role, a dossier of the entity with the pieces its pages need."""
    entite = monde.entite
    entite.presence_moa = PresenceMoa.AVEC_MOA
    entite.save(update_fields=["presence_moa"])
    autre_moa = StructureFactory(publique=True, presence_moa=PresenceMoa.AVEC_MOA)
    pieces = {}

    def piece(dossier, cadre, statut, **autres):
        valeurs = {"echeance_action": None, **autres}
        if statut == S.BROUILLON:
            valeurs.update(deposee_le=None, mise_a_disposition_le=None)
        return PieceFactory(dossier=dossier, cadre=cadre, statut=statut, **valeurs)

    # Fournisseur: the entity is titulaire.
    d = DossierFactory(titulaire=entite, moa=autre_moa)
    pieces["fournisseur"] = {
        "dossier": d,
        "brouillon": piece(d, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, S.BROUILLON),
        "erreur": piece(d, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, S.ERREUR_DE_MOE),
        "a_traiter": piece(
            d,
            C.A18_DECOMPTE_GENERAL_MOE,
            S.A_ASSOCIER_FOURNISSEUR,
            destinataire=entite,
            document_original=document_pdf("dg.pdf"),
            document_certificat=document_pdf("certificat.pdf"),
        ),
        "traitement": "refuser",
    }
    # Maîtrise d'œuvre: the entity is MOE.
    d = DossierFactory(moe=entite, moa=autre_moa)
    pieces["moe"] = {
        "dossier": d,
        "brouillon": piece(d, C.A15_ETAT_ACOMPTE_MOE, S.BROUILLON),
        "erreur": piece(d, C.A15_ETAT_ACOMPTE_MOE, S.ERREUR_DE_MOA),
        "a_traiter": piece(
            d,
            C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
            S.MISE_A_DISPOSITION_MOE,
            destinataire=entite,
            echeance_action=timezone.now() + timezone.timedelta(days=7),
            document_original=document_pdf("pdm.pdf"),
            document_certificat=document_pdf("certificat.pdf"),
        ),
        "traitement": "prendre-en-compte",
    }
    # Maîtrise d'ouvrage: the entity is MOA and pays its own pieces.
    d = DossierFactory(moa=entite)
    pieces["moa"] = {
        "dossier": d,
        "brouillon": piece(d, C.A19_ETAT_ACOMPTE_VALIDE_MOA, S.BROUILLON),
        "erreur": piece(d, C.A19_ETAT_ACOMPTE_VALIDE_MOA, S.A_RECYCLER, destinataire=entite),
        "a_traiter": piece(
            d,
            C.A15_ETAT_ACOMPTE_MOE,
            S.MISE_A_DISPOSITION_MOA,
            destinataire=entite,
            document_original=document_pdf("ea.pdf"),
            document_certificat=document_pdf("certificat.pdf"),
        ),
        "traitement": "prendre-en-compte",
    }
    return pieces


def lignes(monde):
    pieces = _pieces(monde)
    rangees = {
        "travaux:accueil": (reverse("travaux:accueil"), LISTE),
        "travaux:dossier_ouvrir": (
            reverse("travaux:dossier_ouvrir", args=[pieces["moe"]["dossier"].pk]),
            REDIRECTION,
        ),
        "travaux:piece_ouvrir": (
            reverse("travaux:piece_ouvrir", args=[pieces["moa"]["a_traiter"].pk]),
            REDIRECTION,
        ),
    }
    for role, p in pieces.items():
        moa = role == "moa"
        liste = LISTE_MOA if moa else LISTE
        depot = ECRITURE_LISTE_MOA if moa else ECRITURE_LISTE

        def url(page, *args, role=role):
            return reverse(f"travaux:{role}_{page}", args=args)

        cadre_depose = p["brouillon"].cadre.split("_")[0].lower()
        rangees.update(
            {
                f"travaux:{role}_synthese": (url("synthese"), liste),
                f"travaux:{role}_rechercher": (url("rechercher"), liste),
                f"travaux:{role}_export": (url("export"), liste),
                f"travaux:{role}_tableau_de_bord": (url("tableau_de_bord"), liste),
                f"travaux:{role}_archives": (url("archives"), liste),
                f"travaux:{role}_dossiers": (url("dossiers"), liste),
                f"travaux:{role}_dossier": (url("dossier", p["dossier"].pk), LECTURE),
                f"travaux:{role}_deposer": (url("deposer"), depot),
                f"travaux:{role}_deposer_piece": (
                    f"{url('deposer_piece', cadre_depose)}?dossier={p['dossier'].pk}",
                    ECRITURE,
                ),
                f"travaux:{role}_detail": (url("detail", p["a_traiter"].pk), LECTURE),
                f"travaux:{role}_modifier": (url("modifier", p["brouillon"].pk), ECRITURE),
                f"travaux:{role}_envoyer": (url("envoyer", p["brouillon"].pk), ECRITURE),
                # Polled by htmx; a plain request goes back to the piece's page.
                f"travaux:{role}_controles": (url("controles", p["a_traiter"].pk), REDIRECTION),
                f"travaux:{role}_supprimer": (url("supprimer", p["brouillon"].pk), ECRITURE),
                f"travaux:{role}_traiter": (
                    url("traiter", p["a_traiter"].pk, p["traitement"]),
                    ECRITURE,
                ),
                f"travaux:{role}_corriger": (url("corriger", p["erreur"].pk), ECRITURE),
                f"travaux:{role}_fichier": (url("fichier", p["a_traiter"].pk), LECTURE),
                f"travaux:{role}_certificat": (url("certificat", p["a_traiter"].pk), LECTURE),
            }
        )
    return rangees
