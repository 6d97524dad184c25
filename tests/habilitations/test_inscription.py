"""Sign-up with an identifier, activation e-mail, first structure: what a user sees."""

import html
import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chorus.models import Notification
from habilitations.enums import APPLICATIONS_PAR_DEFAUT, Application, Niveau
from habilitations.models import Habilitation, Rattachement, Utilisateur
from habilitations.services import inscription as services
from structures.models import Service, Structure
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import StructureFactory, siret_valide

pytestmark = pytest.mark.django_db

INSCRIPTION = reverse("habilitations:inscription")
ENVOYEE = reverse("habilitations:inscription_envoyee")
RENVOYER = reverse("habilitations:activation_renvoyer")
CONNEXION = reverse("habilitations:connexion")
MOT_DE_PASSE = "Un-mot-de-passe-solide-42"
SIRET = "73282932000074"


def donnees(**valeurs):
    base = {
        "email": "claire.durand@exemple.fr",
        "email_contact": "",
        "prenom": "Claire",
        "nom": "Durand",
        "telephone": "",
        "password1": MOT_DE_PASSE,
        "password2": MOT_DE_PASSE,
        "type_identifiant": "SIRET",
        "identifiant": "732 829 320 00074",
        "raison_sociale": "Durand Menuiserie",
        "adresse": "",
        "code_postal": "",
        "ville": "",
        "pays": "",
    }
    base.update(valeurs)
    return base


def s_inscrire(client, django_capture_on_commit_callbacks, **valeurs):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(INSCRIPTION, donnees(**valeurs))


def lien_du_courriel(mail) -> str:
    [lien] = re.findall(r"https?://\S+/compte/activation/[^/\s]+/[^/\s]+/", mail.body)
    return lien[lien.index("/compte/") :]


def creer_un_compte(email, siret):
    """A sign-up through the service, waiting for its activation."""
    return services.compte_creer(
        email=email,
        mot_de_passe=MOT_DE_PASSE,
        prenom="Claire",
        nom="Durand",
        type_identifiant="SIRET",
        identifiant=siret,
        raison_sociale="Durand Menuiserie",
    )


def activer(client, django_capture_on_commit_callbacks, lien):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(lien)


def se_connecter(client, email, mot_de_passe=MOT_DE_PASSE):
    return client.post(CONNEXION, {"username": email, "password": mot_de_passe})


def texte(response) -> str:
    return html.unescape(response.content.decode())


def erreurs(response, champ):
    return " ".join(response.context["form"].errors.get(champ, []))


# --- Sign-up with a new structure -----------------------------------------------------------


def test_inscription_avec_un_siret_neuf_cree_la_structure_et_un_compte_inactif(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    response = s_inscrire(client, django_capture_on_commit_callbacks, telephone="01 23 45 67 89")

    assert response.status_code == 302
    assert response["Location"] == ENVOYEE
    user = Utilisateur.objects.get(email="claire.durand@exemple.fr")
    assert not user.is_active
    assert user.active_le is None
    assert user.email_contact == "claire.durand@exemple.fr"
    assert user.telephone == "01 23 45 67 89"
    structure = Structure.objects.get(identifiant=SIRET)
    assert structure.type_identifiant == "SIRET"
    assert structure.categorie == "PRIVEE"
    assert structure.raison_sociale == "Durand Menuiserie"
    assert structure.pays == "FR"
    assert structure.gestionnaire_principal == user
    # Nothing usable before activation: no service, no right, no sign-in.
    assert not structure.services.exists()
    assert not Habilitation.objects.filter(utilisateur=user).exists()
    assert "_auth_user_id" not in se_connecter(client, user.email).wsgi_request.session
    [mail] = mailoutbox
    assert mail.to == ["claire.durand@exemple.fr"]
    assert "activez votre compte" in mail.subject
    assert "60 minutes" in mail.body
    assert lien_du_courriel(mail).startswith("/compte/activation/")
    page = client.get(ENVOYEE).content.decode()
    assert "Consultez votre messagerie" in page


def test_le_lien_d_activation_ouvre_le_compte_de_gestionnaire_principal(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    lien = lien_du_courriel(mailoutbox[0])

    # Opening the link (or a mail scanner opening it) activates nothing.
    page = client.get(lien)
    assert page.status_code == 200
    assert "Activer mon compte" in page.content.decode()
    assert not Utilisateur.objects.get().is_active

    response = activer(client, django_capture_on_commit_callbacks, lien)
    assert response.status_code == 302
    assert response["Location"] == CONNEXION
    user = Utilisateur.objects.get()
    assert user.is_active
    assert user.active_le is not None
    structure = Structure.objects.get(identifiant=SIRET)
    [service] = structure.services.all()
    assert service.code == services.CODE_SERVICE_PAR_DEFAUT
    assert service.libelle == "Service par défaut"
    assert service.statut == "ACTIF"
    assert Rattachement.objects.get(utilisateur=user, structure=structure).statut == "ACTIF"
    assert set(
        Habilitation.objects.filter(utilisateur=user, structure=structure).values_list(
            "application", flat=True
        )
    ) == set(APPLICATIONS_PAR_DEFAUT)
    assert len(mailoutbox) == 1  # no notification for a new structure

    connexion = client.get(CONNEXION)
    assert "Votre compte est activé" in connexion.content.decode()
    assert se_connecter(client, user.email).status_code == 302
    accueil = client.get(reverse("accueil")).content.decode()
    assert "Factures émises" in accueil
    assert "Organisation" in accueil


def test_l_adresse_de_contact_et_l_adresse_de_la_structure_sont_enregistrees(
    client, django_capture_on_commit_callbacks
):
    s_inscrire(
        client,
        django_capture_on_commit_callbacks,
        email="Claire.Durand@Exemple.FR",
        email_contact="compta@exemple.fr",
        adresse="1 rue de la Paix",
        code_postal="75002",
        ville="Paris",
        pays="fr",
    )
    user = Utilisateur.objects.get()
    assert user.email == "claire.durand@exemple.fr"
    assert user.email_contact == "compta@exemple.fr"
    structure = Structure.objects.get()
    assert (structure.adresse, structure.code_postal, structure.ville, structure.pays) == (
        "1 rue de la Paix",
        "75002",
        "Paris",
        "FR",
    )


# --- Identifier types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_identifiant", "saisi", "enregistre", "pays"),
    [
        ("SIRET", "732 829 320 00074", "73282932000074", "FR"),
        # La Poste's establishments do not follow Luhn: python-stdnum knows the exception.
        ("SIRET", "35600000000010", "35600000000010", "FR"),
        ("UE_HORS_FRANCE", "BE 0403.019.261", "BE0403019261", "BE"),
        ("UE_HORS_FRANCE", "EL094259216", "EL094259216", "GR"),
        ("HORS_UE", "  CHE-123.456.788  ", "CHE-123.456.788", "CH"),
        ("RIDET", "1234567 001", "1234567001", "NC"),
        ("RIDET", "1234567", "1234567", "NC"),
        ("TAHITI", "a12345", "A12345", "PF"),
        ("TAHITI", "A12345 001", "A12345001", "PF"),
        ("AUTRE", "Immatriculation en cours 42", "Immatriculation en cours 42", "FR"),
    ],
)
def test_chaque_type_d_identifiant_valide_est_accepte(
    client, django_capture_on_commit_callbacks, type_identifiant, saisi, enregistre, pays
):
    response = s_inscrire(
        client,
        django_capture_on_commit_callbacks,
        type_identifiant=type_identifiant,
        identifiant=saisi,
        pays="CH" if type_identifiant == "HORS_UE" else "",
    )
    assert response.status_code == 302, response.context["form"].errors
    structure = Structure.objects.get()
    assert structure.type_identifiant == type_identifiant
    assert structure.identifiant == enregistre
    assert structure.pays == pays
    if type_identifiant == "UE_HORS_FRANCE":
        assert structure.tva_intracommunautaire == enregistre


def test_un_particulier_n_a_pas_d_identifiant_a_saisir(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    for n, email in enumerate(["a@exemple.fr", "b@exemple.fr"]):
        response = s_inscrire(
            client,
            django_capture_on_commit_callbacks,
            email=email,
            prenom=f"Léa{n}",
            type_identifiant="PARTICULIER",
            identifiant="",
            raison_sociale="",
        )
        assert response.status_code == 302
    premiere, seconde = Structure.objects.order_by("pk")
    assert premiere.identifiant.startswith("PARTICULIER-")
    assert premiere.identifiant != seconde.identifiant
    assert premiere.raison_sociale == "Léa0 Durand"
    assert (premiere.prenom, premiere.nom) == ("Léa0", "Durand")
    assert premiere.gestionnaire_principal.email == "a@exemple.fr"
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    ("type_identifiant", "saisi", "message"),
    [
        ("SIRET", "73282932000075", "clé de contrôle erronée"),
        ("SIRET", "123", "14 chiffres"),
        ("SIRET", "", "Saisissez l'identifiant"),
        ("UE_HORS_FRANCE", "FR40303265045", "une structure française s'inscrit avec son SIRET"),
        ("UE_HORS_FRANCE", "BE0403019262", "clé de contrôle erronée"),
        ("UE_HORS_FRANCE", "0403019261", "code du pays"),
        ("HORS_UE", "   ", "Saisissez l'identifiant"),
        ("AUTRE", "x" * 81, "au plus 80 caractères"),
        ("RIDET", "123456", "7 chiffres pour l'entreprise"),
        ("RIDET", "12345678901", "7 chiffres pour l'entreprise"),
        ("RIDET", "12A4567", "7 chiffres pour l'entreprise"),
        ("TAHITI", "A1234", "6 à 9 lettres ou chiffres"),
        ("TAHITI", "A12345678X", "6 à 9 lettres ou chiffres"),
        ("TAHITI", "A1234#", "6 à 9 lettres ou chiffres"),
    ],
)
def test_un_identifiant_invalide_est_refuse_sur_son_champ_et_rien_n_est_cree(
    client, django_capture_on_commit_callbacks, mailoutbox, type_identifiant, saisi, message
):
    response = s_inscrire(
        client,
        django_capture_on_commit_callbacks,
        type_identifiant=type_identifiant,
        identifiant=saisi,
    )
    assert response.status_code == 200
    assert message in erreurs(response, "identifiant")
    assert message in texte(response)
    assert not Utilisateur.objects.exists()
    assert not Structure.objects.exists()
    assert mailoutbox == []


def test_le_pays_d_un_numero_de_tva_est_celui_de_son_prefixe(
    client, django_capture_on_commit_callbacks
):
    s_inscrire(
        client,
        django_capture_on_commit_callbacks,
        type_identifiant="UE_HORS_FRANCE",
        identifiant="DE136695976",
        pays="FR",
    )
    assert Structure.objects.get().pays == "DE"


def test_la_raison_sociale_est_demandee_pour_une_nouvelle_structure(
    client, django_capture_on_commit_callbacks
):
    response = s_inscrire(client, django_capture_on_commit_callbacks, raison_sociale="")
    assert "Indiquez la raison sociale" in erreurs(response, "raison_sociale")
    assert not Utilisateur.objects.exists()


@pytest.mark.parametrize(
    ("valeurs", "champ", "message"),
    [
        ({"password2": "Autre-mot-de-passe-99"}, "password2", "ne correspondent pas"),
        ({"password1": "court", "password2": "court"}, "password1", "trop court"),
        ({"password1": "123456789012345", "password2": "123456789012345"}, "password1", ""),
        ({"email": "pas-une-adresse"}, "email", "adresse"),
        ({"prenom": ""}, "prenom", "obligatoire"),
        ({"telephone": "appelez-moi"}, "telephone", "numéro de téléphone"),
        ({"pays": "France"}, "pays", ""),
        ({"type_identifiant": "HORS_UE", "identifiant": "CHE-1"}, "pays", "hors Union"),
        ({"type_identifiant": "HORS_UE", "identifiant": "CHE-1", "pays": "FR"}, "pays", "CH"),
        ({"type_identifiant": "INCONNU"}, "type_identifiant", "Sélectionnez un choix valide"),
    ],
)
def test_les_autres_erreurs_de_saisie_sont_signalees_sur_leur_champ(
    client, django_capture_on_commit_callbacks, mailoutbox, valeurs, champ, message
):
    response = s_inscrire(client, django_capture_on_commit_callbacks, **valeurs)
    assert response.status_code == 200
    assert champ in response.context["form"].errors
    assert message in erreurs(response, champ)
    assert not Utilisateur.objects.exists()
    assert mailoutbox == []


# --- Bad input that depends on what exists ----------------------------------------------------


def test_une_adresse_deja_utilisee_est_refusee(client, django_capture_on_commit_callbacks):
    UtilisateurFactory(email="claire.durand@exemple.fr")
    response = s_inscrire(
        client, django_capture_on_commit_callbacks, email="Claire.Durand@exemple.fr"
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse" in erreurs(response, "email")
    assert Utilisateur.objects.count() == 1
    assert not Structure.objects.exists()


def test_une_adresse_en_attente_d_activation_renvoie_vers_le_nouveau_lien(
    client, django_capture_on_commit_callbacks
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    response = s_inscrire(client, django_capture_on_commit_callbacks, identifiant=siret_valide(7))
    assert "en attente d'activation" in erreurs(response, "email")
    assert reverse("habilitations:activation_renvoyer") in response.content.decode()
    assert Structure.objects.count() == 1


def test_un_identifiant_pris_par_une_inscription_en_attente_est_refuse(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    response = s_inscrire(
        client,
        django_capture_on_commit_callbacks,
        email="marc.petit@exemple.fr",
        identifiant="73282932000074",
    )
    assert response.status_code == 200
    assert "déjà utilisé par une autre inscription, en attente d'activation" in erreurs(
        response, "identifiant"
    )
    assert Utilisateur.objects.count() == 1
    assert not Rattachement.objects.exists()
    assert len(mailoutbox) == 1


def test_une_structure_desactivee_ne_recoit_pas_d_inscription(
    client, django_capture_on_commit_callbacks
):
    StructureFactory(identifiant=SIRET, inactive=True)
    response = s_inscrire(client, django_capture_on_commit_callbacks)
    assert "désactivée" in erreurs(response, "identifiant")
    assert not Utilisateur.objects.exists()


def test_le_service_refuse_aussi_ce_que_le_formulaire_a_laisse_passer(
    django_capture_on_commit_callbacks,
):
    """Two sign-ups at once: the second, checked again under lock, is refused."""
    from django.core.exceptions import ValidationError

    s1 = {
        "email": "a@exemple.fr",
        "mot_de_passe": MOT_DE_PASSE,
        "prenom": "A",
        "nom": "B",
        "type_identifiant": "SIRET",
        "identifiant": SIRET,
        "raison_sociale": "X",
    }
    services.compte_creer(**s1)
    with pytest.raises(ValidationError) as refus:
        services.compte_creer(**{**s1, "email": "b@exemple.fr"})
    assert "identifiant" in refus.value.message_dict
    assert Utilisateur.objects.count() == 1


# --- Existing structure: attachment request ---------------------------------------------------


def test_une_structure_existante_recoit_une_demande_de_rattachement_apres_activation(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    structure = StructureFactory(identifiant=SIRET, raison_sociale="Menuiserie Martin")
    gp = UtilisateurFactory(gestionnaire_de=structure, email="gp@exemple.fr")
    adjoint = UtilisateurFactory(email="adjoint@exemple.fr")
    HabilitationFactory(
        utilisateur=adjoint,
        structure=structure,
        application=Application.ORGANISATION,
        niveau=Niveau.MODIFICATION,
    )
    simple = UtilisateurFactory(email="simple@exemple.fr")
    HabilitationFactory(utilisateur=simple, structure=structure)

    response = s_inscrire(client, django_capture_on_commit_callbacks, raison_sociale="Autre nom")

    assert response.status_code == 302
    user = Utilisateur.objects.get(email="claire.durand@exemple.fr")
    assert not user.is_active
    assert Structure.objects.count() == 1
    demande = Rattachement.objects.get(utilisateur=user)
    assert demande.structure == structure
    assert demande.statut == "EN_ATTENTE"
    # Before activation, only the new user hears about it.
    [activation_mail] = mailoutbox
    assert activation_mail.to == ["claire.durand@exemple.fr"]
    assert not Notification.objects.exists()

    activer(client, django_capture_on_commit_callbacks, lien_du_courriel(activation_mail))

    user.refresh_from_db()
    assert user.is_active
    structure.refresh_from_db()
    assert structure.gestionnaire_principal == gp
    assert structure.raison_sociale == "Menuiserie Martin"
    assert not structure.services.exists()  # not a new structure: nothing created for it
    demande.refresh_from_db()
    assert demande.statut == "EN_ATTENTE"
    assert not Habilitation.objects.filter(utilisateur=user).exists()
    _, *notifications = mailoutbox
    assert sorted(m.to[0] for m in notifications) == ["adjoint@exemple.fr", "gp@exemple.fr"]
    mail_gp = next(m for m in notifications if m.to == ["gp@exemple.fr"])
    assert "demande de rattachement à Menuiserie Martin" in mail_gp.subject
    assert "Claire Durand (claire.durand@exemple.fr)" in mail_gp.body
    assert "/organisation/" in mail_gp.body
    fil = Notification.objects.get(destinataire=gp)
    assert fil.evenement.type == "habilitations.demande_rattachement"
    assert fil.evenement.lien == "/organisation/"
    client.force_login(gp)
    assert "Claire Durand demande à être rattaché(e)" in texte(client.get(reverse("accueil")))


# --- Activation link: expired, reused, forged -------------------------------------------------


def test_un_lien_expire_ne_change_rien_et_propose_un_nouveau_lien(
    client, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    lien = lien_du_courriel(mailoutbox[0])
    plus_tard = services.jeton_activation._now() + timedelta(minutes=61)
    monkeypatch.setattr(services.JetonActivation, "_now", lambda self: plus_tard)

    page = client.get(lien)
    assert page.status_code == 200
    contenu = texte(page)
    assert "Ce lien n'est plus valable" in contenu
    assert "60 minutes" in contenu
    assert f'action="{RENVOYER}"' in contenu

    response = activer(client, django_capture_on_commit_callbacks, lien)
    assert response.status_code == 200
    user = Utilisateur.objects.get()
    assert not user.is_active
    assert user.active_le is None
    assert not Service.objects.exists()


def test_un_lien_deja_utilise_le_dit_et_ne_refait_rien(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    lien = lien_du_courriel(mailoutbox[0])
    activer(client, django_capture_on_commit_callbacks, lien)
    active_le = Utilisateur.objects.get().active_le

    page = client.get(lien)
    assert page.status_code == 200
    assert "Ce lien a déjà été utilisé" in page.content.decode()
    response = activer(client, django_capture_on_commit_callbacks, lien)
    assert response.status_code == 200
    assert "Ce lien a déjà été utilisé" in response.content.decode()
    assert Utilisateur.objects.get().active_le == active_le
    assert Service.objects.count() == 1
    assert len(mailoutbox) == 1


def test_un_lien_d_un_compte_desactive_ne_le_reactive_pas(client):
    user = UtilisateurFactory(is_active=False)
    Utilisateur.objects.filter(pk=user.pk).update(active_le=user.date_joined)
    user.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    jeton = services.jeton_activation.make_token(user)
    response = client.post(reverse("habilitations:activation", args=[uid, jeton]))
    assert response.status_code == 200
    assert "n'est pas valable" in texte(response)
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.parametrize(
    ("uid", "jeton"), [("MQ", "jeton-invalide"), ("pas-un-uid", "x"), ("OTk5OTk", "1-2")]
)
def test_un_lien_fabrique_affiche_une_erreur(client, uid, jeton):
    UtilisateurFactory(is_active=False)
    url = reverse("habilitations:activation", args=[uid, jeton])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert "Ce lien n'est plus valable" in texte(response)
    assert not Utilisateur.objects.filter(is_active=True).exists()


def test_deux_activations_successives_avec_le_meme_jeton_n_en_font_qu_une(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    user = Utilisateur.objects.get()
    jeton = services.jeton_activation.make_token(user)
    services.compte_activer(utilisateur=user, jeton=jeton)
    with pytest.raises(services.ActivationImpossible):
        services.compte_activer(utilisateur=user, jeton=jeton)  # stale object, same token
    assert Service.objects.count() == 1
    assert Rattachement.objects.filter(utilisateur=user).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_activations_simultanees_sont_sans_danger():
    structure = StructureFactory(identifiant=SIRET)
    UtilisateurFactory(gestionnaire_de=structure)
    user = creer_un_compte("x@exemple.fr", siret_valide(3))
    jeton = services.jeton_activation.make_token(user)
    resultats = []
    depart = threading.Barrier(2)

    def activer_en_parallele():
        try:
            depart.wait()
            services.compte_activer(utilisateur=user, jeton=jeton)
            resultats.append("ok")
        except services.ActivationImpossible:
            resultats.append("refus")
        finally:
            connection.close()

    fils = [threading.Thread(target=activer_en_parallele) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert sorted(resultats) == ["ok", "refus"]
    assert Service.objects.filter(structure__identifiant=siret_valide(3)).count() == 1
    assert Rattachement.objects.filter(utilisateur=user).count() == 1


# --- New activation link ----------------------------------------------------------------------


def test_le_nouveau_lien_d_activation_est_envoye_a_un_compte_en_attente(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    assert client.get(RENVOYER).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RENVOYER, {"email": "CLAIRE.durand@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == ENVOYEE
    _, nouveau = mailoutbox
    assert nouveau.to == ["claire.durand@exemple.fr"]
    activer(client, django_capture_on_commit_callbacks, lien_du_courriel(nouveau))
    assert Utilisateur.objects.get().is_active


@pytest.mark.parametrize("cas", ["inconnu", "actif", "desactive"])
def test_le_nouveau_lien_ne_revele_pas_si_un_compte_existe(
    client, django_capture_on_commit_callbacks, mailoutbox, cas
):
    if cas == "actif":
        UtilisateurFactory(email="claire@exemple.fr")
    elif cas == "desactive":
        user = UtilisateurFactory(email="claire@exemple.fr", is_active=False)
        Utilisateur.objects.filter(pk=user.pk).update(active_le=user.date_joined)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RENVOYER, {"email": "claire@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == ENVOYEE
    assert mailoutbox == []


def test_le_nouveau_lien_demande_une_adresse_valide(client, mailoutbox):
    response = client.post(RENVOYER, {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mailoutbox == []


# --- Who sees what, methods -------------------------------------------------------------------


def test_un_utilisateur_connecte_est_renvoye_a_l_accueil(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(UtilisateurFactory())
    assert client.get(INSCRIPTION)["Location"] == reverse("accueil")
    response = s_inscrire(client, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accueil")
    assert Utilisateur.objects.count() == 1
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("url", "methode"),
    [
        (INSCRIPTION, "put"),
        (INSCRIPTION, "delete"),
        (ENVOYEE, "post"),
        (RENVOYER, "put"),
        (reverse("habilitations:activation", args=["MQ", "x"]), "delete"),
    ],
)
def test_les_autres_methodes_sont_refusees(client, url, methode):
    assert getattr(client, methode)(url).status_code == 405


def test_l_accueil_public_mene_a_la_creation_de_compte(client):
    contenu = client.get(reverse("accueil")).content.decode()
    assert f'href="{INSCRIPTION}"' in contenu
    assert "bientôt disponible" not in contenu


# --- Accessible markup ------------------------------------------------------------------------


def test_le_formulaire_est_accessible(client, django_capture_on_commit_callbacks):
    contenu = client.get(INSCRIPTION).content.decode()
    for champ in [
        "email",
        "email_contact",
        "prenom",
        "nom",
        "telephone",
        "password1",
        "password2",
        "type_identifiant",
        "identifiant",
        "raison_sociale",
        "adresse",
        "code_postal",
        "ville",
        "pays",
    ]:
        assert f'<label for="id_{champ}"' in contenu, champ
        assert f'id="id_{champ}"' in contenu, champ
    assert contenu.count('<fieldset class="fr-fieldset"') == 3
    assert contenu.count("<legend") == 3
    assert 'class="fr-select"' in contenu
    assert 'autocomplete="new-password"' in contenu

    erreur = s_inscrire(
        client, django_capture_on_commit_callbacks, identifiant="73282932000075"
    ).content.decode()
    assert "<title>Erreur" in erreur
    assert 'role="alert"' in erreur
    assert 'aria-invalid="true"' in erreur
    assert 'aria-describedby="id_identifiant-desc-error"' in erreur
    assert 'id="id_identifiant-desc-error"' in erreur


def test_rejoindre_une_structure_existante_ne_demande_pas_sa_raison_sociale(client):
    from django.urls import reverse

    from habilitations.models import Rattachement
    from tests.structures.factories import StructureFactory

    structure = StructureFactory(raison_sociale="Déjà Là SAS")
    response = client.post(
        reverse("habilitations:inscription"),
        {
            "email": "nouveau.collegue@exemple.fr",
            "prenom": "Lucie",
            "nom": "Perrin",
            "password1": "Un-mot-de-passe-solide-1",
            "password2": "Un-mot-de-passe-solide-1",
            "type_identifiant": "SIRET",
            "identifiant": structure.identifiant,
        },
    )
    assert response.status_code == 302
    demande = Rattachement.objects.get(utilisateur__email="nouveau.collegue@exemple.fr")
    assert demande.structure == structure
    structure.refresh_from_db()
    assert structure.raison_sociale == "Déjà Là SAS"


# --- Abandoned sign-ups -------------------------------------------------------------------


def _vieillir(utilisateur, jours):
    Utilisateur.objects.filter(pk=utilisateur.pk).update(
        date_joined=F("date_joined") - timedelta(days=jours)
    )


def test_une_inscription_jamais_activee_est_effacee_et_libere_adresse_et_identifiant(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    s_inscrire(client, django_capture_on_commit_callbacks)
    abandonnee = Utilisateur.objects.get()
    # Meanwhile, another sign-up with the same identifier is told to wait.
    refus = client.post(INSCRIPTION, donnees(email="autre@exemple.fr")).content.decode()
    assert "effacée au bout de 7 jours" in html.unescape(refus)

    _vieillir(abandonnee, 6)
    assert services.inscriptions_abandonnees_effacer() == 0  # not yet: 6 days
    _vieillir(abandonnee, 2)
    assert services.inscriptions_abandonnees_effacer() == 1
    assert not Utilisateur.objects.exists() and not Structure.objects.exists()

    # The address and the identifier can be used again, and the new sign-up activates.
    mailoutbox.clear()
    response = s_inscrire(client, django_capture_on_commit_callbacks, email="autre@exemple.fr")
    assert response["Location"] == ENVOYEE
    activer(client, django_capture_on_commit_callbacks, lien_du_courriel(mailoutbox[-1]))
    assert Structure.objects.get().gestionnaire_principal.email == "autre@exemple.fr"


def test_l_effacement_garde_les_comptes_actives_ou_desactives_et_les_structures_existantes(
    client, django_capture_on_commit_callbacks
):
    structure = StructureFactory(identifiant=SIRET)
    UtilisateurFactory(gestionnaire_de=structure)
    s_inscrire(client, django_capture_on_commit_callbacks)  # asks to join `structure`
    demandeur = Utilisateur.objects.get(email="claire.durand@exemple.fr")
    desactive = UtilisateurFactory(is_active=False)
    Utilisateur.objects.filter(pk=desactive.pk).update(active_le=desactive.date_joined)
    for utilisateur in Utilisateur.objects.all():
        _vieillir(utilisateur, 30)

    assert services.inscriptions_abandonnees_effacer() == 1
    assert not Utilisateur.objects.filter(pk=demandeur.pk).exists()
    assert not Rattachement.objects.filter(utilisateur_id=demandeur.pk).exists()
    assert Structure.objects.filter(pk=structure.pk).exists()
    assert Utilisateur.objects.filter(pk=desactive.pk).exists()
    assert Utilisateur.objects.count() == 2


def test_une_inscription_a_laquelle_une_facture_se_rapporte_est_gardee(
    client, django_capture_on_commit_callbacks, caplog
):
    from tests.factures.factories import FactureFactory

    s_inscrire(client, django_capture_on_commit_callbacks)
    abandonnee = Utilisateur.objects.get()
    FactureFactory(destinataire=Structure.objects.get())
    _vieillir(abandonnee, 8)
    assert services.inscriptions_abandonnees_effacer() == 0
    assert Utilisateur.objects.filter(pk=abandonnee.pk).exists()
    assert f"Abandoned sign-up {abandonnee.pk} kept" in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_une_activation_en_cours_l_emporte_sur_l_effacement():
    user = creer_un_compte("tardif@exemple.fr", siret_valide(4))
    _vieillir(user, 8)
    verrouille, relache = threading.Event(), threading.Event()

    def activation_en_cours():  # holds the account's lock, as compte_activer does
        try:
            with transaction.atomic():
                Utilisateur.objects.select_for_update().get(pk=user.pk)
                verrouille.set()
                relache.wait(30)
        finally:
            connection.close()

    fil = threading.Thread(target=activation_en_cours)
    fil.start()
    try:
        assert verrouille.wait(30)
        # The sweep does not wait for the lock: it leaves this account for its next run.
        assert services.inscriptions_abandonnees_effacer() == 0
    finally:
        relache.set()
        fil.join(30)
    assert Utilisateur.objects.filter(pk=user.pk).exists()
    assert Structure.objects.filter(identifiant=siret_valide(4)).exists()
