"""The routing rule of works pieces: every cadre × every Présence MOA, written out by hand
(domain §4 table and §6.2). A change of the rule must change this table on purpose."""

import pytest

from factures.enums import CADRES_TRAVAUX, Cadre
from structures.enums import PresenceMoa
from travaux.routage import DEPOSANT, repond_a, reponses_possibles, route

C = Cadre
SANS, AVEC, EXCL = PresenceMoa.SANS_MOA, PresenceMoa.AVEC_MOA, PresenceMoa.EXCLUSIVEMENT_MOA
MOE, MOA, FOURN, SF, VALID = "MOE", "MOA", "FOURNISSEUR", "SERVICE_FINANCIER", "VALIDEUR"
IMPOSSIBLE = ()

# cadre: (route sans MOA, route avec MOA, route exclusivement MOA)
ATTENDU = {
    C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR: ((MOE,), (MOE,), (MOE,)),
    C.A5_ETAT_ACOMPTE_FOURNISSEUR: ((SF,), (MOA,), (MOA,)),
    C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR: ((SF,), (SF,), (SF,)),
    C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR: ((MOE,), (MOE,), (MOE,)),
    C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR: ((SF,), (SF,), (SF,)),
    C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT: ((VALID, MOE),) * 3,
    C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT: ((VALID, MOE),) * 3,
    C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT: ((VALID, MOE),) * 3,
    C.A14_PROJET_DECOMPTE_FINAL_COTRAITANT: ((VALID, MOE),) * 3,
    C.A15_ETAT_ACOMPTE_MOE: ((SF,), (MOA,), (MOA,)),
    C.A16_ETAT_ACOMPTE_VALIDE_MOE: ((SF,), (SF,), (SF,)),
    C.A17_PROJET_DECOMPTE_GENERAL_MOE: (IMPOSSIBLE, (MOA,), (MOA,)),
    C.A18_DECOMPTE_GENERAL_MOE: ((FOURN,), (FOURN,), (FOURN,)),
    C.A19_ETAT_ACOMPTE_VALIDE_MOA: (IMPOSSIBLE, (SF,), (SF,)),
    C.A20_DECOMPTE_GENERAL_MOA: (IMPOSSIBLE, (FOURN,), (FOURN,)),
    C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE: (IMPOSSIBLE, (MOA,), (MOA,)),
    C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR: ((SF,), (SF,), (SF,)),
    C.A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE: ((SF,), (SF,), (SF,)),
    C.A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE: (IMPOSSIBLE, (SF,), (SF,)),
}


def test_la_table_couvre_chaque_cadre_de_travaux():
    assert set(ATTENDU) == set(CADRES_TRAVAUX) == set(DEPOSANT)


@pytest.mark.parametrize(
    ("cadre", "presence", "attendu"),
    [
        (cadre, presence, routes[i])
        for cadre, routes in ATTENDU.items()
        for i, presence in enumerate((SANS, AVEC, EXCL))
    ],
    ids=lambda v: str(v).split("_")[0] if isinstance(v, str) else None,
)
def test_route_de_chaque_cadre_selon_la_presence_moa(cadre, presence, attendu):
    assert route(cadre, presence) == attendu


def test_qui_depose_quoi():
    par_role = {}
    for cadre, role in DEPOSANT.items():
        par_role.setdefault(role, set()).add(cadre.split("_")[0])
    assert par_role == {
        "FOURNISSEUR": {"A4", "A5", "A6", "A7", "A8", "A10", "A11", "A13", "A14", "A22", "A23"},
        "MOE": {"A15", "A16", "A17", "A18", "A24"},
        "MOA": {"A19", "A20", "A25"},
    }


@pytest.mark.parametrize(
    ("precedente", "presence", "reponses"),
    [
        (C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, AVEC, ["A15"]),
        (C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, EXCL, ["A15"]),
        (C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, SANS, ["A16"]),
        (C.A15_ETAT_ACOMPTE_MOE, AVEC, ["A19"]),
        (C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR, AVEC, ["A17", "A18", "A24"]),
        (C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR, SANS, ["A18", "A24"]),
        (C.A17_PROJET_DECOMPTE_GENERAL_MOE, EXCL, ["A20", "A25"]),
        (C.A20_DECOMPTE_GENERAL_MOA, AVEC, ["A8"]),
        (C.A18_DECOMPTE_GENERAL_MOE, SANS, ["A8"]),
        (C.A19_ETAT_ACOMPTE_VALIDE_MOA, AVEC, []),
    ],
)
def test_quelles_pieces_repondent_a_quelles_autres(precedente, presence, reponses):
    assert [c.split("_")[0] for c in reponses_possibles(precedente, presence)] == reponses


def test_une_reponse_ne_repond_qu_a_ce_que_la_table_dit():
    assert repond_a(C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR) == [
        C.A18_DECOMPTE_GENERAL_MOE,
        C.A20_DECOMPTE_GENERAL_MOA,
    ]
    assert repond_a(C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR) == []
