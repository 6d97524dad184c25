"""Core 1: the rules of who may do what, in the words of habilitations/acces.py."""

import pytest

from habilitations import acces
from habilitations.enums import Application, Niveau
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

RECUES = Application.FACTURES_RECUES
C, M = Niveau.CONSULTATION, Niveau.MODIFICATION


def nouvel_utilisateur():
    # A fresh object each time: rights are cached on the user object for one request.
    return UtilisateurFactory()


def test_sans_habilitation_aucun_droit_et_aucun_espace():
    user = nouvel_utilisateur()
    structure = StructureFactory(publique=True)
    assert not acces.can(user, RECUES, C, structure)
    assert acces.applications_de(user) == []
    assert list(acces.structures_for(user, RECUES, C)) == []


def test_le_gp_d_une_entite_publique_a_tout_en_modification():
    structure = StructureFactory(publique=True)
    gp = UtilisateurFactory(gestionnaire_de=structure)
    assert acces.can(gp, RECUES, M, structure)
    assert acces.est_gestionnaire(gp, structure)
    assert acces.applications_de(gp) == list(Application)


def test_une_structure_privee_n_ouvre_pas_les_factures_recues_a_son_gp():
    structure = StructureFactory()
    gp = UtilisateurFactory(gestionnaire_de=structure)
    assert acces.can(gp, Application.FACTURES_EMISES, M, structure)
    assert not acces.can(gp, RECUES, C, structure)


def test_la_modification_inclut_la_consultation_mais_pas_l_inverse():
    structure = StructureFactory(publique=True)
    lecteur = HabilitationFactory(structure=structure, application=RECUES, niveau=C).utilisateur
    assert acces.can(lecteur, RECUES, C, structure)
    assert not acces.can(lecteur, RECUES, M, structure)


def test_un_droit_de_service_ne_vaut_que_pour_ce_service():
    finances = ServiceFactory()
    structure = finances.structure
    ecoles = ServiceFactory(structure=structure)
    agent = HabilitationFactory(
        structure=structure, service=finances, application=RECUES, niveau=M
    ).utilisateur
    assert acces.can(agent, RECUES, M, structure, finances)
    assert not acces.can(agent, RECUES, C, structure, ecoles)
    # Nor on the whole structure...
    assert not acces.can(agent, RECUES, C, structure)
    # ...but the structure is among his, for lists filtered by service later.
    assert list(acces.structures_for(agent, RECUES, C)) == [structure]


def test_un_droit_sur_toute_la_structure_couvre_chaque_service():
    service = ServiceFactory()
    user = HabilitationFactory(structure=service.structure, application=RECUES).utilisateur
    assert acces.can(user, RECUES, M, service.structure, service)


def test_un_droit_sur_une_structure_ne_donne_rien_sur_une_autre():
    a, b = StructureFactory(publique=True), StructureFactory(publique=True)
    user = HabilitationFactory(structure=a, application=RECUES).utilisateur
    assert not acces.can(user, RECUES, C, b)
    gp_a = UtilisateurFactory(gestionnaire_de=a)
    assert not acces.est_gestionnaire(gp_a, b)


def test_une_structure_inactive_garde_la_consultation_mais_pas_la_modification():
    structure = StructureFactory(publique=True, inactive=True)
    user = HabilitationFactory(structure=structure, application=RECUES, niveau=M).utilisateur
    assert acces.can(user, RECUES, C, structure)
    assert not acces.can(user, RECUES, M, structure)
    gp = UtilisateurFactory(gestionnaire_de=structure)
    assert acces.can(gp, RECUES, C, structure)  # its invoices stay visible to its GP
    assert not acces.can(gp, RECUES, M, structure)
    assert not acces.est_gestionnaire(gp, structure)


def test_un_compte_desactive_n_a_plus_aucun_droit():
    structure = StructureFactory(publique=True)
    user = HabilitationFactory(structure=structure, application=RECUES).utilisateur
    user.is_active = False
    assert not acces.can(user, RECUES, C, structure)


def test_les_droits_sont_lus_une_fois_par_requete(django_assert_num_queries):
    structure = StructureFactory(publique=True)
    user = HabilitationFactory(structure=structure, application=RECUES).utilisateur
    with django_assert_num_queries(1):  # habilitations and managed structures together
        for _ in range(5):
            acces.can(user, RECUES, C, structure)
            acces.applications_de(user)


def test_un_espace_ferme_par_la_structure_ne_donne_plus_rien_meme_habilite():
    structure = StructureFactory(publique=True)
    agent = HabilitationFactory(structure=structure, application=RECUES, niveau=M).utilisateur
    gp = UtilisateurFactory(gestionnaire_de=structure)
    structure.applications_ouvertes = [Application.FACTURES_EMISES]
    structure.save()
    agent, gp = type(agent).objects.get(pk=agent.pk), type(gp).objects.get(pk=gp.pk)
    assert not acces.can(agent, RECUES, C, structure)
    assert acces.applications_de(gp) == [Application.FACTURES_EMISES]
    # Reopened, the habilitation is in force again.
    structure.applications_ouvertes = None
    structure.save()
    agent = type(agent).objects.get(pk=agent.pk)
    assert acces.can(agent, RECUES, M, structure)
