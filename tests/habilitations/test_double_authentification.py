"""Two-factor authentication (TOTP): setting it up in Mon compte, switching it off, and the
sign-in's second step."""

import html
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from habilitations.middleware import CLE_SESSION, DELAI_DE_CONTROLE
from habilitations.models import Rattachement
from habilitations.views.authentification import CONNEXION_EN_ATTENTE
from tests.habilitations.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

CONNEXION = reverse("habilitations:connexion")
VERIFICATION = reverse("habilitations:connexion_verification")
CONFIGURATION = reverse("habilitations:double_authentification")
DESACTIVATION = reverse("habilitations:double_authentification_desactiver")


@pytest.fixture(autouse=True)
def _sans_attente_entre_deux_essais(settings):
    # django-otp makes the user wait 1, 2, 4… seconds after each wrong code; not in tests.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(appareil, decalage=0):
    """The code the user's application shows now (or `decalage` steps later)."""
    return f"{totp(appareil.bin_key, drift=decalage):06d}"


def avec_appareil(user):
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def contenu(response):
    return html.unescape(response.content.decode())


def messages_de(response):
    return [str(m) for m in response.context["messages"]]


def se_connecter(client, user, **extra):
    return client.post(CONNEXION, {"username": user.email, "password": MOT_DE_PASSE, **extra})


# --- Set up in Mon compte -------------------------------------------------------------------


def test_la_page_de_configuration_montre_le_code_qr_et_la_cle(client):
    user = UtilisateurFactory()
    client.force_login(user)
    page = client.get(CONFIGURATION)
    assert page.status_code == 200
    appareil = TOTPDevice.objects.get(user=user)
    assert appareil.confirmed is False
    texte = contenu(page)
    assert "<svg" in texte
    assert page.context["secret"].replace(" ", "") in texte.replace(" ", "")
    # Coming back shows the same secret: the phone already scanned it.
    client.get(CONFIGURATION)
    assert TOTPDevice.objects.get(user=user).pk == appareil.pk


def test_activer_avec_un_code_valide(client):
    user = UtilisateurFactory()
    client.force_login(user)
    client.get(CONFIGURATION)
    appareil = TOTPDevice.objects.get(user=user)
    response = client.post(CONFIGURATION, {"code": code(appareil)}, follow=True)
    assert "La double authentification est activée" in messages_de(response)[0]
    appareil.refresh_from_db()
    assert appareil.confirmed is True
    assert "Active" in contenu(client.get(reverse("habilitations:mon_compte")))


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("000000", "Code incorrect ou expiré"),
        ("12ab56", "Saisissez les 6 chiffres du code"),
        ("", "Ce champ est obligatoire"),
    ],
)
def test_un_code_faux_n_active_rien(client, saisie, message):
    user = UtilisateurFactory()
    client.force_login(user)
    client.get(CONFIGURATION)
    appareil = TOTPDevice.objects.get(user=user)
    if saisie == "000000" and code(appareil) == saisie:
        saisie = "000001"
    response = client.post(CONFIGURATION, {"code": saisie})
    assert response.status_code == 200
    assert message in response.context["form"].errors["code"][0]
    appareil.refresh_from_db()
    assert appareil.confirmed is False


def test_generer_un_nouveau_code_qr(client):
    user = UtilisateurFactory()
    client.force_login(user)
    client.get(CONFIGURATION)
    ancienne = TOTPDevice.objects.get(user=user).key
    response = client.post(CONFIGURATION, {"renouveler": "1"})
    assert response.status_code == 302
    nouvel = TOTPDevice.objects.get(user=user)
    assert nouvel.key != ancienne and not nouvel.confirmed


def test_deja_active_la_page_le_dit(client):
    user = UtilisateurFactory()
    avec_appareil(user)
    client.force_login(user)
    page = client.get(CONFIGURATION)
    assert page.context["active"] is True
    assert DESACTIVATION in contenu(page)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_configuration_refuse_les_autres_methodes(client):
    client.force_login(UtilisateurFactory())
    assert client.put(CONFIGURATION).status_code == 405
    assert client.put(DESACTIVATION).status_code == 405


def test_desactiver_avec_le_mot_de_passe(client):
    user = UtilisateurFactory()
    avec_appareil(user)
    client.force_login(user)
    assert client.get(DESACTIVATION).status_code == 200
    refuse = client.post(DESACTIVATION, {"mot_de_passe": "faux"})
    assert refuse.context["form"].errors["mot_de_passe"] == ["Mot de passe incorrect."]
    assert TOTPDevice.objects.filter(user=user).exists()
    response = client.post(DESACTIVATION, {"mot_de_passe": MOT_DE_PASSE}, follow=True)
    assert "La double authentification est désactivée." in messages_de(response)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_desactiver_est_refuse_si_une_structure_l_impose(client):
    structure = StructureFactory(double_authentification_obligatoire=True)
    user = UtilisateurFactory(gestionnaire_de=structure)
    avec_appareil(user)
    client.force_login(user)
    assert "vous ne pouvez pas la désactiver" in contenu(client.get(DESACTIVATION))
    response = client.post(DESACTIVATION, {"mot_de_passe": MOT_DE_PASSE}, follow=True)
    assert "vous ne pouvez pas la désactiver" in messages_de(response)[0]
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- The sign-in's second step ---------------------------------------------------------------


def test_sans_double_authentification_la_connexion_est_directe(client):
    user = UtilisateurFactory()
    response = se_connecter(client, user)
    assert response["Location"] == reverse("accueil")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_avec_un_appareil_le_code_est_demande_avant_toute_page(client):
    user = UtilisateurFactory(langue="en")
    appareil = avec_appareil(user)
    response = se_connecter(client, user, next=reverse("habilitations:mes_habilitations"))
    assert response.status_code == 302
    assert response["Location"] == VERIFICATION
    # Not signed in yet: every page still asks to sign in.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("habilitations:mon_compte")).status_code == 302
    assert client.get(VERIFICATION).status_code == 200

    response = client.post(VERIFICATION, {"code": code(appareil)})
    assert response.status_code == 302
    assert response["Location"] == reverse("habilitations:mes_habilitations")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == appareil.persistent_id
    assert CONNEXION_EN_ATTENTE not in client.session
    assert response.cookies["chorus_langue"].value == "en"
    assert client.get(reverse("habilitations:mon_compte")).status_code == 200


def test_un_code_faux_est_refuse_avec_le_nombre_d_essais_restants(client):
    user = UtilisateurFactory()
    appareil = avec_appareil(user)
    se_connecter(client, user)
    faux = "000000" if code(appareil) != "000000" else "000001"
    response = client.post(VERIFICATION, {"code": faux})
    assert response.status_code == 200
    erreur = response.context["form"].errors["code"][0]
    assert "Code incorrect ou expiré" in erreur and "Il vous reste 4 essais." in erreur
    assert "_auth_user_id" not in client.session


def test_cinq_codes_faux_ramenent_a_la_connexion(client):
    user = UtilisateurFactory()
    appareil = avec_appareil(user)
    se_connecter(client, user)
    faux = "000000" if code(appareil) != "000000" else "000001"
    for _ in range(4):
        assert client.post(VERIFICATION, {"code": faux}).status_code == 200
    response = client.post(VERIFICATION, {"code": faux})
    assert response.status_code == 302
    assert response["Location"] == CONNEXION
    assert CONNEXION_EN_ATTENTE not in client.session
    # The right code no longer helps: the password must be typed again.
    apres = client.post(VERIFICATION, {"code": code(appareil)})
    assert apres["Location"] == CONNEXION
    assert "_auth_user_id" not in client.session


def test_un_code_deja_utilise_est_refuse(client):
    user = UtilisateurFactory()
    appareil = avec_appareil(user)
    valeur = code(appareil)
    se_connecter(client, user)
    client.post(VERIFICATION, {"code": valeur})
    client.post(reverse("habilitations:deconnexion"))
    se_connecter(client, user)
    response = client.post(VERIFICATION, {"code": valeur})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_trop_vite_apres_un_echec_on_demande_de_patienter(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = UtilisateurFactory()
    appareil = avec_appareil(user)
    se_connecter(client, user)
    faux = "000000" if code(appareil) != "000000" else "000001"
    client.post(VERIFICATION, {"code": faux})
    response = client.post(VERIFICATION, {"code": code(appareil)})
    assert "patientez quelques secondes" in response.context["form"].errors["code"][0]
    # Being throttled does not count as a wrong code.
    assert client.session[CONNEXION_EN_ATTENTE]["echecs"] == 1


def test_verification_sans_connexion_en_cours(client):
    response = client.get(VERIFICATION, follow=True)
    assert response.redirect_chain[0] == (CONNEXION, 302)
    assert "saisissez vos identifiants" in messages_de(response)[0]


def test_l_etape_du_code_expire_apres_dix_minutes(client):
    user = UtilisateurFactory()
    appareil = avec_appareil(user)
    se_connecter(client, user)
    session = client.session
    session[CONNEXION_EN_ATTENTE]["depuis"] = time.time() - 11 * 60
    session.save()
    response = client.post(VERIFICATION, {"code": code(appareil)})
    assert response["Location"] == CONNEXION
    assert "_auth_user_id" not in client.session


def test_verification_refuse_les_autres_methodes(client):
    assert client.put(VERIFICATION).status_code == 405


def test_structure_qui_l_impose_configuration_a_la_connexion(client):
    structure = StructureFactory(double_authentification_obligatoire=True)
    user = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=user, structure=structure, statut="ACTIF")
    response = se_connecter(client, user)
    assert response["Location"] == VERIFICATION
    assert "_auth_user_id" not in client.session
    page = client.get(VERIFICATION)
    assert page.context["configuration"] is True
    assert "<svg" in contenu(page)
    appareil = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(VERIFICATION, {"code": code(appareil)}, follow=True)
    assert "La double authentification est activée." in messages_de(response)
    appareil.refresh_from_db()
    assert appareil.confirmed
    assert client.session["_auth_user_id"] == str(user.pk)
    # Next time, a code from the application is asked.
    client.post(reverse("habilitations:deconnexion"))
    assert se_connecter(client, user)["Location"] == VERIFICATION
    assert client.get(VERIFICATION).context["configuration"] is False
    assert client.post(VERIFICATION, {"code": code(appareil, 1)}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_une_demande_de_rattachement_en_attente_n_impose_rien(client):
    structure = StructureFactory(double_authentification_obligatoire=True)
    user = UtilisateurFactory()
    Rattachement.objects.create(utilisateur=user, structure=structure)
    assert se_connecter(client, user)["Location"] == reverse("accueil")


def test_changer_de_telephone_garde_l_ancien_jusqu_a_confirmation(client):
    structure = StructureFactory(double_authentification_obligatoire=True)
    user = UtilisateurFactory(gestionnaire_de=structure)
    ancien = avec_appareil(user)
    client.force_login(user)
    page = client.get(f"{CONFIGURATION}?remplacer=1")
    assert page.context["remplacer"] is True
    nouveau = TOTPDevice.objects.get(user=user, confirmed=False)
    # Until the new one is confirmed, the old one still signs in.
    assert TOTPDevice.objects.filter(pk=ancien.pk, confirmed=True).exists()
    response = client.post(f"{CONFIGURATION}?remplacer=1", {"code": code(nouveau)})
    assert response["Location"] == reverse("habilitations:mon_compte")
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [
        (nouveau.pk, True)
    ]


# --- Made mandatory while users are signed in ------------------------------------------------


def _dernier_controle_il_y_a(client, secondes):
    session = client.session
    session[CLE_SESSION] = time.time() - secondes
    session.save()


def test_rendue_obligatoire_en_cours_de_session_elle_est_exigee_dans_les_5_minutes(client):
    structure = StructureFactory()
    user = UtilisateurFactory(gestionnaire_de=structure)
    assert se_connecter(client, user)["Location"] == reverse("accueil")
    # Another gestionnaire makes it mandatory; until the next check, pages still open.
    structure.double_authentification_obligatoire = True
    structure.save()
    assert client.get(reverse("habilitations:mon_compte")).status_code == 200

    _dernier_controle_il_y_a(client, DELAI_DE_CONTROLE + 1)
    response = client.get(reverse("habilitations:mes_habilitations"), follow=True)
    assert response.redirect_chain[-1][0] == CONFIGURATION
    assert "impose désormais la double authentification" in messages_de(response)[0]
    # Every other page leads there too, an htmx request as well; signing out stays open.
    assert client.get(reverse("accueil"))["Location"] == CONFIGURATION
    fragment = client.get(reverse("accueil"), HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == CONFIGURATION

    # Once the app is confirmed, the user goes on where he wanted.
    appareil = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(CONFIGURATION, {"code": code(appareil)})
    assert client.get(reverse("habilitations:mes_habilitations")).status_code == 200
    # And the next sign-in asks for its code.
    client.post(reverse("habilitations:deconnexion"))
    assert se_connecter(client, user)["Location"] == VERIFICATION


def test_la_deconnexion_reste_ouverte_a_qui_doit_configurer(client):
    structure = StructureFactory()
    user = UtilisateurFactory(gestionnaire_de=structure)
    client.force_login(user)
    structure.double_authentification_obligatoire = True
    structure.save()
    _dernier_controle_il_y_a(client, DELAI_DE_CONTROLE + 1)
    assert client.get(CONFIGURATION).status_code == 200
    client.post(reverse("habilitations:deconnexion"))
    assert "_auth_user_id" not in client.session


def test_une_session_verifiee_par_un_code_n_est_pas_interrompue(client):
    structure = StructureFactory(double_authentification_obligatoire=True)
    user = UtilisateurFactory(gestionnaire_de=structure)
    appareil = avec_appareil(user)
    se_connecter(client, user)
    client.post(VERIFICATION, {"code": code(appareil)})
    _dernier_controle_il_y_a(client, DELAI_DE_CONTROLE + 1)
    assert client.get(reverse("habilitations:mes_habilitations")).status_code == 200


def test_sans_obligation_le_controle_n_a_lieu_qu_une_fois_par_delai(client):
    user = UtilisateurFactory(gestionnaire_de=StructureFactory())
    client.force_login(user)
    page = reverse("habilitations:mes_habilitations")
    client.get(page)
    _dernier_controle_il_y_a(client, 10)
    with CaptureQueriesContext(connection) as recent:
        client.get(page)
    _dernier_controle_il_y_a(client, DELAI_DE_CONTROLE + 1)
    with CaptureQueriesContext(connection) as ancien:
        client.get(page)
    controles = [
        [
            q
            for q in requetes.captured_queries
            if "double_authentification_obligatoire" in q["sql"].partition("WHERE")[2]
        ]
        for requetes in (recent, ancien)
    ]
    assert [len(c) for c in controles] == [0, 1]
