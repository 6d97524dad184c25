"""The public directory: what a visitor finds, and what a supplier reads on a structure."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from structures import annuaire
from structures.models import EntreeAnnuaire, Structure
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

URL = reverse("structures:annuaire")


def _detail(structure):
    return reverse("structures:annuaire_detail", args=[structure.pk])


def _resultats(response):
    """Raisons sociales of the result table, in order."""
    return [s.raison_sociale for s in response.context["page_obj"]]


def _chercher(client, **criteres):
    response = client.get(URL, criteres)
    assert response.status_code == 200
    return response


def publique(**kwargs):
    return StructureFactory(publique=True, **kwargs)


# --- search ----------------------------------------------------------------------------------


def test_un_visiteur_anonyme_consulte_l_annuaire(client):
    publique(raison_sociale="Mairie de Lyon")
    response = _chercher(client)
    assert _resultats(response) == ["Mairie de Lyon"]
    contenu = response.content.decode()
    assert "1 structure publique trouvée" in contenu
    assert _detail(response.context["page_obj"][0]) in contenu


def test_un_utilisateur_connecte_consulte_aussi_l_annuaire(client):
    publique(raison_sociale="Mairie de Lyon")
    client.force_login(UtilisateurFactory())
    assert _resultats(_chercher(client)) == ["Mairie de Lyon"]


def test_les_structures_privees_n_apparaissent_jamais(client):
    publique(raison_sociale="Commune de Brest", identifiant="21290019300016")
    StructureFactory(raison_sociale="Brest Plomberie")
    assert _resultats(_chercher(client)) == ["Commune de Brest"]
    assert _resultats(_chercher(client, raison_sociale="brest")) == ["Commune de Brest"]
    prive = StructureFactory(raison_sociale="Garage")
    assert _resultats(_chercher(client, identifiant=prive.identifiant)) == []


def test_recherche_par_une_partie_de_l_identifiant(client):
    publique(raison_sociale="A", identifiant="21690123400019")
    publique(raison_sociale="B", identifiant="21750001600019")
    assert _resultats(_chercher(client, identifiant="01234")) == ["A"]
    # As the user may type it: spaces, lower case.
    assert _resultats(_chercher(client, identifiant=" 216 901 234 ")) == ["A"]
    assert _resultats(_chercher(client, identifiant="0019")) == ["A", "B"]


@pytest.mark.parametrize("saisie", ["12", "1", " 1 2 "])
def test_moins_de_trois_caracteres_d_identifiant_sont_refuses(client, saisie):
    publique(raison_sociale="A", identifiant="21690123400019")
    response = _chercher(client, identifiant=saisie)
    assert response.context["page_obj"] is None
    contenu = response.content.decode()
    assert "Saisissez au moins 3 caractères de l&#x27;identifiant" in contenu
    assert "Corrigez les critères signalés" in contenu
    assert "structure publique trouvée" not in contenu


def test_recherche_par_raison_sociale_sans_casse_ni_accents(client):
    publique(raison_sociale="Mairie de Saint-Étienne")
    publique(raison_sociale="Œuvre départementale de l'enfance")
    publique(raison_sociale="Mairie de Lyon")
    for saisie in ["saint etienne", "SAINT-ÉTIENNE", "étienne", "Etienne", "  saint   étienne "]:
        assert _resultats(_chercher(client, raison_sociale=saisie)) == [
            "Mairie de Saint-Étienne"
        ], saisie
    assert _resultats(_chercher(client, raison_sociale="oeuvre departementale")) == [
        "Œuvre départementale de l'enfance"
    ]
    assert _resultats(_chercher(client, raison_sociale="l enfance")) == [
        "Œuvre départementale de l'enfance"
    ]
    assert _resultats(_chercher(client, raison_sociale="mairie")) == [
        "Mairie de Lyon",
        "Mairie de Saint-Étienne",
    ]


def test_recherche_sur_un_caractere_special_du_like(client):
    publique(raison_sociale="Taux 100% public")
    publique(raison_sociale="Taux 1000 public")
    assert _resultats(_chercher(client, raison_sociale="100%")) == ["Taux 100% public"]
    assert _resultats(_chercher(client, raison_sociale="_")) == []


def test_recherche_par_debut_du_code_postal(client):
    publique(raison_sociale="Lyon 1", code_postal="69001")
    publique(raison_sociale="Lyon 2", code_postal="69002")
    publique(raison_sociale="Paris", code_postal="75001")
    publique(raison_sociale="Ailleurs", code_postal="16900")
    assert _resultats(_chercher(client, code_postal="69")) == ["Lyon 1", "Lyon 2"]
    assert _resultats(_chercher(client, code_postal="69002")) == ["Lyon 2"]


def test_recherche_par_ville(client):
    publique(raison_sociale="A", ville="Orléans")
    publique(raison_sociale="B", ville="Saint-Jean-de-Braye")
    publique(raison_sociale="C", ville="Lyon")
    assert _resultats(_chercher(client, ville="orleans")) == ["A"]
    assert _resultats(_chercher(client, ville="jean de")) == ["B"]


def test_recherche_par_statut(client):
    publique(raison_sociale="Active")
    publique(raison_sociale="Fermée", inactive=True)
    assert _resultats(_chercher(client, statut="ACTIVE")) == ["Active"]
    assert _resultats(_chercher(client, statut="INACTIVE")) == ["Fermée"]
    assert _resultats(_chercher(client)) == ["Active", "Fermée"]
    response = _chercher(client, statut="SUPPRIMEE")
    assert response.context["page_obj"] is None
    assert "statut" in response.context["form"].errors


def test_les_criteres_se_cumulent(client):
    publique(raison_sociale="Mairie", ville="Lyon", code_postal="69001")
    publique(raison_sociale="Mairie", ville="Paris", code_postal="75001")
    publique(raison_sociale="Préfecture", ville="Lyon", code_postal="69003")
    response = _chercher(client, raison_sociale="mairie", ville="lyon")
    assert [s.ville for s in response.context["page_obj"]] == ["Lyon"]
    assert _resultats(_chercher(client, raison_sociale="mairie", code_postal="75")) == ["Mairie"]


def test_pagination_par_vingt_avec_le_nombre_de_resultats(client):
    for i in range(25):
        publique(raison_sociale=f"Commune {i:02d}")
    page_1 = _chercher(client)
    assert len(_resultats(page_1)) == 20
    assert "25 structures publiques trouvées" in page_1.content.decode()
    page_2 = _chercher(client, page=2)
    assert _resultats(page_2) == [f"Commune {i:02d}" for i in range(20, 25)]
    # Criteria are kept in the page links.
    filtree = _chercher(client, raison_sociale="commune", page=2)
    assert "raison_sociale=commune&amp;page=1" in filtree.content.decode()
    # A page beyond the last shows the last one.
    assert _resultats(_chercher(client, page=99)) == _resultats(page_2)


def test_au_dela_du_plafond_la_liste_demande_de_preciser(client, monkeypatch):
    # Read by the view (the "more than…" message) through the package, and by
    # PaginateurPlafonne in the submodule: patch both.
    monkeypatch.setattr(annuaire, "PLAFOND_DES_RESULTATS", 25)
    monkeypatch.setattr(annuaire.recherche, "PLAFOND_DES_RESULTATS", 25)
    for i in range(30):
        publique(raison_sociale=f"Commune {i:02d}")
    response = _chercher(client, raison_sociale="commune", page=2)
    contenu = response.content.decode()
    assert "Plus de 25 structures publiques trouvées" in contenu
    assert "précisez votre recherche" in contenu
    # Only the first 25, in the chosen order, can be browsed.
    assert _resultats(response) == [f"Commune {i:02d}" for i in range(20, 25)]
    assert response.context["page_obj"].paginator.num_pages == 2
    assert "Plus de" not in _chercher(client, raison_sociale="commune 1").content.decode()


def test_tri_par_raison_sociale_identifiant_et_ville(client):
    publique(raison_sociale="Bravo", ville="Caen")
    publique(raison_sociale="Alpha", ville="Dijon")
    publique(raison_sociale="Charlie", ville="Amiens")
    assert _resultats(_chercher(client)) == ["Alpha", "Bravo", "Charlie"]
    assert _resultats(_chercher(client, tri="-raison_sociale")) == ["Charlie", "Bravo", "Alpha"]
    assert _resultats(_chercher(client, tri="ville")) == ["Charlie", "Bravo", "Alpha"]
    assert _resultats(_chercher(client, tri="-ville")) == ["Alpha", "Bravo", "Charlie"]
    par_identifiant = [
        s.identifiant for s in _chercher(client, tri="identifiant").context["page_obj"]
    ]
    assert par_identifiant == sorted(par_identifiant)
    # An unknown sort falls back to the raison sociale.
    assert _resultats(_chercher(client, tri="gestionnaire_principal")) == [
        "Alpha",
        "Bravo",
        "Charlie",
    ]


def test_une_recherche_par_partie_du_nom_trie_sans_tenir_compte_des_accents(client):
    publique(raison_sociale="Mairie B", ville="Évreux", identifiant="21270229200011")
    publique(raison_sociale="Mairie A", ville="Fontaine", identifiant="21210001200013")
    publique(raison_sociale="Mairie C", ville="Dijon", identifiant="21380169400011")
    publique(raison_sociale="Préfecture", ville="Amiens")
    assert _resultats(_chercher(client, raison_sociale="mairie")) == [
        "Mairie A",
        "Mairie B",
        "Mairie C",
    ]
    assert _resultats(_chercher(client, raison_sociale="mairie", tri="ville")) == [
        "Mairie C",  # Dijon
        "Mairie B",  # Évreux
        "Mairie A",  # Fontaine
    ]
    assert _resultats(_chercher(client, raison_sociale="mairie", tri="-ville")) == [
        "Mairie A",
        "Mairie B",
        "Mairie C",
    ]
    assert _resultats(_chercher(client, raison_sociale="mairie", tri="-identifiant")) == [
        "Mairie C",
        "Mairie B",
        "Mairie A",
    ]


def test_les_noms_se_classent_mot_a_mot(client):
    publique(raison_sociale="Mairie de Dijon")
    publique(raison_sociale="Mairie d'Évry")
    publique(raison_sociale="Mairie d’Alès")
    assert _resultats(_chercher(client, raison_sociale="mairie d")) == [
        "Mairie d’Alès",
        "Mairie d'Évry",
        "Mairie de Dijon",
    ]


def test_le_classement_ne_depend_pas_du_nombre_de_resultats(client, monkeypatch):
    """Up to the cap, the page is cut from the matches sorted by the portal; beyond it,
    sorted by the database. Both must give the same order."""
    noms = [
        "Mairie d'Évry",
        "Mairie de Dijon",
        "MAIRIE DE DIJON",
        "Mairie d’Alès",
        "Mairie 10",
        "Mairie 2",
        "Mairie-Annexe",
        "Mairie Œuvre",
    ]
    villes = ["Évry", "Dijon", "Alès", "Château-Thierry"]
    for i, nom in enumerate(noms):
        publique(raison_sociale=nom, ville=villes[i % len(villes)])
    tris = ["raison_sociale", "-raison_sociale", "ville", "-ville", "identifiant", "-identifiant"]

    def classement(tri):
        page = _chercher(client, raison_sociale="mairie", tri=tri).context["page_obj"]
        return page.paginator.depasse_le_plafond, [s.pk for s in page]

    sous_le_plafond = {tri: classement(tri) for tri in tris}
    monkeypatch.setattr(annuaire.recherche, "PLAFOND_DES_RESULTATS", len(noms) - 1)
    for tri in tris:
        depasse, au_dela = classement(tri)
        assert depasse
        assert not sous_le_plafond[tri][0]
        assert au_dela == sous_le_plafond[tri][1][: len(noms) - 1], tri


def test_les_en_tetes_de_colonnes_trient_puis_inversent(client):
    publique(raison_sociale="Alpha")
    contenu = _chercher(client, ville="", tri="ville").content.decode()
    assert re.search(
        r'aria-sort="ascending">\s*<a class="fr-link" href="\?ville=&amp;tri=-ville"', contenu
    )
    assert 'href="?ville=&amp;tri=raison_sociale"' in contenu
    contenu = _chercher(client, tri="-ville", page=2).content.decode()
    assert 'aria-sort="descending"' in contenu
    assert 'href="?tri=ville"' in contenu  # back to page 1


def test_la_recherche_refuse_les_autres_methodes(client):
    assert client.post(URL).status_code == 405


def test_la_recherche_garde_un_nombre_de_requetes_fixe(client, django_assert_max_num_queries):
    for i in range(30):
        publique(raison_sociale=f"Commune {i}")
    with django_assert_max_num_queries(2):  # count + page
        assert client.get(URL, {"raison_sociale": "commune"}).status_code == 200
    client.force_login(UtilisateurFactory())
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"raison_sociale": "commune"}).status_code == 200


def test_le_pied_de_page_mene_a_l_annuaire(client):
    assert f'href="{URL}"' in client.get(reverse("accueil")).content.decode()


# --- detail ----------------------------------------------------------------------------------


def test_la_fiche_donne_ce_qu_il_faut_pour_facturer(client):
    structure = publique(
        raison_sociale="Mairie de Lyon",
        identifiant="21690123400019",
        adresse="1 place de la Comédie",
        code_postal="69001",
        ville="Lyon",
        code_service_obligatoire=True,
        numero_ej_obligatoire=False,
        reception_edi=True,
        presence_moa="AVEC_MOA",
    )
    ServiceFactory(structure=structure, code="FIN", libelle="Finances", engagement_obligatoire=True)
    ServiceFactory(structure=structure, code="ECO", libelle="Écoles")
    response = client.get(_detail(structure))
    assert response.status_code == 200
    contenu = response.content.decode()
    for attendu in [
        "Mairie de Lyon",
        "21690123400019",
        "1 place de la Comédie",
        "69001 Lyon",
        "Indiquez sur votre facture le code du service destinataire.",
        "Code service obligatoire",
        "Avec MOA",
        "Finances",
        "Écoles",
        "2 services actifs",
    ]:
        assert attendu in contenu, attendu
    parametres = {p.libelle: p.valeur for p in response.context["parametres"]}
    assert parametres == {
        "Code service obligatoire": "Oui",
        "Numéro d'engagement obligatoire": "Non",
        "Code service ou numéro d'engagement obligatoire": "Non",
        "Mise en paiement non communiquée": "Non",
        "Réception par EDI": "Oui",
        "Présence d'une maîtrise d'ouvrage (MOA)": "Avec MOA",
    }
    services = [(s.code, s.engagement_obligatoire) for s in response.context["page_obj"]]
    assert services == [("ECO", False), ("FIN", True)]


@pytest.mark.parametrize(
    ("parametres", "consigne"),
    [
        (
            {"code_service_obligatoire": True, "numero_ej_obligatoire": True},
            "le code du service destinataire et le numéro d'engagement",
        ),
        ({"numero_ej_obligatoire": True}, "le numéro d'engagement (bon de commande)"),
        ({"code_service_ou_ej_obligatoire": True}, "au moins le code du service"),
        ({}, "n'exige ni code service ni numéro d'engagement"),
    ],
)
def test_la_consigne_suit_les_parametres(client, parametres, consigne):
    structure = publique(**parametres)
    assert consigne in client.get(_detail(structure)).context["consigne"]


def test_la_fiche_ne_montre_que_les_services_actifs_de_la_structure(client):
    structure = publique()
    ServiceFactory(structure=structure, code="ACTIF1")
    ServiceFactory(structure=structure, code="FERME", statut="INACTIF")
    ServiceFactory(structure=publique(), code="AILLEURS")
    response = client.get(_detail(structure))
    assert [s.code for s in response.context["page_obj"]] == ["ACTIF1"]
    contenu = response.content.decode()
    assert "FERME" not in contenu
    assert "AILLEURS" not in contenu


def test_la_fiche_pagine_et_filtre_les_services(client, django_assert_max_num_queries):
    structure = publique()
    for i in range(45):
        ServiceFactory(structure=structure, code=f"S{i:02d}", libelle=f"Service {i:02d}")
    ServiceFactory(structure=structure, code="COMPTA", libelle="Comptabilité générale")
    with django_assert_max_num_queries(3):  # structure, count, page
        response = client.get(_detail(structure), {"page": 3})
    # COMPTA sorts first: page 3 holds the 41st to 46th.
    assert [s.code for s in response.context["page_obj"]] == [f"S{i}" for i in range(39, 45)]
    assert "46 services actifs" in response.content.decode()
    assert [
        s.code for s in client.get(_detail(structure), {"service": "générale"}).context["page_obj"]
    ] == ["COMPTA"]
    assert [
        s.code for s in client.get(_detail(structure), {"service": "compta"}).context["page_obj"]
    ] == ["COMPTA"]
    vide = client.get(_detail(structure), {"service": "introuvable"})
    assert "Aucun service actif ne correspond à cette recherche." in vide.content.decode()


def test_une_structure_inactive_le_dit(client):
    structure = publique(inactive=True)
    contenu = client.get(_detail(structure)).content.decode()
    assert "elle ne reçoit plus de factures" in contenu


def test_la_fiche_d_une_structure_privee_est_introuvable(client):
    privee = StructureFactory()
    assert client.get(_detail(privee)).status_code == 404
    client.force_login(UtilisateurFactory(gestionnaire_de=privee))
    # Even its own GP does not find it in the public directory.
    assert client.get(_detail(privee)).status_code == 404


def test_la_fiche_d_une_structure_inconnue_est_introuvable(client):
    assert client.get(reverse("structures:annuaire_detail", args=[987654])).status_code == 404


def test_la_fiche_refuse_les_autres_methodes(client):
    assert client.post(_detail(publique())).status_code == 405


# --- the search table: kept in step with the structures, and its indexes ---------------------


def _entree(structure):
    return EntreeAnnuaire.objects.get(structure=structure)


@pytest.mark.parametrize(
    ("saisie", "cle"),
    [
        ("Saint-Étienne", "SAINT ETIENNE"),
        ("  l’Œuvre  d'Ève ", "L OEUVRE D EVE"),
        ("çà et là", "CA ET LA"),
    ],
)
def test_la_cle_de_recherche_est_stockee_et_suit_chaque_modification(saisie, cle):
    assert annuaire.cle_de_recherche(saisie) == cle
    structure = publique(raison_sociale=saisie.strip(), ville="Paris")
    assert _entree(structure).cle_raison_sociale == cle
    # A save limited to some fields keeps the row in step with those fields.
    structure.ville = "Saint-Étienne"
    structure.save(update_fields=["ville"])
    assert _entree(structure).cle_ville == "SAINT ETIENNE"
    assert annuaire.structures_de_l_annuaire(ville="SAINT ETIENNE")[0:20] == [structure]


def test_une_structure_modifiee_se_trouve_par_ses_nouvelles_valeurs(client):
    structure = publique(raison_sociale="Mairie de Lyon", code_postal="69001")
    structure.raison_sociale = "Mairie de Caen"
    structure.code_postal = "14000"
    structure.save()
    assert _resultats(_chercher(client, raison_sociale="lyon")) == []
    assert _resultats(_chercher(client, raison_sociale="caen", code_postal="14")) == [
        "Mairie de Caen"
    ]
    structure.statut = "INACTIVE"
    structure.save(update_fields=["statut"])
    assert _resultats(_chercher(client, raison_sociale="caen", statut="ACTIVE")) == []
    assert _resultats(_chercher(client, raison_sociale="caen", statut="INACTIVE")) == [
        "Mairie de Caen"
    ]


def test_seules_les_structures_publiques_sont_dans_la_table_de_recherche(client):
    structure = StructureFactory(raison_sociale="Régie des eaux")
    assert not EntreeAnnuaire.objects.exists()
    structure.categorie = "PUBLIQUE"
    structure.save()
    assert _resultats(_chercher(client, raison_sociale="regie")) == ["Régie des eaux"]
    structure.categorie = "PRIVEE"
    structure.save(update_fields=["categorie"])
    assert not EntreeAnnuaire.objects.exists()
    assert _resultats(_chercher(client, raison_sociale="regie")) == []
    publique().delete()
    assert not EntreeAnnuaire.objects.exists()


def test_une_mise_a_jour_groupee_tient_la_table_de_recherche_a_jour(client):
    lyon = publique(raison_sociale="Mairie de Lyon", ville="Lyon")
    caen = publique(raison_sociale="Mairie de Caen", ville="Caen")
    # Filtered on a field it changes: the rows of the structures it changed are rewritten.
    assert Structure.objects.filter(ville="Lyon").update(ville="Villeurbanne") == 1
    assert _resultats(_chercher(client, ville="villeurbanne")) == ["Mairie de Lyon"]
    assert _entree(caen).cle_ville == "CAEN"
    Structure.objects.filter(pk=lyon.pk).update(raison_sociale="Métropole de Lyon")
    assert _resultats(_chercher(client, raison_sociale="metropole")) == ["Métropole de Lyon"]
    # No longer public: out of the table; public again: back in.
    Structure.objects.filter(pk__in=[lyon.pk, caen.pk]).update(categorie="PRIVEE")
    assert not EntreeAnnuaire.objects.exists()
    Structure.objects.filter(pk=caen.pk).update(categorie="PUBLIQUE")
    assert _resultats(_chercher(client, raison_sociale="caen")) == ["Mairie de Caen"]


def test_une_mise_a_jour_groupee_d_autres_champs_n_ecrit_pas_la_table(
    django_assert_num_queries,
):
    publique()
    with django_assert_num_queries(1):
        Structure.objects.update(presence_moa="AVEC_MOA")


def test_une_sauvegarde_qui_ne_touche_pas_l_annuaire_ne_l_ecrit_pas(
    django_assert_num_queries,
):
    structure = publique()
    gestionnaire = UtilisateurFactory()
    structure.gestionnaire_principal = gestionnaire
    with django_assert_num_queries(1):
        structure.save(update_fields=["gestionnaire_principal"])
    with django_assert_num_queries(1):  # a new private structure has no row to remove
        StructureFactory()


def test_l_import_tient_la_table_de_recherche_a_jour(client):
    """The import writes in bulk, without save(): created and modified structures carry
    their row all the same, and a second run of the same file rewrites nothing."""
    from tests.structures.factories import siret_valide

    siret = siret_valide(98765)
    entete = "identifiant;type_identifiant;raison_sociale;ville;code_postal;statut\n"
    annuaire.annuaire_importer(
        contenu=f"{entete}{siret};SIRET;Mairie d'Évry;Évry;91000;ACTIVE\n".encode()
    )
    creee = Structure.objects.get(identifiant=siret)
    assert (_entree(creee).cle_raison_sociale, _entree(creee).cle_ville) == (
        "MAIRIE D EVRY",
        "EVRY",
    )
    modifie = f"{entete}{siret};SIRET;Mairie d'Évry-Courcouronnes;Évry;91080;INACTIVE\n"
    annuaire.annuaire_importer(contenu=modifie.encode())
    entree = _entree(creee)
    assert (entree.cle_raison_sociale, entree.code_postal, entree.statut) == (
        "MAIRIE D EVRY COURCOURONNES",
        "91080",
        "INACTIVE",
    )
    assert _resultats(_chercher(client, raison_sociale="courcouronnes", statut="INACTIVE")) == [
        "Mairie d'Évry-Courcouronnes"
    ]
    rapport = annuaire.annuaire_importer(contenu=modifie.encode())
    assert rapport.structures_inchangees == 1
    assert EntreeAnnuaire.objects.count() == 1


def test_la_table_de_recherche_se_reconstruit_apres_des_modifications_hors_du_portail(client):
    lyon = publique(raison_sociale="Mairie de Lyon")
    caen = publique(raison_sociale="Mairie de Caen")
    StructureFactory(raison_sociale="Mairie privée")
    # Changed in SQL, outside the ORM, as a script or a restore would.
    table = Structure._meta.db_table
    with connection.cursor() as curseur:
        curseur.execute(
            f"UPDATE {table} SET raison_sociale = %s WHERE id = %s", ["Mairie de Dijon", lyon.pk]
        )
        curseur.execute(f"UPDATE {table} SET categorie = %s WHERE id = %s", ["PRIVEE", caen.pk])
    assert _resultats(_chercher(client, raison_sociale="dijon")) == []
    sortie = io.StringIO()
    call_command("reconstruire_annuaire", stdout=sortie)
    assert "reconstruite : 1 structure publique." in sortie.getvalue()
    assert _resultats(_chercher(client, raison_sociale="dijon")) == ["Mairie de Dijon"]
    assert _resultats(_chercher(client, raison_sociale="mairie")) == ["Mairie de Dijon"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("criteres", "index"),
    [
        ({"identifiant": "123"}, "entree_annuaire_cles_trgm"),
        ({"raison_sociale": "MAIRIE"}, "entree_annuaire_cles_trgm"),
        ({"ville": "SAINT ETIENNE"}, "entree_annuaire_cles_trgm"),
        ({"code_postal": "69"}, "structure_annuaire_cp"),
    ],
)
def test_postgres_la_recherche_utilise_ses_index(criteres, index):
    """The migrations' indexes must index the very columns the search compares.

    Whether the planner prefers an index depends on the data; what must never break is that
    the index *can* answer the condition. So the other indexes of the directory are dropped
    inside the test's transaction (PostgreSQL rolls the DDL back with it)."""
    publique()
    autres = {
        "structure_annuaire_rs",
        "structure_annuaire_id",
        "structure_annuaire_ville",
        "structure_annuaire_cp",
    } - {index}
    requete = annuaire.structures_de_l_annuaire(**criteres).lignes.order_by()
    with connection.cursor() as curseur:
        curseur.execute("DROP INDEX " + ", ".join(autres))
        curseur.execute("SET LOCAL enable_seqscan = off")
        plan = requete.explain()
    assert re.search(rf"(Index Scan using|Bitmap Index Scan on) {index}\b", plan), plan
    assert "Index Cond" in plan, plan


@pytest.mark.postgres
def test_postgres_la_table_de_recherche_n_a_pas_d_index_ordonne_sur_les_cles():
    """A sorted index on a key would let PostgreSQL walk it in order and filter, reading most
    of the table when the matches sit far along the alphabet (« syndicat »); without one,
    a search costs the number of its matches (see EntreeAnnuaire). Only the primary key and
    the trigram index."""
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s",
            [EntreeAnnuaire._meta.db_table],
        )
        index = {nom for (nom,) in curseur.fetchall()}
    assert index == {"structures_entreeannuaire_pkey", "entree_annuaire_cles_trgm"}
