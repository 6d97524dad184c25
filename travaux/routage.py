"""Who deposits each works piece, who receives it, and which piece may answer which.

The routing rule is `route(cadre, presence_moa)`: one function over one table. Présence MOA
is the parameter of the public structure named as maîtrise d'ouvrage of the dossier
(domain §2):
- *sans MOA*: nobody acts as MOA on the portal; that structure is the service financier, and
  what would go to the MOA goes to it (an état d'acompte) or cannot be deposited (a projet de
  décompte général, a piece the MOA deposits);
- *avec MOA*: its users act as MOA in Factures de travaux, and its service financier receives
  the payable pieces in Factures reçues;
- *exclusivement MOA*: it acts as MOA only; the payable pieces go to the service financier of
  another structure, named in the dossier.
"""

from __future__ import annotations

from factures.enums import CADRES_AVEC_VALIDEUR, Cadre
from structures.enums import PresenceMoa
from travaux.enums import Destination, RoleTravaux

C = Cadre
D = Destination
P = PresenceMoa
R = RoleTravaux

# Who deposits each cadre (domain §4).
DEPOSANT: dict[str, RoleTravaux] = {
    C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR: R.FOURNISSEUR,
    C.A5_ETAT_ACOMPTE_FOURNISSEUR: R.FOURNISSEUR,
    C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR: R.FOURNISSEUR,
    C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR: R.FOURNISSEUR,
    C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR: R.FOURNISSEUR,
    C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT: R.FOURNISSEUR,
    C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT: R.FOURNISSEUR,
    C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT: R.FOURNISSEUR,
    C.A14_PROJET_DECOMPTE_FINAL_COTRAITANT: R.FOURNISSEUR,
    C.A15_ETAT_ACOMPTE_MOE: R.MOE,
    C.A16_ETAT_ACOMPTE_VALIDE_MOE: R.MOE,
    C.A17_PROJET_DECOMPTE_GENERAL_MOE: R.MOE,
    C.A18_DECOMPTE_GENERAL_MOE: R.MOE,
    C.A19_ETAT_ACOMPTE_VALIDE_MOA: R.MOA,
    C.A20_DECOMPTE_GENERAL_MOA: R.MOA,
    C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE: R.FOURNISSEUR,
    C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR: R.FOURNISSEUR,
    C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE: R.MOE,
    C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE: R.MOA,
}

# Pieces of sub- and co-contractors: the titulaire (or mandataire) validates them first.
CADRES_SOUS_TRAITANCE = [c for c in DEPOSANT if c in CADRES_AVEC_VALIDEUR]
# Pieces the titulaire deposits for the contract itself.
CADRES_TITULAIRE = [
    c for c, r in DEPOSANT.items() if r == R.FOURNISSEUR and c not in CADRES_SOUS_TRAITANCE
]


# A sub-contractor's pieces (a cotraitant's sub-contractor names his cotraitant: two validators).
CADRES_SOUS_TRAITANT = [c for c in CADRES_SOUS_TRAITANCE if c.startswith(("A10_", "A11_"))]


def cadres_deposes_par(role: str) -> list[str]:
    return [c for c, r in DEPOSANT.items() if r == role]


def _partout(*etapes):
    return dict.fromkeys(P, tuple(etapes))


def _avec_moa(*etapes, sans_moa=()):
    """`etapes` when an MOA acts on the portal; `sans_moa` otherwise."""
    return {
        P.SANS_MOA: tuple(sans_moa),
        P.AVEC_MOA: tuple(etapes),
        P.EXCLUSIVEMENT_MOA: tuple(etapes),
    }


_ROUTES: dict[str, dict[str, tuple[Destination, ...]]] = {
    # Monthly: projet → MOE; état d'acompte → MOA (without MOA: the service financier);
    # états d'acompte validés → service financier.
    C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR: _partout(D.MOE),
    C.A5_ETAT_ACOMPTE_FOURNISSEUR: _avec_moa(D.MOA, sans_moa=[D.SERVICE_FINANCIER]),
    C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR: _partout(D.SERVICE_FINANCIER),
    C.A15_ETAT_ACOMPTE_MOE: _avec_moa(D.MOA, sans_moa=[D.SERVICE_FINANCIER]),
    C.A16_ETAT_ACOMPTE_VALIDE_MOE: _partout(D.SERVICE_FINANCIER),
    C.A19_ETAT_ACOMPTE_VALIDE_MOA: _avec_moa(D.SERVICE_FINANCIER),
    # End of contract: projet de décompte final → MOE; projet de décompte général → MOA;
    # décompte général → the supplier, who signs it (A8) for the service financier.
    C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR: _partout(D.MOE),
    C.A17_PROJET_DECOMPTE_GENERAL_MOE: _avec_moa(D.MOA),
    C.A18_DECOMPTE_GENERAL_MOE: _partout(D.FOURNISSEUR),
    C.A20_DECOMPTE_GENERAL_MOA: _avec_moa(D.FOURNISSEUR),
    C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR: _partout(D.SERVICE_FINANCIER),
    # Tacit procedure.
    C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE: _avec_moa(D.MOA),
    C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR: _partout(D.SERVICE_FINANCIER),
    C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE: _partout(D.SERVICE_FINANCIER),
    C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE: _avec_moa(D.SERVICE_FINANCIER),
    # Sub- and co-contractors: validated by the titulaire / mandataire, then to the MOE for
    # traceability (never paid by themselves).
    C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT: _partout(D.VALIDEUR, D.MOE),
    C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT: _partout(D.VALIDEUR, D.MOE),
    C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT: _partout(D.VALIDEUR, D.MOE),
    C.A14_PROJET_DECOMPTE_FINAL_COTRAITANT: _partout(D.VALIDEUR, D.MOE),
}


def route(cadre: str, presence_moa: str) -> tuple[Destination, ...]:
    """Who receives a piece of `cadre`, in order, when the dossier's MOA structure has
    `presence_moa`. An empty route: such a piece cannot be deposited for that structure."""
    return _ROUTES[cadre][presence_moa]


def destination_finale(cadre: str, presence_moa: str) -> Destination | None:
    etapes = route(cadre, presence_moa)
    return etapes[-1] if etapes else None


# Which piece may answer which (pièce précédente), and when an MOA must be on the portal.
# {answered cadre: [(answering cadre, Présence MOA values where this answer is offered)]}
_TOUTES = frozenset(P)
_AVEC_MOA = frozenset({P.AVEC_MOA, P.EXCLUSIVEMENT_MOA})
REPONSES: dict[str, list[tuple[str, frozenset[str]]]] = {
    C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR: [
        (C.A15_ETAT_ACOMPTE_MOE, _AVEC_MOA),
        (C.A16_ETAT_ACOMPTE_VALIDE_MOE, frozenset({P.SANS_MOA})),
    ],
    C.A5_ETAT_ACOMPTE_FOURNISSEUR: [(C.A19_ETAT_ACOMPTE_VALIDE_MOA, _AVEC_MOA)],
    C.A15_ETAT_ACOMPTE_MOE: [(C.A19_ETAT_ACOMPTE_VALIDE_MOA, _AVEC_MOA)],
    C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR: [
        (C.A17_PROJET_DECOMPTE_GENERAL_MOE, _AVEC_MOA),
        (C.A18_DECOMPTE_GENERAL_MOE, _TOUTES),
        (C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE, _TOUTES),
    ],
    C.A17_PROJET_DECOMPTE_GENERAL_MOE: [
        (C.A20_DECOMPTE_GENERAL_MOA, _AVEC_MOA),
        (C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE, _AVEC_MOA),
    ],
    C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE: [
        (C.A20_DECOMPTE_GENERAL_MOA, _AVEC_MOA),
        (C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE, _AVEC_MOA),
    ],
    C.A18_DECOMPTE_GENERAL_MOE: [(C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR, _TOUTES)],
    C.A20_DECOMPTE_GENERAL_MOA: [(C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR, _TOUTES)],
}
# The signed décompte général always answers the décompte général it signs.
PRECEDENTE_OBLIGATOIRE = frozenset({C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR})


def reponses_possibles(cadre: str, presence_moa: str) -> list[str]:
    """The cadres that may answer a piece of `cadre` for such an MOA structure."""
    return [c for c, presences in REPONSES.get(cadre, []) if presence_moa in presences]


def peut_repondre(reponse: str, precedente: str, presence_moa: str) -> bool:
    return reponse in reponses_possibles(precedente, presence_moa)


def repond_a(cadre: str) -> list[str]:
    """The cadres a piece of `cadre` may answer."""
    return [p for p, reponses in REPONSES.items() if any(c == cadre for c, _ in reponses)]
