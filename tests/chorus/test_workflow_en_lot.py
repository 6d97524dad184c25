"""The engine's batch path (`Circuit.appliquer_en_lot`): a system action and the system's
steps that follow it, for many objects at once, with the same rules as one by one.

Exercised on attachment requests with a circuit of system transitions made for the test:
EN_ATTENTE -ACTIVER-> ACTIF -CLORE-> DETACHE, and a way back (ROUVRIR) to make a loop.
Each test runs twice: with the set-based INSERT of history rows (PostgreSQL) and with the
`bulk_create` the engine falls back to elsewhere."""

import pytest

from chorus import workflow
from chorus.workflow import ROLE_SYSTEME, Circuit, HistoriqueImmuable, transition
from habilitations.circuits import roles_sur_rattachement
from habilitations.enums import StatutRattachement as S
from habilitations.models import Rattachement, RattachementHistorique
from tests.habilitations.factories import RattachementFactory

pytestmark = pytest.mark.django_db

ACTIVER, CLORE, ROUVRIR, ANNULER = "ACTIVER", "CLORE", "ROUVRIR", "ANNULER"


def circuit(*, effets=()):
    return Circuit(
        nom="rattachement automatique",
        historique=RattachementHistorique,
        roles_de=roles_sur_rattachement,
        effets=effets,
        transitions=[
            transition(S.EN_ATTENTE, ACTIVER, S.ACTIF, ROLE_SYSTEME),
            transition(S.ACTIF, CLORE, S.DETACHE, ROLE_SYSTEME),
            transition(S.ACTIF, ROUVRIR, S.EN_ATTENTE, ROLE_SYSTEME),
            # Not for the system alone: a motif is required.
            transition(S.ACTIF, ANNULER, S.ANNULE, ROLE_SYSTEME, motif_obligatoire=True),
        ],
    )


def clore_apres_activation(demande):
    if demande.statut == S.ACTIF:
        return CLORE, {"commentaire": "Clos par le système"}
    return None


@pytest.fixture(params=[pytest.param("ensembliste", marks=pytest.mark.postgres), "bulk_create"])
def ecriture(request, monkeypatch):
    if request.param == "bulk_create":
        monkeypatch.setattr(workflow, "_historique_simple", lambda historique: False)
    else:
        assert workflow._historique_simple(RattachementHistorique)
    return request.param


def historique(demande):
    return list(
        RattachementHistorique.objects.filter(objet=demande)
        .order_by("pk")
        .values_list("action", "statut_avant", "statut_apres", "acteur", "role")
    )


def test_une_action_et_sa_suite_sont_appliquees_et_historisees_dans_l_ordre(ecriture):
    en_attente = RattachementFactory.create_batch(3)
    deja_refusee = RattachementFactory(statut=S.REFUSE)

    lignes = circuit().appliquer_en_lot(
        # Instances or primary keys, in any order.
        [en_attente[2], en_attente[0].pk, en_attente[1], deja_refusee],
        action=ACTIVER,
        modifications={"commentaire": "Activé"},
        suite=clore_apres_activation,
        champs=["commentaire"],
    )

    assert len(lignes) == 6
    for demande in en_attente:
        demande.refresh_from_db()
        assert demande.statut == S.DETACHE
        assert demande.commentaire == "Clos par le système"  # the last step's fields win
        assert historique(demande) == [
            (ACTIVER, S.EN_ATTENTE, S.ACTIF, None, ROLE_SYSTEME),
            (CLORE, S.ACTIF, S.DETACHE, None, ROLE_SYSTEME),
        ]
    # A status the action does not start from: left as it was, nothing written.
    deja_refusee.refresh_from_db()
    assert deja_refusee.statut == S.REFUSE
    assert historique(deja_refusee) == []
    # The rows returned are the rows written, as immutable as any other.
    assert {ligne.pk for ligne in lignes} == set(
        RattachementHistorique.objects.values_list("pk", flat=True)
    )
    with pytest.raises(HistoriqueImmuable):
        lignes[0].save()


def test_appliquee_deux_fois_l_action_ne_change_rien_la_seconde(ecriture):
    demandes = RattachementFactory.create_batch(2)
    premiere = circuit().appliquer_en_lot(demandes, action=ACTIVER, suite=clore_apres_activation)
    seconde = circuit().appliquer_en_lot(demandes, action=ACTIVER, suite=clore_apres_activation)

    assert len(premiere) == 4
    assert seconde == []
    assert RattachementHistorique.objects.count() == 4


def test_sans_action_la_premiere_etape_vient_de_la_suite(ecriture):
    actif, en_attente = RattachementFactory(statut=S.ACTIF), RattachementFactory()

    lignes = circuit().appliquer_en_lot(
        [actif, en_attente], action=None, suite=clore_apres_activation
    )

    assert [(ligne.objet_id, ligne.action) for ligne in lignes] == [(actif.pk, CLORE)]
    assert Rattachement.objects.get(pk=actif.pk).statut == S.DETACHE
    assert Rattachement.objects.get(pk=en_attente.pk).statut == S.EN_ATTENTE


def test_une_etape_que_la_table_refuse_au_systeme_arrete_la_chaine_la(ecriture):
    demande = RattachementFactory()

    circuit().appliquer_en_lot(
        [demande], action=ACTIVER, suite=lambda d: (ANNULER, {}) if d.statut == S.ACTIF else None
    )

    demande.refresh_from_db()
    assert demande.statut == S.ACTIF  # ANNULER needs a motif: the system cannot apply it
    assert [ligne[0] for ligne in historique(demande)] == [ACTIVER]


def test_une_suite_qui_boucle_est_une_erreur_et_rien_n_est_ecrit(ecriture):
    demande = RattachementFactory()

    def sans_fin(d):
        return (ROUVRIR, {}) if d.statut == S.ACTIF else (ACTIVER, {})

    with pytest.raises(RuntimeError, match="loop"):
        circuit().appliquer_en_lot([demande], action=ACTIVER, suite=sans_fin)

    assert Rattachement.objects.get(pk=demande.pk).statut == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()


def test_les_effets_tournent_au_commit_avec_les_etapes_de_chaque_objet_dans_l_ordre(
    ecriture, django_capture_on_commit_callbacks
):
    vus_en_lot, vus_un_par_un = [], []

    def groupe(paires):
        vus_en_lot.append([(objet.pk, ligne.action, objet.statut) for objet, ligne in paires])

    def effet_en_lot(objet, ligne):  # pragma: no cover - the engine calls `en_lot` instead
        raise AssertionError("called one by one")

    effet_en_lot.en_lot = groupe

    def effet(objet, ligne):
        vus_un_par_un.append((objet.pk, ligne.action))

    demandes = RattachementFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        circuit(effets=[effet_en_lot, effet]).appliquer_en_lot(
            demandes, action=ACTIVER, suite=clore_apres_activation
        )
        assert vus_en_lot == vus_un_par_un == []  # not before commit

    [paires] = vus_en_lot
    for demande in demandes:
        etapes = [(action, statut) for pk, action, statut in paires if pk == demande.pk]
        # Each object's steps in their order; the object as it ends.
        assert etapes == [(ACTIVER, S.DETACHE), (CLORE, S.DETACHE)]
    assert sorted(vus_un_par_un) == sorted(
        (d.pk, action) for d in demandes for action in (ACTIVER, CLORE)
    )


def test_une_action_ou_une_suite_est_necessaire():
    with pytest.raises(ValueError):
        circuit().appliquer_en_lot([RattachementFactory()], action=None)
