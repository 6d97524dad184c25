"""`manage.py import_annuaire`: what an operator loading the directory gets."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from structures import annuaire
from structures.management.commands.import_annuaire import Command
from structures.models import Service, Structure
from tests.structures.factories import ServiceFactory, StructureFactory, siret_valide

pytestmark = pytest.mark.django_db

SIRET_A = siret_valide(1001)
SIRET_B = siret_valide(1002)
SIRET_C = siret_valide(1003)
SIRET_FAUX = SIRET_A[:-1] + str((int(SIRET_A[-1]) + 1) % 10)


def ligne(identifiant=SIRET_A, **valeurs):
    """A complete row of the file, valid unless told otherwise."""
    return {
        "identifiant": identifiant,
        "type_identifiant": "SIRET",
        "raison_sociale": f"Commune {identifiant[-5:]}",
        "adresse": "1 place de la Mairie",
        "code_postal": "69001",
        "ville": "Lyon",
        "pays": "FR",
        "statut": "ACTIVE",
        "code_service_obligatoire": "1",
        "numero_ej_obligatoire": "0",
        "code_service_ou_ej_obligatoire": "false",
        "mise_en_paiement_non_remontee": "true",
        "reception_edi": "0",
        "presence_moa": "AVEC_MOA",
        "code_service": "FIN",
        "libelle_service": "Finances",
        "statut_service": "ACTIF",
        "engagement_obligatoire_service": "1",
        **valeurs,
    }


def fichier(tmp_path, lignes, delimiteur=";", colonnes=None, nom="annuaire.csv", bom=False):
    colonnes = colonnes or list(lignes[0])
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=colonnes, delimiter=delimiteur)
    ecrivain.writeheader()
    for valeurs in lignes:
        ecrivain.writerow({c: valeurs.get(c, "") for c in colonnes})
    chemin = tmp_path / nom
    chemin.write_text(("\ufeff" if bom else "") + tampon.getvalue(), encoding="utf-8")
    return chemin


def importer(chemin, *args):
    sortie = io.StringIO()
    call_command("import_annuaire", str(chemin), *args, stdout=sortie)
    return sortie.getvalue()


def instantane():
    """Everything the import may touch, to prove a run changed nothing."""
    return (
        list(Structure.objects.order_by("pk").values()),
        list(Service.objects.order_by("pk").values()),
    )


# --- creating, updating, running twice -------------------------------------------------------


def test_cree_les_structures_publiques_et_leurs_services(tmp_path):
    chemin = fichier(
        tmp_path,
        [
            ligne(SIRET_A),
            ligne(SIRET_A, code_service="RH", libelle_service="Ressources humaines"),
            ligne(
                SIRET_B,
                code_service="",
                libelle_service="",
                statut_service="",
                engagement_obligatoire_service="",
            ),
        ],
    )
    sortie = importer(chemin)
    assert "Structures : 2 créées, 0 modifiées, 0 inchangées." in sortie
    assert "Services : 2 créés, 0 modifiés, 0 inchangés." in sortie
    assert "Lignes : 3 acceptées, 0 refusées." in sortie

    a = Structure.objects.get(identifiant=SIRET_A)
    assert a.categorie == "PUBLIQUE"
    assert a.type_identifiant == "SIRET"
    assert (a.raison_sociale, a.adresse, a.code_postal, a.ville, a.pays, a.statut) == (
        f"Commune {SIRET_A[-5:]}",
        "1 place de la Mairie",
        "69001",
        "Lyon",
        "FR",
        "ACTIVE",
    )
    assert a.code_service_obligatoire and a.mise_en_paiement_non_remontee
    assert not (a.numero_ej_obligatoire or a.code_service_ou_ej_obligatoire or a.reception_edi)
    assert a.presence_moa == "AVEC_MOA"
    assert a.gestionnaire_principal is None
    services = {s.code: s for s in a.services.all()}
    assert set(services) == {"FIN", "RH"}
    assert services["FIN"].libelle == "Finances"
    assert services["FIN"].engagement_obligatoire
    assert services["FIN"].statut == "ACTIF"
    assert not Structure.objects.get(identifiant=SIRET_B).services.exists()


def test_un_second_passage_ne_change_rien(tmp_path):
    chemin = fichier(
        tmp_path,
        [ligne(SIRET_A), ligne(SIRET_A, code_service="RH"), ligne(SIRET_B)],
    )
    importer(chemin)
    avant = instantane()
    sortie = importer(chemin)
    assert "Structures : 0 créées, 0 modifiées, 2 inchangées." in sortie
    assert "Services : 0 créés, 0 modifiés, 3 inchangés." in sortie
    assert instantane() == avant


def test_une_ligne_met_a_jour_une_structure_existante(tmp_path):
    importer(fichier(tmp_path, [ligne(SIRET_A), ligne(SIRET_B)]))
    sortie = importer(
        fichier(
            tmp_path,
            [
                ligne(
                    SIRET_A,
                    raison_sociale="Commune nouvelle",
                    statut="INACTIVE",
                    libelle_service="Direction des finances",
                    statut_service="INACTIF",
                ),
                ligne(SIRET_B),
            ],
            nom="v2.csv",
        )
    )
    assert "Structures : 0 créées, 1 modifiées, 1 inchangées." in sortie
    assert "Services : 0 créés, 1 modifiés, 1 inchangés." in sortie
    a = Structure.objects.get(identifiant=SIRET_A)
    assert (a.raison_sociale, a.statut) == ("Commune nouvelle", "INACTIVE")
    service = a.services.get()
    assert (service.libelle, service.statut) == ("Direction des finances", "INACTIF")


def test_la_mise_a_jour_garde_ce_que_le_fichier_ne_dit_pas(tmp_path):
    structure = StructureFactory(
        publique=True, identifiant=SIRET_A, libelle="Libellé du GP", email="mairie@exemple.fr"
    )
    ServiceFactory(structure=structure, code="ANCIEN", libelle="Service hors fichier")
    colonnes = [
        "identifiant",
        "type_identifiant",
        "raison_sociale",
        "code_service",
        "libelle_service",
    ]
    sortie = importer(
        fichier(tmp_path, [ligne(SIRET_A, raison_sociale="Mairie")], colonnes=colonnes)
    )
    assert "Structures : 0 créées, 1 modifiées, 0 inchangées." in sortie
    structure.refresh_from_db()
    # Columns absent from the file and data the directory does not carry are left alone.
    assert (structure.raison_sociale, structure.ville, structure.libelle, structure.email) == (
        "Mairie",
        "Lyon",
        "Libellé du GP",
        "mairie@exemple.fr",
    )
    # Nothing is deleted or deactivated for being absent from the file.
    assert set(structure.services.values_list("code", "statut")) == {
        ("ANCIEN", "ACTIF"),
        ("FIN", "ACTIF"),
    }


def test_une_structure_privee_du_meme_identifiant_n_est_pas_touchee(tmp_path):
    privee = StructureFactory(identifiant=SIRET_A, raison_sociale="Plomberie Martin")
    sortie = importer(fichier(tmp_path, [ligne(SIRET_A), ligne(SIRET_B)]))
    assert "Ligne 2 refusée : cet identifiant est celui d'une structure privée" in sortie
    assert "Structures : 1 créées" in sortie
    privee.refresh_from_db()
    assert (privee.categorie, privee.raison_sociale) == ("PRIVEE", "Plomberie Martin")
    assert not privee.services.exists()


def test_les_valeurs_par_defaut_et_les_booleens_acceptes(tmp_path):
    colonnes = [
        "identifiant",
        "type_identifiant",
        "raison_sociale",
        "statut",
        "pays",
        "presence_moa",
        "reception_edi",
        "numero_ej_obligatoire",
        "code_service",
        "libelle_service",
        "statut_service",
    ]
    importer(
        fichier(
            tmp_path,
            [
                ligne(
                    SIRET_A,
                    statut="",
                    pays="",
                    presence_moa="",
                    reception_edi="OUI",
                    numero_ej_obligatoire="Vrai",
                    statut_service="actif",
                ),
                ligne(
                    SIRET_B, type_identifiant="siret", reception_edi="", numero_ej_obligatoire="non"
                ),
            ],
            colonnes=colonnes,
        )
    )
    a = Structure.objects.get(identifiant=SIRET_A)
    assert (a.statut, a.pays, a.presence_moa) == ("ACTIVE", "FR", "SANS_MOA")
    assert a.reception_edi and a.numero_ej_obligatoire
    b = Structure.objects.get(identifiant=SIRET_B)
    assert (b.type_identifiant, b.reception_edi, b.numero_ej_obligatoire) == ("SIRET", False, False)


def test_un_siret_saisi_avec_des_espaces_est_enregistre_compact(tmp_path):
    espace = " ".join([SIRET_A[:3], SIRET_A[3:6], SIRET_A[6:9], SIRET_A[9:]])
    importer(fichier(tmp_path, [ligne(espace)]))
    assert Structure.objects.get().identifiant == SIRET_A


# --- refused rows ----------------------------------------------------------------------------


def test_les_lignes_invalides_sont_refusees_avec_leur_numero_et_leur_motif(tmp_path):
    chemin = fichier(
        tmp_path,
        [
            ligne(SIRET_A),  # line 2: accepted
            ligne(SIRET_FAUX),  # 3
            ligne(SIRET_B, raison_sociale=""),  # 4
            ligne(SIRET_B, statut="FERMEE"),  # 5
            ligne(SIRET_B, reception_edi="peut-être"),  # 6
            ligne(SIRET_B, type_identifiant="SIREN"),  # 7
            ligne(SIRET_B, code_service="X", libelle_service=""),  # 8
            ligne("1234"),  # 9
            ligne(SIRET_B, presence_moa="PARFOIS"),  # 10
            ligne(SIRET_B, pays="ZZ"),  # 11
            ligne(SIRET_B, code_postal="6900"),  # 12
            ligne(SIRET_B, raison_sociale="x" * 201),  # 13
            ligne(SIRET_B, statut_service="FERME"),  # 14
            ligne(SIRET_C),  # 15: accepted
        ],
    )
    sortie = importer(chemin)
    attendus = {
        3: "identifiant « "
        + SIRET_FAUX
        + " » : Ce numéro SIRET est invalide (clé de contrôle erronée)",
        4: "raison_sociale : obligatoire.",
        5: "statut : valeur inconnue « FERMEE »",
        6: "reception_edi : « peut-être » n'est pas un booléen",
        7: "type_identifiant : valeur inconnue « SIREN »",
        8: "libelle_service : obligatoire quand un code service est donné.",
        9: "identifiant « 1234 » : Un numéro SIRET compte 14 chiffres.",
        10: "presence_moa : valeur inconnue « PARFOIS »",
        11: "pays : « ZZ » n'est pas un code pays ISO à deux lettres.",
        12: "code_postal : « 6900 » n'est pas un code postal français (5 chiffres).",
        13: "raison_sociale : 201 caractères, 200 au plus.",
        14: "statut_service : valeur inconnue « FERME »",
    }
    for numero, motif in attendus.items():
        assert f"Ligne {numero} refusée : " in sortie, numero
        ligne_sortie = next(x for x in sortie.splitlines() if x.startswith(f"Ligne {numero} "))
        assert motif in ligne_sortie, (numero, ligne_sortie)
    assert "Lignes : 2 acceptées, 12 refusées." in sortie
    assert set(Structure.objects.values_list("identifiant", flat=True)) == {SIRET_A, SIRET_C}


def test_une_ligne_refusee_n_ecrit_rien_pas_meme_sa_structure(tmp_path):
    sortie = importer(
        fichier(tmp_path, [ligne(SIRET_A, engagement_obligatoire_service="2"), ligne(SIRET_B)])
    )
    assert "Ligne 2 refusée : engagement_obligatoire_service" in sortie
    assert not Structure.objects.filter(identifiant=SIRET_A).exists()
    assert Structure.objects.filter(identifiant=SIRET_B).exists()


def test_plusieurs_motifs_sur_une_meme_ligne(tmp_path):
    sortie = importer(fichier(tmp_path, [ligne(SIRET_FAUX, statut="X", reception_edi="Z")]))
    refus = next(x for x in sortie.splitlines() if x.startswith("Ligne 2 "))
    assert "clé de contrôle" in refus
    assert "statut : valeur inconnue" in refus
    assert "reception_edi" in refus


def test_une_ligne_au_nombre_de_champs_faux_est_refusee(tmp_path):
    chemin = tmp_path / "court.csv"
    chemin.write_text(
        f"identifiant;type_identifiant;raison_sociale\n{SIRET_A};SIRET\n{SIRET_B};SIRET;Mairie B\n",
        encoding="utf-8",
    )
    sortie = importer(chemin)
    assert "Ligne 2 refusée : la ligne compte 2 champs au lieu de 3." in sortie
    assert list(Structure.objects.values_list("raison_sociale", flat=True)) == ["Mairie B"]


def test_les_lignes_d_une_structure_doivent_concorder(tmp_path):
    sortie = importer(
        fichier(
            tmp_path,
            [
                ligne(SIRET_A),
                ligne(SIRET_A, code_service="RH", ville="Villeurbanne"),
                ligne(SIRET_A, code_service="FIN"),
            ],
        )
    )
    assert (
        "Ligne 3 refusée : les données de la structure (ville) diffèrent de celles de la "
        "ligne 2." in sortie
    )
    assert "Ligne 4 refusée : le service FIN de cette structure figure déjà ligne 2." in sortie
    assert list(Structure.objects.get().services.values_list("code", flat=True)) == ["FIN"]


def test_un_refus_de_la_base_ne_touche_que_sa_structure(tmp_path, monkeypatch):
    """A chunk the database refuses is replayed structure by structure."""
    ecrire = annuaire._ecrire_paquet

    def ecrire_sauf_b(groupes, refus):
        resultat = ecrire(groupes, refus)
        if any(g.cle[1] == SIRET_B for g in groupes):
            raise IntegrityError("doublon simulé")
        return resultat

    monkeypatch.setattr(annuaire.import_csv.ecriture, "_ecrire_paquet", ecrire_sauf_b)
    sortie = importer(
        fichier(
            tmp_path,
            [ligne(SIRET_A), ligne(SIRET_B), ligne(SIRET_B, code_service="RH"), ligne(SIRET_C)],
        )
    )
    assert "Ligne 3 refusée : la base de données a refusé l'enregistrement (doublon simulé)." in (
        sortie
    )
    assert "Ligne 4 refusée : la base de données a refusé" in sortie
    assert "Structures : 2 créées" in sortie
    assert set(Structure.objects.values_list("identifiant", flat=True)) == {SIRET_A, SIRET_C}
    assert Service.objects.count() == 2


def test_le_rapport_csv_dit_le_sort_de_chaque_ligne(tmp_path):
    rapport = tmp_path / "rapport.csv"
    sortie = importer(
        fichier(tmp_path, [ligne(SIRET_A), ligne(SIRET_FAUX), ligne(SIRET_A, code_service="RH")]),
        "--rapport",
        str(rapport),
    )
    assert f"Rapport ligne par ligne : {rapport}" in sortie
    lignes = list(csv.reader(rapport.open(encoding="utf-8"), delimiter=";"))
    assert lignes[0] == ["ligne", "identifiant", "code_service", "resultat", "detail"]
    assert lignes[1] == ["2", SIRET_A, "FIN", "acceptée", "structure créée, service créé"]
    assert lignes[2][:4] == ["3", SIRET_FAUX, "FIN", "refusée"]
    assert "clé de contrôle" in lignes[2][4]
    assert lignes[3] == ["4", SIRET_A, "RH", "acceptée", "structure créée, service créé"]


# --- the file itself -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiteur", [";", ","])
def test_le_separateur_est_detecte(tmp_path, delimiteur):
    chemin = fichier(
        tmp_path,
        [ligne(SIRET_A, raison_sociale="Commune de Saint-Genis; Laval, et environs")],
        delimiteur=delimiteur,
    )
    assert "Lignes : 1 acceptées, 0 refusées." in importer(chemin)
    assert Structure.objects.get().raison_sociale == "Commune de Saint-Genis; Laval, et environs"


def test_un_fichier_avec_bom_et_fins_de_ligne_windows(tmp_path):
    chemin = tmp_path / "excel.csv"
    chemin.write_bytes(
        "\ufeffIdentifiant;Type_Identifiant;Raison_Sociale\r\n"
        f"{SIRET_A};SIRET;Mairie d'Évian\r\n\r\n".encode()
    )
    assert "Lignes : 1 acceptées, 0 refusées." in importer(chemin)
    assert Structure.objects.get().raison_sociale == "Mairie d'Évian"


def test_un_fichier_qui_n_est_pas_en_utf8_est_refuse_clairement(tmp_path):
    chemin = tmp_path / "latin1.csv"
    chemin.write_bytes(
        f"identifiant;type_identifiant;raison_sociale\n{SIRET_A};SIRET;Mairie\n"
        f"{SIRET_B};SIRET;Mairie d'Évian\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match=r"pas encodé en UTF-8 .*ligne 3"):
        importer(chemin)
    assert not Structure.objects.exists()


def test_un_fichier_binaire_est_refuse_clairement(tmp_path):
    chemin = tmp_path / "facture.pdf"
    chemin.write_bytes(b"%PDF-1.7\n\x00\x01\x02\xff binary")
    with pytest.raises(CommandError, match="n'est pas un fichier CSV"):
        importer(chemin)


def test_un_fichier_sans_les_colonnes_obligatoires_est_refuse(tmp_path):
    chemin = tmp_path / "texte.csv"
    chemin.write_text("Bonjour, voici la liste.\nMairie de Lyon\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonnes obligatoires absentes : identifiant, "):
        importer(chemin)


def test_une_colonne_inconnue_est_signalee(tmp_path):
    chemin = fichier(tmp_path, [{**ligne(SIRET_A), "siren": "123"}])
    with pytest.raises(CommandError, match="Colonnes inconnues : siren"):
        importer(chemin)
    assert not Structure.objects.exists()


@pytest.mark.parametrize(
    ("contenu", "message"),
    [(b"", "Le fichier est vide."), (b"\n  \n", "Le fichier est vide.")],
)
def test_un_fichier_vide(tmp_path, contenu, message):
    chemin = tmp_path / "vide.csv"
    chemin.write_bytes(contenu)
    with pytest.raises(CommandError, match=message):
        importer(chemin)


def test_un_fichier_introuvable(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        importer(tmp_path / "absent.csv")


def test_l_aide_documente_les_colonnes():
    aide = Command().create_parser("manage.py", "import_annuaire").format_help()
    for colonne in annuaire.NOMS_DES_COLONNES:
        assert colonne in aide
    assert "--rapport" in aide
    assert "(obligatoire)" in aide


def test_l_import_travaille_par_paquets_pas_ligne_a_ligne(tmp_path, django_assert_max_num_queries):
    lignes = [
        ligne(siret_valide(5000 + i), code_service=code)
        for i in range(150)
        for code in ("FIN", "RH")
    ]
    chemin = fichier(tmp_path, lignes)
    with django_assert_max_num_queries(15):  # not one per row: 300 rows
        importer(chemin)
    assert Structure.objects.count() == 150
    assert Service.objects.count() == 300
    with django_assert_max_num_queries(8):
        sortie = importer(chemin)
    assert "Structures : 0 créées, 0 modifiées, 150 inchangées." in sortie
