"""The GP hands his role over to another active user of the structure; he keeps
*Organisation – modification*; both are e-mailed. Nobody else may do it."""

import pytest
from django.urls import reverse

from chorus.models import Notification
from habilitations.models import Habilitation
from structures.models import Structure
from tests.habilitations.factories import UtilisateurFactory
from tests.habilitations.factories_gestion import (
    consultant,
    gestionnaire,
    rattache,
    structure_et_gp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return structure_et_gp()


@pytest.fixture
def structure(monde):
    return monde[0]


@pytest.fixture
def gp(monde):
    return monde[2]


def url(structure):
    return reverse("habilitations:transferer_gp", args=[structure.pk])


def gp_en_base(structure):
    return Structure.objects.get(pk=structure.pk).gestionnaire_principal


def test_le_gp_choisit_puis_confirme_et_tous_deux_sont_prevenus(
    client, structure, gp, mailoutbox, django_capture_on_commit_callbacks
):
    successeur = rattache(structure, prenom="Sophie", nom="Leclerc")
    parti = rattache(structure, is_active=False)
    client.force_login(gp)

    formulaire = client.get(url(structure)).content.decode()
    assert successeur.email in formulaire
    assert parti.email not in formulaire

    confirmation = client.post(url(structure), {"utilisateur": successeur.pk})
    assert confirmation.status_code == 200
    assert "Confirmer le transfert" in confirmation.content.decode()
    assert gp_en_base(structure) == gp

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(structure), {"utilisateur": successeur.pk, "confirme": "True"})

    assert response.status_code == 302
    assert response["Location"] == reverse("habilitations:utilisateurs", args=[structure.pk])
    assert gp_en_base(structure) == successeur
    garde = Habilitation.objects.get(utilisateur=gp, structure=structure, service=None)
    assert (garde.application, garde.niveau) == ("ORGANISATION", "MODIFICATION")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([gp.email, successeur.email])
    for mail in mailoutbox:
        assert "Sophie Leclerc est le nouveau gestionnaire principal" in mail.subject
    [au_successeur] = [m for m in mailoutbox if m.to == [successeur.email]]
    assert "vous a transféré le rôle" in au_successeur.body
    [a_l_ancien] = [m for m in mailoutbox if m.to == [gp.email]]
    assert "Vous gardez l'habilitation" in a_l_ancien.body
    assert Notification.objects.filter(destinataire__in=[gp, successeur]).count() == 2

    # The former GP still manages the structure, but no longer transfers the role.
    assert client.get(reverse("habilitations:utilisateurs", args=[structure.pk])).status_code == 200
    assert (
        client.get(reverse("habilitations:utilisateur_rattacher", args=[structure.pk])).status_code
        == 200
    )
    assert client.get(url(structure)).status_code == 403
    client.force_login(successeur)
    assert client.get(url(structure)).status_code == 200


@pytest.mark.parametrize(
    ("qui", "message"),
    [
        ("desactive", "Ce compte est désactivé"),
        ("non_rattache", "n'est pas rattaché à la structure"),
        ("en_attente", "n'est pas rattaché à la structure"),
        ("soi", "Vous êtes déjà le gestionnaire principal"),
    ],
)
def test_un_successeur_impossible_donne_un_message_sur_le_champ(
    client, structure, gp, mailoutbox, qui, message
):
    if qui == "desactive":
        candidat = rattache(structure, is_active=False)
    elif qui == "non_rattache":
        candidat = rattache(structure_et_gp()[0])
    elif qui == "en_attente":
        candidat = UtilisateurFactory()
        candidat.rattachements.create(structure=structure)
    else:
        candidat = gp
    client.force_login(gp)

    for donnees in ({"utilisateur": candidat.pk}, {"utilisateur": candidat.pk, "confirme": "True"}):
        response = client.post(url(structure), donnees)
        assert response.status_code == 400
        assert message in response.context["form"].errors["utilisateur"][0]

    assert gp_en_base(structure) == gp
    assert not Habilitation.objects.filter(utilisateur=gp).exists()
    assert mailoutbox == []


def test_organisation_modification_ne_transfere_pas_le_role(client, structure, gp):
    successeur = rattache(structure)
    client.force_login(gestionnaire(structure))

    assert client.get(url(structure)).status_code == 403
    response = client.post(url(structure), {"utilisateur": successeur.pk, "confirme": "True"})
    assert response.status_code == 403
    assert gp_en_base(structure) == gp


def test_consultation_403_etranger_404_et_methode_405(client, structure, gp):
    successeur = rattache(structure)
    donnees = {"utilisateur": successeur.pk, "confirme": "True"}

    client.force_login(consultant(structure))
    assert client.post(url(structure), donnees).status_code == 403
    client.force_login(structure_et_gp()[2])
    assert client.post(url(structure), donnees).status_code == 404
    client.force_login(gp)
    assert client.put(url(structure), donnees).status_code == 405
    assert gp_en_base(structure) == gp


def test_le_lien_de_transfert_n_est_montre_qu_au_gp(client, structure, gp):
    client.force_login(gp)
    assert (
        url(structure)
        in client.get(reverse("habilitations:utilisateurs", args=[structure.pk])).content.decode()
    )

    client.force_login(gestionnaire(structure))
    assert (
        url(structure)
        not in client.get(
            reverse("habilitations:utilisateurs", args=[structure.pk])
        ).content.decode()
    )
