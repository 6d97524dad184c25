"""The status-transition engine (core 2), exercised through its first real client: the
attachment-request circuit, where a gestionnaire principal approves or refuses a request."""

import threading

import pytest
from django.db import connection, transaction

from chorus.workflow import (
    ROLE_SYSTEME,
    ActeurNonAutorise,
    ActionImpossible,
    Circuit,
    HistoriqueImmuable,
    MotifObligatoire,
    transition,
)
from habilitations import services
from habilitations.circuits import RATTACHEMENT, roles_sur_rattachement
from habilitations.enums import APPLICATIONS_PAR_DEFAUT
from habilitations.enums import ActionRattachement as A
from habilitations.enums import RoleRattachement as R
from habilitations.enums import StatutRattachement as S
from habilitations.models import Habilitation, Rattachement, RattachementHistorique, Utilisateur
from tests.habilitations.factories import RattachementFactory, UtilisateurFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    return StructureFactory()


@pytest.fixture
def gp(structure):
    return UtilisateurFactory(gestionnaire_de=structure)


@pytest.fixture
def demande(structure):
    return RattachementFactory(structure=structure)


def statut_en_base(demande):
    return Rattachement.objects.values_list("statut", flat=True).get(pk=demande.pk)


def test_une_action_permise_change_le_statut_et_ecrit_une_ligne_d_historique(gp, demande):
    ligne = RATTACHEMENT.appliquer(demande, action=A.REFUSER, acteur=gp, motif="  Inconnu.  ")

    assert statut_en_base(demande) == S.REFUSE
    assert demande.statut == S.REFUSE  # the caller's instance reflects what was written
    [historique] = RattachementHistorique.objects.filter(objet=demande)
    assert historique.pk == ligne.pk
    assert historique.acteur == gp
    assert historique.role == R.GESTIONNAIRE
    assert historique.action == A.REFUSER
    assert historique.motif == "Inconnu."
    assert historique.statut_avant == S.EN_ATTENTE
    assert historique.statut_apres == S.REFUSE
    assert historique.date is not None


def test_une_action_absente_du_statut_courant_est_impossible_et_ne_change_rien(gp, demande):
    # DETACHER only exists from ACTIF; the request is still waiting.
    with pytest.raises(ActionImpossible) as erreur:
        RATTACHEMENT.appliquer(demande, action=A.DETACHER, acteur=gp)

    assert "Action impossible" in str(erreur.value)
    assert "En attente d'approbation" in str(erreur.value)  # the French label of the status
    assert statut_en_base(demande) == S.EN_ATTENTE
    assert demande.statut == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()


def test_une_action_deja_effectuee_est_impossible_une_seconde_fois(gp, demande):
    services.rattachement_approuver(rattachement=demande, acting_user=gp)

    # A second click on an out-of-date page: the engine re-reads the status.
    perime = Rattachement.objects.get(pk=demande.pk)
    perime.statut = S.EN_ATTENTE
    with pytest.raises(ActionImpossible, match="déjà été effectuée"):
        RATTACHEMENT.appliquer(perime, action=A.APPROUVER, acteur=gp)

    assert RattachementHistorique.objects.filter(objet=demande).count() == 1


def test_un_inconnu_ne_peut_pas_approuver_une_demande_et_rien_ne_change(demande):
    inconnu = UtilisateurFactory()

    with pytest.raises(ActeurNonAutorise, match="pas habilité"):
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=inconnu)

    assert statut_en_base(demande) == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()
    assert not Habilitation.objects.filter(utilisateur=demande.utilisateur).exists()


def test_le_demandeur_ne_peut_pas_approuver_sa_propre_demande(demande):
    with pytest.raises(ActeurNonAutorise):
        services.rattachement_approuver(rattachement=demande, acting_user=demande.utilisateur)

    assert statut_en_base(demande) == S.EN_ATTENTE
    assert not Habilitation.objects.filter(utilisateur=demande.utilisateur).exists()


def test_le_gestionnaire_d_une_autre_structure_ne_peut_pas_approuver(demande):
    autre_gp = UtilisateurFactory(gestionnaire_de=StructureFactory())

    with pytest.raises(ActeurNonAutorise):
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=autre_gp)

    assert statut_en_base(demande) == S.EN_ATTENTE


@pytest.mark.parametrize("motif", ["", "   \n\t "])
def test_un_refus_sans_motif_est_refuse_et_ne_change_rien(gp, demande, motif):
    with pytest.raises(MotifObligatoire, match="motif est obligatoire"):
        services.rattachement_refuser(rattachement=demande, acting_user=gp, motif=motif)

    assert statut_en_base(demande) == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()


def test_les_actions_possibles_sont_celles_du_role_depuis_le_statut_courant(gp, demande):
    demandeur = demande.utilisateur
    inconnu = UtilisateurFactory()

    assert {t.action for t in RATTACHEMENT.actions_possibles(demande, demandeur)} == {A.ANNULER}
    assert {t.action for t in RATTACHEMENT.actions_possibles(demande, gp)} == {
        A.APPROUVER,
        A.REFUSER,
    }
    assert RATTACHEMENT.actions_possibles(demande, inconnu) == []

    # Once active, both may detach; nobody may approve again.
    services.rattachement_approuver(rattachement=demande, acting_user=gp)
    assert {t.action for t in RATTACHEMENT.actions_possibles(demande, gp)} == {A.DETACHER}
    assert {t.action for t in RATTACHEMENT.actions_possibles(demande, demandeur)} == {A.DETACHER}


def test_l_historique_ne_peut_etre_ni_modifie_ni_supprime(gp, demande):
    ligne = RATTACHEMENT.appliquer(demande, action=A.REFUSER, acteur=gp, motif="Inconnu")
    lignes = RattachementHistorique.objects.filter(pk=ligne.pk)

    ligne.motif = "Réécrit après coup"
    with pytest.raises(HistoriqueImmuable):
        ligne.save()
    with pytest.raises(HistoriqueImmuable):
        ligne.delete()
    with pytest.raises(HistoriqueImmuable):
        lignes.update(motif="Réécrit après coup")
    with pytest.raises(HistoriqueImmuable):
        lignes.delete()
    with pytest.raises(HistoriqueImmuable):
        RattachementHistorique.objects.all().delete()

    assert RattachementHistorique.objects.get(pk=ligne.pk).motif == "Inconnu"


def test_les_effets_sont_programmes_au_commit_et_pas_avant(
    gp, demande, django_capture_on_commit_callbacks
):
    vus = []

    def effet(objet, ligne):
        vus.append((objet.pk, objet.statut, ligne.action))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=gp, effets=[effet])
        # Not run yet: the transaction is still open.
        assert vus == []

    # It was scheduled on commit, and ran once the transaction committed.
    assert len(callbacks) == 1
    assert vus == [(demande.pk, S.ACTIF, A.APPROUVER)]


def test_les_effets_du_circuit_ne_tournent_jamais_si_la_transaction_echoue(
    gp, demande, django_capture_on_commit_callbacks
):
    vus = []
    circuit = Circuit(
        nom="rattachement avec effet",
        historique=RattachementHistorique,
        roles_de=roles_sur_rattachement,
        transitions=RATTACHEMENT.transitions,
        effets=[lambda objet, ligne: vus.append(objet.pk)],
    )

    class Panne(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Panne),
        transaction.atomic(),
    ):
        circuit.appliquer(demande, action=A.APPROUVER, acteur=gp)
        raise Panne

    assert callbacks == []
    assert vus == []
    assert statut_en_base(demande) == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()


# A tiny circuit with a timeout transition that only the system may apply.
EXPIRER = "EXPIRER"
CIRCUIT_AVEC_DELAI = Circuit(
    nom="rattachement avec délai",
    historique=RattachementHistorique,
    roles_de=roles_sur_rattachement,
    transitions=[
        transition(S.EN_ATTENTE, A.APPROUVER, S.ACTIF, R.GESTIONNAIRE),
        transition(S.EN_ATTENTE, EXPIRER, S.REFUSE, ROLE_SYSTEME),
    ],
)


def test_le_systeme_applique_un_delai_expire_une_seule_fois(demande):
    ligne = CIRCUIT_AVEC_DELAI.appliquer(demande, action=EXPIRER, acteur=None)

    assert statut_en_base(demande) == S.REFUSE
    assert ligne.acteur is None
    assert ligne.role == ROLE_SYSTEME

    # The beat task fires again (or twice at once): the status is re-checked under lock.
    with pytest.raises(ActionImpossible):
        CIRCUIT_AVEC_DELAI.appliquer(
            Rattachement.objects.get(pk=demande.pk), action=EXPIRER, acteur=None
        )

    assert statut_en_base(demande) == S.REFUSE
    assert RattachementHistorique.objects.filter(objet=demande).count() == 1


def test_le_systeme_ne_peut_pas_agir_a_la_place_d_un_utilisateur(demande):
    with pytest.raises(ActeurNonAutorise):
        CIRCUIT_AVEC_DELAI.appliquer(demande, action=A.APPROUVER, acteur=None)
    with pytest.raises(ActeurNonAutorise):
        RATTACHEMENT.appliquer(demande, action=A.APPROUVER, acteur=None)

    assert statut_en_base(demande) == S.EN_ATTENTE
    assert not RattachementHistorique.objects.exists()


def test_un_utilisateur_ne_peut_pas_appliquer_une_transition_du_systeme(gp, demande):
    with pytest.raises(ActeurNonAutorise):
        CIRCUIT_AVEC_DELAI.appliquer(demande, action=EXPIRER, acteur=gp)

    assert statut_en_base(demande) == S.EN_ATTENTE
    assert [t.action for t in CIRCUIT_AVEC_DELAI.actions_possibles(demande, gp)] == [A.APPROUVER]
    assert [t.action for t in CIRCUIT_AVEC_DELAI.actions_possibles(demande, None)] == [EXPIRER]


def test_deux_transitions_pour_le_meme_statut_et_la_meme_action_sont_refusees():
    with pytest.raises(ValueError, match="two transitions"):
        Circuit(
            nom="ambigu",
            historique=RattachementHistorique,
            roles_de=roles_sur_rattachement,
            transitions=[
                transition([S.EN_ATTENTE, S.ACTIF], A.REFUSER, S.REFUSE, R.GESTIONNAIRE),
                transition(S.ACTIF, A.REFUSER, S.DETACHE, R.GESTIONNAIRE),
            ],
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_gestionnaires_qui_approuvent_en_meme_temps_n_approuvent_qu_une_fois(
    structure, gp, demande
):
    autre_gestionnaire = UtilisateurFactory()
    Habilitation.objects.create(
        utilisateur=autre_gestionnaire,
        structure=structure,
        application="ORGANISATION",
        niveau="MODIFICATION",
    )
    depart = threading.Barrier(2, timeout=30)
    resultats = []

    def approuver(acteur_pk):
        try:
            # Each thread has its own connection and its own copies, read before the race.
            rattachement = Rattachement.objects.get(pk=demande.pk)
            acteur = Utilisateur.objects.get(pk=acteur_pk)
            assert rattachement.statut == S.EN_ATTENTE
            depart.wait()
            try:
                services.rattachement_approuver(rattachement=rattachement, acting_user=acteur)
                resultats.append("approuvé")
            except ActionImpossible as erreur:
                resultats.append(erreur)
        except Exception as erreur:  # surfaced by the assertions below
            resultats.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=approuver, args=(pk,)) for pk in (gp.pk, autre_gestionnaire.pk)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils)

    assert sorted(map(type, resultats), key=lambda t: t.__name__) == [ActionImpossible, str]
    assert statut_en_base(demande) == S.ACTIF
    assert RattachementHistorique.objects.filter(objet=demande).count() == 1
    accordees = Habilitation.objects.filter(utilisateur=demande.utilisateur, structure=structure)
    assert sorted(accordees.values_list("application", flat=True)) == sorted(
        APPLICATIONS_PAR_DEFAUT
    )
