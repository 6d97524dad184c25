"""The foundation's pages: home, health, language, sign-in and password pages."""

from django.urls import reverse

from tests.matrice.monde import PERSONAS, connectes, partout


def lignes(monde):
    return {
        "accueil": (reverse("accueil"), partout(200)),
        "sante": (reverse("sante"), partout(200)),
        "changer_langue": (reverse("changer_langue"), partout(405)),
        "habilitations:connexion": (
            reverse("habilitations:connexion"),
            {p: 200 if p == "anonyme" else 302 for p in PERSONAS},
        ),
        "habilitations:deconnexion": (reverse("habilitations:deconnexion"), connectes(405)),
        "habilitations:mot_de_passe_oublie": (
            reverse("habilitations:mot_de_passe_oublie"),
            partout(200),
        ),
        "habilitations:mot_de_passe_oublie_envoye": (
            reverse("habilitations:mot_de_passe_oublie_envoye"),
            partout(200),
        ),
        "habilitations:mot_de_passe_nouveau": (
            reverse("habilitations:mot_de_passe_nouveau", args=["MQ", "jeton-invalide"]),
            partout(200),
        ),
        "habilitations:mot_de_passe_changer": (
            reverse("habilitations:mot_de_passe_changer"),
            connectes(200),
        ),
        "habilitations:mon_compte": (reverse("habilitations:mon_compte"), connectes(200)),
    }
