"""The pages of Factures de travaux: each role's lists, the dossier's timeline, depositing,
processing and correcting a piece, as users would through the browser's requests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture, FactureHistorique, Telechargement
from habilitations.enums import Application
from structures.enums import PresenceMoa
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory
from tests.structures.factories_gestion import document_pdf, fichier_pdf
from tests.travaux.factories import Chantier, DossierFactory, PieceFactory, habiliter
from travaux.models import DossierFacturation

pytestmark = pytest.mark.django_db


def url(role, page, *args):
    return reverse(f"travaux:{role}_{page}", args=args)


@pytest.fixture
def a4(dossier):
    return PieceFactory(dossier=dossier, numero="PDM-2026-11")


def contenu(response) -> str:
    return response.content.decode()


# --- The space and its roles --------------------------------------------------------------


def test_l_espace_propose_les_roles_de_l_utilisateur(client, ch, a4):
    client.force_login(ch.moe)  # a private structure: Fournisseur and Maîtrise d'œuvre
    response = client.get(reverse("travaux:accueil"))
    assert response.status_code == 200
    page = contenu(response)
    assert "Maîtrise d&#x27;œuvre" in page and "Fournisseur" in page
    assert "1 pièce à traiter" in page
    assert "Maîtrise d&#x27;ouvrage" not in page


def test_le_menu_des_espaces_mene_a_factures_de_travaux(client, ch):
    client.force_login(ch.moa)  # « avec MOA »: all three roles
    response = client.get(reverse("espace", args=["factures-travaux"]))
    assert response["Location"] == reverse("travaux:accueil")


def test_une_structure_exclusivement_moa_n_agit_qu_en_maitrise_d_ouvrage(client):
    ch = Chantier(presence_moa=PresenceMoa.EXCLUSIVEMENT_MOA)
    client.force_login(ch.moa)
    response = client.get(reverse("travaux:accueil"))
    assert response["Location"] == url("moa", "synthese")
    assert client.get(url("fournisseur", "synthese")).status_code == 404
    assert client.get(url("moe", "synthese")).status_code == 404


def test_la_synthese_de_la_moe_liste_ce_qui_l_attend(
    client, ch, dossier, django_assert_max_num_queries
):
    for _ in range(15):
        PieceFactory(dossier=dossier)
    PieceFactory(dossier=dossier, statut=S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE)
    client.force_login(ch.moe)
    with django_assert_max_num_queries(16):
        response = client.get(url("moe", "synthese"))
    page = contenu(response)
    assert "Pièces à traiter" in page
    assert "Délai de 7 jours dépassé" in page
    assert page.count("PDM-") >= 5


def test_rechercher_par_cadre_dossier_et_siren_avec_un_nombre_de_requetes_borne(
    client, ch, dossier, django_assert_max_num_queries
):
    for _ in range(25):
        PieceFactory(dossier=dossier)
    autre = PieceFactory(
        dossier=DossierFactory(titulaire=ch.titulaire, moe=ch.moe_structure),
        cadre=C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR,
        numero="FINAL-1",
    )
    client.force_login(ch.moe)
    with django_assert_max_num_queries(14):
        response = client.get(url("moe", "rechercher"))
    assert "26 factures" in contenu(response)
    page = contenu(client.get(url("moe", "rechercher"), {"cadre": autre.cadre}))
    assert "1 facture" in page and "FINAL-1" in page
    page = contenu(client.get(url("moe", "rechercher"), {"nature": "PROJET_DECOMPTE_FINAL"}))
    assert "FINAL-1" in page and "1 facture" in page
    page = contenu(client.get(url("moe", "rechercher"), {"numero_dossier": dossier.numero}))
    assert "25 factures" in page
    siren = ch.titulaire.identifiant[:9]
    assert "26 factures" in contenu(client.get(url("moe", "rechercher"), {"siren": siren}))
    page = contenu(client.get(url("moe", "rechercher"), {"siren": "12"}))
    assert "Un SIREN a 9 chiffres." in page


def test_masquer_les_rejets_anciens_et_les_pieces_telechargees(client, ch, dossier):
    ancienne = PieceFactory(dossier=dossier, statut=S.REFUSEE_MOE, numero="REFUS-ANCIEN")
    FactureHistorique.objects.create(
        objet=ancienne,
        role="MOE",
        action="REFUSER",
        statut_avant=S.MISE_A_DISPOSITION_MOE,
        statut_apres=S.REFUSEE_MOE,
        date=timezone.now() - timedelta(days=11),
    )
    recente = PieceFactory(dossier=dossier, statut=S.REFUSEE_MOE, numero="REFUS-RECENT")
    FactureHistorique.objects.create(
        objet=recente,
        role="MOE",
        action="REFUSER",
        statut_avant=S.MISE_A_DISPOSITION_MOE,
        statut_apres=S.REFUSEE_MOE,
    )
    telechargee = PieceFactory(
        dossier=dossier, numero="TELECHARGEE", document_original=document_pdf("p.pdf")
    )
    client.force_login(ch.moe)
    assert client.get(url("moe", "fichier", telechargee.pk)).status_code == 200
    assert Telechargement.objects.filter(facture=telechargee, utilisateur=ch.moe).exists()
    page = contenu(
        client.get(
            url("moe", "rechercher"), {"masquer_rejetees": "on", "masquer_telechargees": "on"}
        )
    )
    assert "REFUS-RECENT" in page
    assert "REFUS-ANCIEN" not in page and "TELECHARGEE" not in page


def test_l_export_csv_suit_la_recherche(client, ch, a4):
    client.force_login(ch.moe)
    response = client.get(url("moe", "export"))
    assert response["Content-Type"].startswith("text/csv")
    texte = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Numéro;Pièce;Dossier" in texte.splitlines()[0]
    assert "PDM-2026-11" in texte


def test_tableau_de_bord_et_archives(client, ch, dossier):
    PieceFactory(dossier=dossier, statut=S.ASSOCIEE, numero="ARCHIVEE")
    PieceFactory(dossier=dossier, numero="EN-COURS")
    client.force_login(ch.moe)
    page = contenu(client.get(url("moe", "tableau_de_bord")))
    assert "Associée" in page and "Mise à disposition MOE" in page
    page = contenu(client.get(url("moe", "archives")))
    assert "ARCHIVEE" in page and "EN-COURS" not in page


def test_chaque_page_d_un_role_ne_montre_que_les_pieces_de_ce_role(client, ch, dossier):
    """The MOE's structure is also the titulaire of another dossier: its pieces there are the
    Fournisseur role's, on every page of that role only."""
    PieceFactory(dossier=dossier, numero="CHEZ-LA-MOE")
    autre = DossierFactory(titulaire=ch.moe_structure, moe=StructureFactory())
    PieceFactory(dossier=autre, numero="DU-TITULAIRE")
    client.force_login(ch.moe)
    for role, visible, cachee in (
        ("moe", "CHEZ-LA-MOE", "DU-TITULAIRE"),
        ("fournisseur", "DU-TITULAIRE", "CHEZ-LA-MOE"),
    ):
        for page in ("synthese", "rechercher", "archives"):
            assert cachee not in contenu(client.get(url(role, page))), (role, page)
        assert visible in contenu(client.get(url(role, "rechercher"))), role
        export = client.get(url(role, "export"))
        texte = b"".join(export.streaming_content).decode("utf-8-sig")
        assert visible in texte and cachee not in texte, role
        # The dashboard counts the role's pieces only: one.
        tableau = client.get(url(role, "tableau_de_bord"))
        assert tableau.context["nombre_total"] == 1, role


# --- The dossier and its timeline ---------------------------------------------------------


def test_la_chronologie_montre_les_pieces_leurs_reponses_et_les_ecarts(
    client, ch, dossier, django_assert_max_num_queries
):
    a4 = PieceFactory(
        dossier=dossier,
        statut=S.ASSOCIEE,
        numero="PDM-1",
        montant_ht=Decimal("10000.00"),
        montant_tva=Decimal("2000.00"),
        montant_ttc=Decimal("12000.00"),
        echeance_action=None,
    )
    a15 = PieceFactory(
        dossier=dossier,
        cadre=C.A15_ETAT_ACOMPTE_MOE,
        statut=S.MISE_A_DISPOSITION_MOA,
        piece_precedente=a4,
        numero="EA-1",
        destinataire=ch.moa_structure,
        montant_ht=Decimal("9500.00"),
        montant_tva=Decimal("1900.00"),
        montant_ttc=Decimal("11400.00"),
        echeance_action=None,
        deposee_le=timezone.now() + timedelta(minutes=1),
    )
    PieceFactory(dossier=dossier, numero="PDM-2", deposee_le=timezone.now() + timedelta(days=1))
    client.force_login(ch.fournisseur)
    with django_assert_max_num_queries(12):
        response = client.get(url("fournisseur", "dossier", dossier.pk))
    page = contenu(response)
    assert page.index("PDM-1") < page.index("EA-1") < page.index("PDM-2")
    assert "Associée" in page and "Mise à disposition MOA" in page
    assert f'href="#piece-{a4.pk}"' in page  # EA-1 answers PDM-1
    assert "Écart avec la pièce PDM-1 : −500,00 EUR HT, −600,00 EUR TTC" in page
    assert "à traiter avant le" in page  # PDM-2 waits at the MOE, deadline running
    assert a15.numero in page


def test_une_moe_ne_voit_jamais_un_dossier_dont_elle_n_est_pas(client, ch, dossier, a4):
    autre_moe = UtilisateurFactory(gestionnaire_de=StructureFactory())
    PieceFactory(dossier=DossierFactory(moe=autre_moe.structures_gerees.get()))
    client.force_login(autre_moe)
    assert client.get(url("moe", "dossier", dossier.pk)).status_code == 404
    assert client.get(url("moe", "detail", a4.pk)).status_code == 404
    assert client.get(reverse("travaux:dossier_ouvrir", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("travaux:piece_ouvrir", args=[a4.pk])).status_code == 404
    page = contenu(client.get(url("moe", "rechercher")))
    assert a4.numero not in page and "1 facture" in page
    # Nor does the MOA of another contract.
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory(publique=True)))
    assert client.get(url("moa", "dossier", dossier.pk)).status_code == 404


def test_le_sous_traitant_ne_voit_que_ses_propres_pieces_du_dossier(client, ch, dossier, a4):
    sous_traitant = StructureFactory()
    user = UtilisateurFactory(gestionnaire_de=sous_traitant)
    a10 = PieceFactory(
        dossier=dossier,
        cadre=C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
        fournisseur=sous_traitant,
        valideur_1=ch.titulaire,
        statut=S.A_VALIDER_1,
        numero="ST-1",
        mise_a_disposition_le=None,
    )
    client.force_login(user)
    page = contenu(client.get(url("fournisseur", "dossier", dossier.pk)))
    assert "ST-1" in page and a4.numero not in page
    # The MOE sees the sub-contractor's piece only once it has reached it.
    client.force_login(ch.moe)
    assert client.get(url("moe", "detail", a10.pk)).status_code == 404


def test_le_lien_d_un_courriel_mene_a_la_piece_dans_le_role_ou_l_on_agit(client, ch, a4):
    client.force_login(ch.moe)
    response = client.get(reverse("travaux:piece_ouvrir", args=[a4.pk]))
    assert response["Location"] == url("moe", "detail", a4.pk)


# --- Processing a piece -------------------------------------------------------------------


def test_la_moe_prend_en_compte(client, ch, a4):
    client.force_login(ch.moe)
    page = contenu(client.get(url("moe", "detail", a4.pk)))
    assert "Prendre en compte" in page
    assert "Déposer la pièce de facturation suivante" in page
    cible = url("moe", "traiter", a4.pk, "prendre-en-compte")
    assert client.get(cible).status_code == 200
    response = client.post(cible)
    assert response.status_code == 302
    a4.refresh_from_db()
    assert a4.statut == S.PRISE_EN_COMPTE_MOE
    # Twice: the action no longer exists, a message says so and nothing changes.
    response = client.post(cible, follow=True)
    assert "Action impossible" in contenu(response)
    assert a4.historique.count() == 1


def test_traiter_refuse_les_autres_methodes(client, ch, a4):
    client.force_login(ch.moe)
    cible = url("moe", "traiter", a4.pk, "prendre-en-compte")
    assert client.put(cible).status_code == 405
    assert client.delete(cible).status_code == 405


def test_traiter_une_piece_d_un_autre_dossier_est_introuvable(client, a4):
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory()))
    assert client.post(url("moe", "traiter", a4.pk, "refuser"), {"motif": "x"}).status_code == 404


def test_traiter_dans_le_mauvais_role_ou_en_consultation_est_interdit(client, ch, a4):
    # The MOA sees the projet but acting on it is the MOE's.
    client.force_login(ch.moa)
    assert client.get(url("moa", "detail", a4.pk)).status_code == 200
    assert client.post(url("moa", "traiter", a4.pk, "prendre-en-compte")).status_code == 403
    collegue = UtilisateurFactory()
    habiliter(collegue, ch.moe_structure, Application.FACTURES_TRAVAUX, niveau="CONSULTATION")
    client.force_login(collegue)
    assert client.post(url("moe", "traiter", a4.pk, "prendre-en-compte")).status_code == 403
    a4.refresh_from_db()
    assert a4.statut == S.MISE_A_DISPOSITION_MOE


def test_le_refus_exige_un_motif_et_previent_les_parties(
    client, ch, a4, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ch.moe)
    cible = url("moe", "traiter", a4.pk, "refuser")
    page = contenu(client.get(cible))
    assert "Un écart de montant n'est pas un motif de refus" in page
    response = client.post(cible, {"motif": ""})
    assert response.status_code == 200
    assert Facture.objects.get(pk=a4.pk).statut == S.MISE_A_DISPOSITION_MOE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cible, {"motif": "Travaux non exécutés"})
    assert Facture.objects.get(pk=a4.pk).statut == S.REFUSEE_MOE
    # The titulaire and the MOA are told; not the MOE who acted.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([ch.fournisseur.email, ch.moa.email])
    [courriel] = [m for m in mailoutbox if m.to == [ch.fournisseur.email]]
    assert "PDM-2026-11" in courriel.subject
    assert "Travaux non exécutés" in courriel.body


# --- Depositing ---------------------------------------------------------------------------


def _parties(ch, **autres):
    return {
        "parties-structure": ch.titulaire.pk,
        "parties-numero_marche": "M-2026-042",
        "parties-moa": ch.moa_structure.identifiant,
        "parties-moe": ch.moe_structure.identifiant,
        "parties-service_financier": "FINANCES",
        **autres,
    }


def _piece(numero="PDM-42", **autres):
    return {
        "numero": numero,
        "date_facture": "2026-11-02",
        "montant_ht": "10 000,00",
        "montant_tva": "2 000,00",
        **autres,
    }


def test_le_fournisseur_depose_un_projet_de_decompte_qui_ouvre_le_dossier(
    client, ch, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ch.fournisseur)
    response = client.get(
        url("fournisseur", "deposer"), {"cadre": C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR}
    )
    assert response["Location"] == url("fournisseur", "deposer_piece", "a4")
    response = client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {**_parties(ch), **_piece(), "fichier": fichier_pdf("decompte.pdf")},
    )
    piece = Facture.objects.get(numero="PDM-42")
    assert response["Location"] == url("fournisseur", "envoyer", piece.pk)
    assert (piece.statut, piece.montant_ttc, piece.dossier.numero_marche) == (
        S.BROUILLON,
        Decimal("12000.00"),
        "M-2026-042",
    )
    assert piece.document_original.nom == "decompte.pdf"
    assert "Vérifier et envoyer" in contenu(client.get(response["Location"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("fournisseur", "envoyer", piece.pk))
    piece.refresh_from_db()
    assert piece.statut == S.MISE_A_DISPOSITION_MOE
    assert response["Location"] == url("fournisseur", "dossier", piece.dossier_id)
    # Every party is told where the piece now stands: the MOE, the MOA, and the titulaire
    # (the routing is the portal's doing, after his sending).
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [ch.moe.email, ch.moa.email, ch.fournisseur.email]
    )
    assert all("Mise à disposition MOE" in m.subject for m in mailoutbox)


def test_un_depot_mal_renseigne_est_refuse_champ_par_champ_sans_rien_creer(client, ch):
    client.force_login(ch.fournisseur)
    response = client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {
            **_parties(ch, **{"parties-moe": "00000000000000", "parties-service_financier": "X"}),
            **_piece(numero="PDM 42 !", montant_ht="abc"),
        },
    )
    assert response.status_code == 200
    page = contenu(response)
    assert "Aucune structure n&#x27;a l&#x27;identifiant 00000000000000" in page
    assert "n&#x27;a pas de service X" in page
    assert "20 caractères au plus" in page
    assert "Saisissez un nombre" in page
    assert not Facture.objects.exists() and not DossierFacturation.objects.exists()


def test_une_moa_exclusivement_moa_exige_le_service_financier_qui_paie(client):
    ch = Chantier(presence_moa=PresenceMoa.EXCLUSIVEMENT_MOA)
    client.force_login(ch.fournisseur)
    response = client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {**_parties(ch, **{"parties-service_financier": ""}), **_piece()},
    )
    assert "agit exclusivement comme maîtrise d&#x27;ouvrage" in contenu(response)
    response = client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {**_parties(ch, **{"parties-structure_financiere": ch.financiere.identifiant}), **_piece()},
    )
    assert response.status_code == 302
    assert Facture.objects.get().dossier.structure_financiere == ch.financiere


def test_la_moe_repond_a_un_projet_avec_ses_propres_montants(client, ch, a4):
    client.force_login(ch.moe)
    cible = f"{url('moe', 'deposer_piece', 'a15')}?precedente={a4.pk}"
    page = contenu(client.get(cible))
    assert "En réponse à la pièce A4 n° PDM-2026-11" in page
    assert 'value="10000,00"' in page  # the projet's amounts, to correct
    response = client.post(cible, _piece(numero="EA-7", montant_ht="9000", montant_tva="1800"))
    a15 = Facture.objects.get(numero="EA-7")
    assert (a15.piece_precedente, a15.cadre) == (a4, C.A15_ETAT_ACOMPTE_MOE)
    client.post(url("moe", "envoyer", a15.pk))
    a4.refresh_from_db()
    a15.refresh_from_db()
    assert (a4.statut, a15.statut) == (S.ASSOCIEE, S.MISE_A_DISPOSITION_MOA)
    # Nothing more to answer.
    response = client.post(cible, _piece(numero="EA-8"))
    assert "n&#x27;attend plus de réponse" in contenu(response)


def test_le_fournisseur_corrige_une_erreur_d_acheminement(client, ch, dossier):
    a4 = PieceFactory(dossier=dossier, statut=S.ERREUR_DE_MOE, echeance_action=None)
    bonne = StructureFactory()
    client.force_login(ch.fournisseur)
    page = contenu(client.get(url("fournisseur", "corriger", a4.pk)))
    assert "Maîtrise d&#x27;œuvre (SIRET)" in page
    assert "Numéro de marché" not in page  # only what was in error
    response = client.post(url("fournisseur", "corriger", a4.pk), {"moe": bonne.identifiant})
    assert response.status_code == 302
    a4.refresh_from_db()
    assert (a4.statut, a4.destinataire, a4.dossier.moe) == (S.MISE_A_DISPOSITION_MOE, bonne, bonne)


def test_supprimer_un_brouillon(client, ch, dossier):
    brouillon = PieceFactory(dossier=dossier, statut=S.BROUILLON, deposee_le=None)
    client.force_login(ch.fournisseur)
    assert client.get(url("fournisseur", "supprimer", brouillon.pk)).status_code == 200
    client.post(url("fournisseur", "supprimer", brouillon.pk))
    brouillon.refresh_from_db()
    assert brouillon.statut == S.SUPPRIMEE
    assert client.get(url("fournisseur", "detail", brouillon.pk)).status_code == 404


def test_le_brouillon_d_une_autre_partie_reste_invisible(client, ch, dossier):
    brouillon = PieceFactory(
        dossier=dossier, cadre=C.A15_ETAT_ACOMPTE_MOE, statut=S.BROUILLON, deposee_le=None
    )
    client.force_login(ch.fournisseur)  # the titulaire is the piece's supplier, not its author
    assert client.get(url("fournisseur", "detail", brouillon.pk)).status_code == 404
    client.force_login(ch.moe)
    assert client.get(url("moe", "detail", brouillon.pk)).status_code == 200


def test_une_piece_deposee_avec_son_fichier_recoit_son_certificat_de_depot(
    client, ch, django_capture_on_commit_callbacks
):
    client.force_login(ch.fournisseur)
    client.post(
        url("fournisseur", "deposer_piece", "a4"),
        {**_parties(ch), **_piece(), "fichier": fichier_pdf("decompte.pdf")},
    )
    piece = Facture.objects.get(numero="PDM-42")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("fournisseur", "envoyer", piece.pk))
    piece.refresh_from_db()
    assert piece.document_certificat is not None
    assert "Certificat de dépôt (PDF)" in contenu(
        client.get(url("fournisseur", "detail", piece.pk))
    )
    response = client.get(url("fournisseur", "certificat", piece.pk))
    assert response["Content-Type"] == "application/pdf"
    # A stranger gets nothing.
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory()))
    assert client.get(url("fournisseur", "certificat", piece.pk)).status_code == 404


def test_un_sous_traitant_depose_le_titulaire_valide_puis_l_inclut_dans_son_projet(client, ch):
    sous_traitant = StructureFactory(raison_sociale="Plomberie Martin")
    user = UtilisateurFactory(gestionnaire_de=sous_traitant)
    client.force_login(user)
    response = client.post(
        url("fournisseur", "deposer_piece", "a10"),
        {
            "parties-structure": sous_traitant.pk,
            "parties-numero_marche": "M-2026-042",
            "parties-titulaire": ch.titulaire.identifiant,
            "parties-moa": ch.moa_structure.identifiant,
            "parties-moe": ch.moe_structure.identifiant,
            **_piece(numero="ST-1", montant_ht="2000", montant_tva="400"),
        },
    )
    a10 = Facture.objects.get(numero="ST-1")
    client.post(url("fournisseur", "envoyer", a10.pk))
    a10.refresh_from_db()
    assert (a10.statut, a10.valideur_1, a10.fournisseur) == (
        S.A_VALIDER_1,
        ch.titulaire,
        sous_traitant,
    )
    # The titulaire finds it waiting for him and validates it.
    client.force_login(ch.fournisseur)
    page = contenu(client.get(url("fournisseur", "synthese")))
    assert "Pièces de sous-traitants à valider" in page and "ST-1" in page
    client.post(url("fournisseur", "traiter", a10.pk, "valider"), {"motif": ""})
    a10.refresh_from_db()
    assert a10.statut == S.MISE_A_DISPOSITION_MOE
    # His own projet de décompte offers to include it.
    cible = f"{url('fournisseur', 'deposer_piece', 'a4')}?dossier={a10.dossier_id}"
    assert "Plomberie Martin" in contenu(client.get(cible))
    client.post(cible, {**_piece(numero="PDM-43"), "incluses": [a10.pk]})
    a4 = Facture.objects.get(numero="PDM-43")
    client.post(url("fournisseur", "envoyer", a4.pk))
    a10.refresh_from_db()
    assert a10.statut == S.ASSOCIEE
    page = contenu(client.get(url("fournisseur", "dossier", a4.dossier_id)))
    assert "Inclut" in page and "Plomberie Martin" in page
    assert response.status_code == 302


def test_la_liste_des_dossiers_reste_sobre_en_requetes(client, ch, django_assert_max_num_queries):
    for i in range(12):
        dossier = DossierFactory(
            titulaire=ch.titulaire, moe=ch.moe_structure, numero_marche=f"M-{i}"
        )
        PieceFactory(dossier=dossier)
    client.force_login(ch.moe)
    with django_assert_max_num_queries(10):
        response = client.get(url("moe", "dossiers"))
    assert "12 dossiers" in contenu(response)
    page = contenu(client.get(url("moe", "dossiers"), {"q": "M-11"}))
    assert "1 dossier" in page


def test_la_liste_des_dossiers_compte_les_pieces_que_le_role_voit(client, ch, dossier):
    depot = timezone.now() - timedelta(days=3)
    PieceFactory(dossier=dossier, deposee_le=depot - timedelta(days=30))
    PieceFactory(dossier=dossier, deposee_le=depot)
    PieceFactory(  # the titulaire's draft: his alone
        dossier=dossier, statut=S.BROUILLON, deposee_le=None, mise_a_disposition_le=None
    )
    vide = DossierFactory(titulaire=ch.titulaire, moe=ch.moe_structure, moa=dossier.moa)
    lignes = {}
    for role, utilisateur in (("moe", ch.moe), ("fournisseur", ch.fournisseur)):
        client.force_login(utilisateur)
        page = client.get(url(role, "dossiers")).context["page_obj"]
        lignes[role] = {d.pk: (d.nombre_pieces, d.dernier_depot) for d in page}
    assert lignes["moe"] == {dossier.pk: (2, depot), vide.pk: (0, None)}
    assert lignes["fournisseur"] == {dossier.pk: (3, depot), vide.pk: (0, None)}
