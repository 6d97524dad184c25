import io

import pytest
from django.core.management import CommandError, call_command

from chorus.management.commands.demo import MOT_DE_PASSE, STRUCTURES, UTILISATEURS
from habilitations import acces
from habilitations.enums import Application
from habilitations.models import Habilitation, Utilisateur
from structures.models import Service, Structure

pytestmark = pytest.mark.django_db


def test_la_demo_refuse_de_tourner_sans_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")
    assert Utilisateur.objects.count() == 0


def test_la_demo_cree_les_acteurs_et_se_relance_sans_doublon(settings):
    settings.DEBUG = True
    call_command("demo")
    compte = (Structure.objects.count(), Service.objects.count(), Utilisateur.objects.count())
    call_command("demo")
    assert compte == (
        Structure.objects.count(),
        Service.objects.count(),
        Utilisateur.objects.count(),
    )
    # + the sub-contractor of Factures à valider and its GP (factures/demo_recues.py).
    assert Structure.objects.count() == len(STRUCTURES) + 1
    assert Utilisateur.objects.count() == len(UTILISATEURS) + 2
    assert Habilitation.objects.count() == 2
    from factures.models import Facture

    # The invoices of factures/demo_recues.py (Factures émises' demo and the works pieces
    # have their own tests).
    assert (
        Facture.objects.filter(statut="MISE_A_DISPOSITION", numero__startswith="DUR-").count() == 3
    )
    assert Facture.objects.get(statut="A_VALIDER_1").valideur_1.raison_sociale == (
        "Bâtiments Durand SARL"
    )


def test_les_comptes_de_demo_ont_les_droits_que_le_readme_annonce(settings):
    settings.DEBUG = True
    call_command("demo")
    fournisseur = Utilisateur.objects.get(email="fournisseur@demo.chorus.test")
    gestionnaire = Utilisateur.objects.get(email="gestionnaire@demo.chorus.test")
    agent = Utilisateur.objects.get(email="agent.finances@demo.chorus.test")
    support = Utilisateur.objects.get(email="support@demo.chorus.test")
    for user in (fournisseur, gestionnaire, agent, support):
        assert user.check_password(MOT_DE_PASSE)
    assert Application.FACTURES_EMISES in acces.applications_de(fournisseur)
    assert Application.FACTURES_RECUES not in acces.applications_de(fournisseur)
    assert Application.FACTURES_RECUES in acces.applications_de(gestionnaire)
    assert acces.applications_de(agent) == [
        Application.FACTURES_RECUES,
        Application.SOLLICITATIONS_RECUES,
    ]
    assert support.est_agent_support
    assert acces.applications_de(support) == []


def test_la_demo_annonce_ce_qu_elle_a_vraiment_cree(settings):
    settings.DEBUG = True
    sortie = io.StringIO()
    call_command("demo", stdout=sortie)
    from factures.models import Facture

    demo = Utilisateur.objects.filter(email__endswith="@demo.chorus.test")
    assert f"{Structure.objects.count()} structures, {demo.count()} utilisateurs" in (
        sortie.getvalue()
    )
    assert f"{Facture.objects.count()} factures et pièces" in sortie.getvalue()
