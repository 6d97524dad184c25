"""Bank details of a structure: IBAN + BIC or French RIB, factor, RIB document, the GP alerted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from schwifty import IBAN
from schwifty.exceptions import InvalidBBANChecksum

from chorus.models import Document
from structures import validation
from structures.models import CoordonneeBancaire
from tests.matrice.monde import construire_monde
from tests.structures.factories import StructureFactory, siret_valide
from tests.structures.factories_gestion import (
    BIC_VALIDE,
    PNG_MINIMAL,
    CoordonneeBancaireFactory,
    fichier_pdf,
    pdf_minimal,
)

pytestmark = pytest.mark.django_db

SIRET_FAUX = siret_valide(7)[:-1] + ("1" if siret_valide(7)[-1] == "0" else "0")


# --- The RIB key, checked against schwifty's French IBAN check --------------------------

RIBS = [
    ("30004", "00003", "00020100089"),
    ("30006", "00001", "12345678901"),
    ("20041", "01005", "0500013M026"),
    ("10107", "00100", "ABCDEFGHIJK"),
    ("12548", "02998", "LMNOPQRSTUV"),
    ("30003", "03620", "00020218WXY"),
    ("17515", "90000", "Z0000000001"),
]


@pytest.mark.parametrize(("banque", "guichet", "compte"), RIBS)
def test_la_cle_rib_est_celle_que_schwifty_calcule(banque, guichet, compte):
    iban = IBAN.generate("FR", bank_code=banque + guichet, account_code=compte)
    assert iban.bban.national_checksum_digits == validation.cle_rib(banque, guichet, compte)


@pytest.mark.parametrize(("banque", "guichet", "compte"), RIBS)
def test_un_rib_de_notre_cle_donne_un_iban_que_schwifty_accepte(banque, guichet, compte):
    cle = validation.cle_rib(banque, guichet, compte)
    iban = IBAN.from_bban("FR", banque + guichet + compte + cle, validate_bban=True)
    assert iban.country_code == "FR"
    fausse = f"{(int(cle) + 1) % 100:02d}"
    with pytest.raises(InvalidBBANChecksum):
        IBAN.from_bban("FR", banque + guichet + compte + fausse, validate_bban=True)


def test_cle_rib_connue():
    # The specimen RIB printed by French banks: FR76 3000 6000 0112 3456 7890 189.
    assert validation.cle_rib("30006", "00001", "12345678901") == "89"
    validation.verifier_rib("30006", "00001", "12345678901", "89")
    with pytest.raises(validation.ValidationError, match="La clé RIB ne correspond pas"):
        validation.verifier_rib("30006", "00001", "12345678901", "88")


def test_les_lettres_du_compte_comptent_comme_des_chiffres():
    assert validation.cle_rib("30004", "00003", "0000000000A") == validation.cle_rib(
        "30004", "00003", "00000000001"
    )
    assert validation.cle_rib("30004", "00003", "0000000000S") == validation.cle_rib(
        "30004", "00003", "00000000002"
    )


def test_valider_iban_accepte_espaces_et_minuscules():
    assert validation.valider_iban("fr76 3000 6000 0112 3456 7890 189") == (
        "FR7630006000011234567890189"
    )


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR7630006000011234567890188", "clé de contrôle ne correspond pas"),
        ("FR76300060000112345678901", "longueur"),
        ("ZZ7630006000011234567890189", "code pays valide"),
        ("FR7630006000011234567890@89", "format"),
    ],
)
def test_valider_iban_refuse(iban, message):
    with pytest.raises(validation.ValidationError, match=message):
        validation.valider_iban(iban)


def test_valider_iban_verifie_la_cle_rib_incluse():
    # Right IBAN check digits around a wrong national key.
    bban = "30006000011234567890188"
    faux = IBAN.from_bban("FR", bban, allow_invalid=True)
    with pytest.raises(validation.ValidationError, match="clé RIB"):
        validation.valider_iban(str(faux))


@pytest.mark.parametrize(
    ("bic", "message"),
    [("BNPA", "8 ou 11"), ("BNPAZZPP", "code pays"), ("BN1AFRP@", "invalide")],
)
def test_valider_bic_refuse(bic, message):
    with pytest.raises(validation.ValidationError, match=message):
        validation.valider_bic(bic)


def test_pays_de_l_iban_et_du_bic():
    iban = validation.valider_iban("FR7630006000011234567890189")
    validation.verifier_iban_et_bic(iban, validation.valider_bic("bnpafrpp"))
    validation.verifier_iban_et_bic(iban, validation.valider_bic("BNPAGPGP"))  # Guadeloupe
    with pytest.raises(validation.ValidationError, match="ne correspond pas au pays"):
        validation.verifier_iban_et_bic(iban, validation.valider_bic("DEUTDEFF"))


def test_tva_et_siret():
    assert validation.valider_tva_intracommunautaire("FR 40 303265045") == "FR40303265045"
    with pytest.raises(validation.ValidationError, match="clé de contrôle"):
        validation.valider_tva_intracommunautaire("FR41303265045")
    with pytest.raises(validation.ValidationError, match="code du pays"):
        validation.valider_tva_intracommunautaire("303265045")
    assert validation.valider_siret(siret_valide(1)) == siret_valide(1)
    with pytest.raises(validation.ValidationError, match="clé de contrôle"):
        validation.valider_siret(SIRET_FAUX)


# --- Pages --------------------------------------------------------------------------------


@pytest.fixture
def monde():
    return construire_monde()


def url(monde, nom, *args):
    return reverse(f"structures:{nom}", args=[monde.entite.pk, *args])


def donnees_iban(**autres):
    donnees = {
        "libelle": "Compte courant",
        "type_coordonnee": "IBAN",
        "pays": "FR",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "bnpafrpp",
        "code_banque": "",
        "code_guichet": "",
        "numero_compte": "",
        "cle_rib": "",
        "affactureur_raison_sociale": "",
        "affactureur_pays": "",
        "affactureur_type_identifiant": "",
        "affactureur_identifiant": "",
        "document_rib": fichier_pdf(),
    }
    donnees.update(autres)
    return donnees


def donnees_rib(**autres):
    rib = {
        "type_coordonnee": "RIB",
        "iban": "",
        "bic": "",
        "code_banque": "30006",
        "code_guichet": "00001",
        "numero_compte": "12345678901",
        "cle_rib": "89",
    }
    return donnees_iban(**{**rib, **autres})


def test_le_gp_ajoute_un_iban_et_en_est_averti(
    client, monde, mailoutbox, django_capture_on_commit_callbacks
):
    gp = monde.utilisateurs["gp"]
    client.force_login(gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(monde, "coordonnee_creer"), donnees_iban())
    assert response.status_code == 302
    assert response["Location"] == url(monde, "coordonnees")
    coordonnee = CoordonneeBancaire.objects.get(structure=monde.entite)
    assert coordonnee.iban == "FR7630006000011234567890189"
    assert coordonnee.bic == BIC_VALIDE
    assert coordonnee.statut == "ACTIVE"
    assert coordonnee.document_rib.fichier.read() == pdf_minimal()
    assert coordonnee.document_rib.depose_par == gp
    [mail] = mailoutbox
    assert mail.to == [gp.email_contact]
    assert "coordonnées bancaires" in mail.subject
    assert "a ajouté les coordonnées bancaires « Compte courant »" in mail.body


def test_un_utilisateur_en_modification_ajoute_un_rib_et_le_gp_est_averti(
    client, monde, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(monde.utilisateurs["modification"])
    image = SimpleUploadedFile("rib.png", PNG_MINIMAL, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(monde, "coordonnee_creer"), donnees_rib(document_rib=image))
    assert response.status_code == 302
    coordonnee = CoordonneeBancaire.objects.get(structure=monde.entite)
    assert (coordonnee.type_coordonnee, coordonnee.pays, coordonnee.iban) == ("RIB", "FR", "")
    assert (coordonnee.code_banque, coordonnee.cle_rib) == ("30006", "89")
    assert coordonnee.document_rib.type_mime == "image/png"
    [mail] = mailoutbox
    assert mail.to == [monde.utilisateurs["gp"].email_contact]


def test_un_affactureur_identifie_par_siret(client, monde):
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(
        url(monde, "coordonnee_creer"),
        donnees_iban(
            affactureur_raison_sociale="Affacturage SA",
            affactureur_pays="fr",
            affactureur_type_identifiant="SIRET",
            affactureur_identifiant=siret_valide(7),
        ),
    )
    assert response.status_code == 302
    coordonnee = CoordonneeBancaire.objects.get()
    assert coordonnee.affactureur_identifiant == siret_valide(7)
    assert coordonnee.affactureur_pays == "FR"


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        (
            donnees_iban(iban="FR7630006000011234567890188"),
            "iban",
            "L'IBAN est invalide : sa clé de contrôle ne correspond pas",
        ),
        (donnees_iban(iban="FR76 3000 6000"), "iban", "longueur"),
        (donnees_iban(bic="BNPAFR"), "bic", "Le BIC compte 8 ou 11 caractères."),
        (donnees_iban(bic="BNPAZZPP"), "bic", "code pays"),
        (donnees_iban(bic="DEUTDEFF"), "bic", "ne correspond pas au pays de l'IBAN (FR)"),
        (donnees_iban(pays="BE"), "iban", "d'un autre pays (FR) que celui indiqué (BE)"),
        (donnees_iban(iban="", bic=""), "iban", "Ce champ est obligatoire pour ce type"),
        (donnees_rib(cle_rib="88"), "cle_rib", "La clé RIB ne correspond pas"),
        (donnees_rib(code_banque="3000A"), "code_banque", "Le code banque compte 5 chiffres."),
        (donnees_rib(code_guichet="1"), "code_guichet", "Le code guichet compte 5 chiffres."),
        (donnees_rib(numero_compte="123-456"), "numero_compte", "11 chiffres ou lettres"),
        (donnees_rib(cle_rib="8"), "cle_rib", "La clé RIB compte 2 chiffres."),
        (
            donnees_iban(document_rib=SimpleUploadedFile("rib.txt", b"IBAN FR76...", "text/plain")),
            "document_rib",
            "L’extension du fichier n’est pas acceptée. Types acceptés : JPEG, JPG, PDF, PNG.",
        ),
        (
            donnees_iban(
                document_rib=SimpleUploadedFile("rib.pdf", b"pas un PDF\n", "application/pdf")
            ),
            "document_rib",
            "Le contenu du fichier ne correspond pas à un type accepté (JPEG, JPG, PDF, PNG).",
        ),
        (
            donnees_iban(
                document_rib=SimpleUploadedFile("rib.docx", b"PK\x03\x04", "application/zip")
            ),
            "document_rib",
            "L’extension du fichier n’est pas acceptée",
        ),
        (donnees_iban(document_rib=""), "document_rib", "Ce champ est obligatoire."),
        (
            donnees_iban(affactureur_raison_sociale="Affacturage SA"),
            "affactureur_identifiant",
            "Ce champ est obligatoire pour ce type",
        ),
        (
            donnees_iban(
                affactureur_raison_sociale="Affacturage SA",
                affactureur_type_identifiant="SIRET",
                affactureur_identifiant=SIRET_FAUX,
            ),
            "affactureur_identifiant",
            "Ce numéro SIRET est invalide",
        ),
        (
            donnees_iban(affactureur_raison_sociale="A", affactureur_pays="ZZ"),
            "affactureur_pays",
            "code pays ISO à deux lettres",
        ),
    ],
)
def test_saisie_refusee_sur_le_champ_sans_rien_enregistrer(
    client, monde, mailoutbox, django_capture_on_commit_callbacks, donnees, champ, message
):
    client.force_login(monde.utilisateurs["gp"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(monde, "coordonnee_creer"), donnees)
    assert response.status_code == 200
    erreurs = response.context["form"].errors
    assert any(message in e for e in erreurs[champ]), erreurs
    assert message.split("«")[0] in response.content.decode().replace("&#x27;", "'")
    assert not CoordonneeBancaire.objects.exists()
    assert not Document.objects.exists()
    assert mailoutbox == []


def test_consultation_ne_peut_pas_ajouter(client, monde):
    client.force_login(monde.utilisateurs["consultation"])
    assert client.get(url(monde, "coordonnee_creer")).status_code == 403
    assert client.post(url(monde, "coordonnee_creer"), donnees_iban()).status_code == 403
    assert not CoordonneeBancaire.objects.exists()


def test_un_etranger_recoit_404(client, monde):
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(url(monde, "coordonnee_creer"), donnees_iban()).status_code == 404
    assert not CoordonneeBancaire.objects.exists()


def test_mauvaises_methodes(client, monde):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite)
    client.force_login(monde.utilisateurs["gp"])
    for nom, args in [
        ("coordonnee_creer", []),
        ("coordonnee_modifier", [coordonnee.pk]),
        ("coordonnee_desactiver", [coordonnee.pk]),
    ]:
        assert client.put(url(monde, nom, *args)).status_code == 405, nom
    assert client.post(url(monde, "coordonnees")).status_code == 405
    assert client.post(url(monde, "coordonnee_rib", coordonnee.pk)).status_code == 405


def test_modifier_garde_le_rib_joint_si_aucun_nouveau(
    client, monde, mailoutbox, django_capture_on_commit_callbacks
):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite)
    document = coordonnee.document_rib
    client.force_login(monde.utilisateurs["gp"])
    assert client.get(url(monde, "coordonnee_modifier", coordonnee.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(monde, "coordonnee_modifier", coordonnee.pk),
            donnees_iban(libelle="Compte principal", document_rib=""),
        )
    assert response.status_code == 302
    coordonnee.refresh_from_db()
    assert coordonnee.libelle == "Compte principal"
    assert coordonnee.document_rib == document
    [mail] = mailoutbox
    assert "a modifié les coordonnées bancaires « Compte principal »" in mail.body


def test_modifier_remplace_le_rib(client, monde):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite)
    ancien = coordonnee.document_rib
    client.force_login(monde.utilisateurs["modification"])
    image = SimpleUploadedFile("nouveau.png", PNG_MINIMAL, content_type="image/png")
    response = client.post(
        url(monde, "coordonnee_modifier", coordonnee.pk), donnees_iban(document_rib=image)
    )
    assert response.status_code == 302
    coordonnee.refresh_from_db()
    assert coordonnee.document_rib != ancien
    assert coordonnee.document_rib.nom == "nouveau.png"


def test_modifier_refuse_un_iban_faux_sans_rien_changer(client, monde):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite)
    client.force_login(monde.utilisateurs["gp"])
    response = client.post(
        url(monde, "coordonnee_modifier", coordonnee.pk),
        donnees_iban(iban="FR7630006000011234567890188", libelle="Autre", document_rib=""),
    )
    assert response.status_code == 200
    assert "iban" in response.context["form"].errors
    coordonnee.refresh_from_db()
    assert (coordonnee.libelle, coordonnee.iban) != ("Autre", "FR7630006000011234567890188")


def test_desactiver_avec_confirmation_puis_deja_desactivee(
    client, monde, mailoutbox, django_capture_on_commit_callbacks
):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite, libelle="Ancien compte")
    client.force_login(monde.utilisateurs["gp"])
    page = client.get(url(monde, "coordonnee_desactiver", coordonnee.pk))
    assert "Désactiver les coordonnées bancaires « Ancien compte » ?" in page.content.decode()
    coordonnee.refresh_from_db()
    assert coordonnee.statut == "ACTIVE"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(monde, "coordonnee_desactiver", coordonnee.pk), follow=True)
    coordonnee.refresh_from_db()
    assert coordonnee.statut == "INACTIVE"
    assert "sont désactivées" in response.content.decode()
    [mail] = mailoutbox
    assert "a désactivé" in mail.body
    # A second click (another tab): refused, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(monde, "coordonnee_desactiver", coordonnee.pk), follow=True)
    assert "Ces coordonnées bancaires sont déjà désactivées." in response.content.decode()
    assert len(mailoutbox) == 1
    # And an inactive one can no longer be changed.
    response = client.get(url(monde, "coordonnee_modifier", coordonnee.pk), follow=True)
    assert "ne peuvent plus être modifiées" in response.content.decode()


def test_desactiver_en_consultation_403_et_etranger_404(client, monde):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite)
    client.force_login(monde.utilisateurs["consultation"])
    assert client.post(url(monde, "coordonnee_desactiver", coordonnee.pk)).status_code == 403
    client.force_login(monde.utilisateurs["autre"])
    assert client.post(url(monde, "coordonnee_desactiver", coordonnee.pk)).status_code == 404
    coordonnee.refresh_from_db()
    assert coordonnee.statut == "ACTIVE"


def test_le_rib_se_telecharge_apres_le_controle_d_acces(client, monde):
    coordonnee = CoordonneeBancaireFactory(structure=monde.entite)
    rib = url(monde, "coordonnee_rib", coordonnee.pk)
    for persona in ("consultation", "gp"):
        client.force_login(monde.utilisateurs[persona])
        response = client.get(rib)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_minimal()
        assert response["Content-Type"] == "application/pdf"
    for persona in ("autre", "support"):
        client.force_login(monde.utilisateurs[persona])
        assert client.get(rib).status_code == 404
    client.logout()
    assert client.get(rib).status_code == 302


def test_une_coordonnee_d_une_autre_structure_est_introuvable(client, monde):
    ailleurs = CoordonneeBancaireFactory(structure=monde.autre_structure)
    client.force_login(monde.utilisateurs["gp"])
    assert client.get(url(monde, "coordonnee_rib", ailleurs.pk)).status_code == 404
    assert client.get(url(monde, "coordonnee_modifier", ailleurs.pk)).status_code == 404


def test_liste_en_nombre_de_requetes_constant(client, monde, django_assert_max_num_queries):
    CoordonneeBancaireFactory.create_batch(3, structure=monde.entite)
    client.force_login(monde.utilisateurs["consultation"])
    with django_assert_max_num_queries(9):
        response = client.get(url(monde, "coordonnees"))
    assert response.status_code == 200
    CoordonneeBancaireFactory.create_batch(15, structure=monde.entite)
    CoordonneeBancaireFactory(structure=monde.entite, statut="INACTIVE", libelle="Zèbre")
    with django_assert_max_num_queries(9):
        response = client.get(url(monde, "coordonnees"))
    contenu = response.content.decode()
    assert "19 coordonnées bancaires" in contenu
    assert "Modifier" not in contenu  # consultation only


def test_structure_privee_aussi(client):
    structure = StructureFactory()
    from tests.habilitations.factories import UtilisateurFactory

    gp = UtilisateurFactory(gestionnaire_de=structure)
    client.force_login(gp)
    response = client.post(
        reverse("structures:coordonnee_creer", args=[structure.pk]), donnees_iban()
    )
    assert response.status_code == 302
    assert structure.coordonnees_bancaires.count() == 1
