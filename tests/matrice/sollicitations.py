"""Rows of the access matrix for the sollicitations: the requester's pages, the desk, the
public contact form and follow-up, the help centre (see tests/matrice/__init__.py).

The world: `autre` (GP of a supplier-like structure) asks `entite` a question about one of his
invoices (structure-wide, no service), and keeps a draft; someone without an account asked
support, who answered with a file.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sollicitations import liens
from sollicitations.services import conversation
from tests.factures.factories import FactureFactory
from tests.matrice.monde import PERSONAS, connectes, partout
from tests.sollicitations import factories as f


def _seulement(persona, statut=200, sinon=404):
    return {p: 302 if p == "anonyme" else statut if p == persona else sinon for p in PERSONAS}


def _statuts(**par_persona):
    return {"anonyme": 302, **par_persona}


def lignes(monde):
    autre = monde.utilisateurs["autre"]
    facture = FactureFactory(
        fournisseur=monde.autre_structure, destinataire=monde.entite, mise_a_disposition=True
    )
    question = f.envoyee(
        autre, monde.autre_structure, sous_cat=f.question_entite(), facture=facture
    )
    piece = conversation.demandeur_ecrire(
        sollicitation=question,
        acteur=autre,
        texte="Le relevé",
        fichiers=[SimpleUploadedFile("releve.txt", b"Releve de compte")],
    ).pieces_jointes.get()
    brouillon = f.brouillon(autre, monde.autre_structure)
    agent = f.agent_support()
    publique = f.prise_en_charge(f.publique(), agent)
    conversation.demander_complement(
        sollicitation=publique,
        acting_user=agent,
        texte="Votre capture d'écran ?",
        fichiers=[SimpleUploadedFile("aide.txt", b"Mode d'emploi")],
    )
    piece_publique = publique.pieces_jointes.get()
    suivi = liens.chemin_suivi(publique)

    # The desk of the entity: its users read (consultation) or act (modification, GP).
    desk_entite = _statuts(consultation=200, modification=200, gp=200, autre=404, support=404)
    agir_entite = _statuts(consultation=403, modification=200, gp=200, autre=404, support=404)
    # Sollicitations émises: every attached user holds the space; a support agent does not.
    espace_emises = _statuts(consultation=200, modification=200, gp=200, autre=200, support=404)
    sollicitation = question.pk
    return {
        "sollicitations:emises": (reverse("sollicitations:emises"), espace_emises),
        "sollicitations:creer": (
            reverse("sollicitations:creer"),
            {**espace_emises, "consultation": 403},
        ),
        "sollicitations:detail": (
            reverse("sollicitations:detail", args=[sollicitation]),
            _seulement("autre"),
        ),
        "sollicitations:modifier": (
            reverse("sollicitations:modifier", args=[brouillon.pk]),
            _seulement("autre"),
        ),
        "sollicitations:envoyer": (
            reverse("sollicitations:envoyer", args=[brouillon.pk]),
            _seulement("autre"),
        ),
        "sollicitations:supprimer": (
            reverse("sollicitations:supprimer", args=[brouillon.pk]),
            _seulement("autre"),
        ),
        "sollicitations:ecrire": (
            reverse("sollicitations:ecrire", args=[sollicitation]),
            connectes(405),
        ),
        "sollicitations:renvoyer": (
            reverse("sollicitations:renvoyer", args=[sollicitation]),
            _seulement("autre"),
        ),
        "sollicitations:cloturer": (
            reverse("sollicitations:cloturer", args=[sollicitation]),
            connectes(405),
        ),
        # The requester and the entity's desk download; nobody else.
        "sollicitations:piece": (
            reverse("sollicitations:piece", args=[sollicitation, piece.pk]),
            _statuts(consultation=200, modification=200, gp=200, autre=200, support=404),
        ),
        "sollicitations:desk": (
            reverse("sollicitations:desk"),
            connectes(200),
        ),
        "sollicitations:desk_csv": (
            reverse("sollicitations:desk_csv"),
            connectes(200),
        ),
        "sollicitations:desk_detail": (
            reverse("sollicitations:desk_detail", args=[sollicitation]),
            desk_entite,
        ),
        "sollicitations:desk_prendre": (
            reverse("sollicitations:desk_prendre", args=[sollicitation]),
            connectes(405),
        ),
        "sollicitations:desk_assigner": (
            reverse("sollicitations:desk_assigner", args=[sollicitation]),
            connectes(405),
        ),
        "sollicitations:desk_message": (
            reverse("sollicitations:desk_message", args=[sollicitation]),
            connectes(405),
        ),
        "sollicitations:desk_transferer": (
            reverse("sollicitations:desk_transferer", args=[sollicitation]),
            agir_entite,
        ),
        "sollicitations:desk_cloturer": (
            reverse("sollicitations:desk_cloturer", args=[sollicitation]),
            agir_entite,
        ),
        "sollicitations:contact": (reverse("sollicitations:contact"), partout(200)),
        "sollicitations:sous_categories": (
            reverse("sollicitations:sous_categories"),
            partout(200),
        ),
        # Whoever holds the link (it was e-mailed to the requester) reads the request.
        "sollicitations:suivi": (suivi, partout(200)),
        "sollicitations:suivi_ecrire": (suivi + "ecrire/", partout(405)),
        "sollicitations:suivi_renvoyer": (suivi + "renvoyer/", partout(405)),
        "sollicitations:suivi_cloturer": (suivi + "cloturer/", partout(405)),
        "sollicitations:suivi_piece": (
            reverse("sollicitations:suivi_piece", args=[liens.jeton(publique), piece_publique.pk]),
            partout(200),
        ),
        "sollicitations:aide": (reverse("sollicitations:aide"), partout(200)),
        "sollicitations:suggestions": (
            reverse("sollicitations:suggestions") + "?objet=facture",
            partout(200),
        ),
        "sollicitations:article": (
            reverse("sollicitations:article", args=["creer-un-compte"]),
            partout(200),
        ),
    }
