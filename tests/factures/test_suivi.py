"""Follow-up of Factures émises: Synthèse, Rechercher, Tableau de bord, Archives, CSV export,
the invoice page; what the supplier sees of statuses; bounded queries on every list."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from factures.enums import Cadre, ModeDepot
from factures.enums import StatutFacture as S
from factures.models import FactureHistorique
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


def _csv(response):
    contenu = b"".join(response.streaming_content).decode("utf-8")
    assert contenu.startswith("\ufeff")
    return list(csv.reader(io.StringIO(contenu.removeprefix("\ufeff")), delimiter=";"))


def test_la_page_de_l_espace_mene_a_la_synthese(client_gp):
    response = client_gp.get(reverse("espace", args=["factures-emises"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("factures:emises_synthese")


def test_la_synthese_compte_ce_qui_attend_le_fournisseur(client_gp, fournisseur):
    FactureFactory.create_batch(2, fournisseur=fournisseur)  # drafts
    FactureFactory(fournisseur=fournisseur, statut=S.SUSPENDUE, numero="SUSP-1")
    FactureFactory(fournisseur=fournisseur, statut=S.A_RECYCLER, numero="RECY-1")
    FactureFactory(fournisseur=fournisseur, mise_a_disposition=True, numero="MAD-1")
    FactureFactory(fournisseur=fournisseur, a_valider=True, numero="VAL-1")
    FactureFactory(statut=S.SUSPENDUE, numero="AUTRE-1")  # another supplier's
    response = client_gp.get(reverse("factures:emises_synthese"))
    assert response.status_code == 200
    rubriques = {r["rubrique"].cle: r["nombre"] for r in response.context["rubriques"]}
    assert rubriques == {
        "brouillons": 2,
        "retournees": 2,
        "en_validation": 1,
        "validation_refusee": 0,
    }
    contenu = response.content.decode()
    assert "SUSP-1" in contenu and "RECY-1" in contenu and "VAL-1" in contenu
    assert "MAD-1" not in contenu and "AUTRE-1" not in contenu


def test_la_synthese_montre_les_evenements_recents(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, statut=S.SUSPENDUE, numero="EVT-1")
    FactureHistorique.objects.create(
        objet=facture,
        role="DESTINATAIRE",
        action="SUSPENDRE",
        motif="Il manque le bon de livraison",
        statut_avant=S.MISE_A_DISPOSITION,
        statut_apres=S.SUSPENDUE,
    )
    contenu = client_gp.get(reverse("factures:emises_synthese")).content.decode()
    assert "Il manque le bon de livraison" in contenu


def test_la_synthese_reste_sobre_en_requetes(client_gp, fournisseur, django_assert_max_num_queries):
    for statut in [S.BROUILLON, S.SUSPENDUE, S.A_RECYCLER, S.A_VALIDER_1, S.REFUSEE_1]:
        FactureFactory.create_batch(6, fournisseur=fournisseur, statut=statut)
    with django_assert_max_num_queries(12):
        assert client_gp.get(reverse("factures:emises_synthese")).status_code == 200


def test_rechercher_par_numero_statut_cadre_dates_et_montants(client_gp, fournisseur):
    cible = FactureFactory(
        fournisseur=fournisseur,
        mise_a_disposition=True,
        numero="CIBLE-2026-1",
        cadre=Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE,
        date_facture=date(2026, 3, 15),
        montant_ttc=Decimal("1500.00"),
        mode_depot=ModeDepot.UPLOAD_PORTAIL,
    )
    FactureFactory(
        fournisseur=fournisseur, mise_a_disposition=True, numero="AUTRE-2026-1", montant_ttc=5000
    )
    FactureFactory(fournisseur=fournisseur, statut=S.REJETEE, numero="CIBLE-2026-2", montant_ttc=10)
    url = reverse("factures:emises_rechercher")

    def numeros(**criteres):
        response = client_gp.get(url, criteres)
        assert response.status_code == 200
        return {ligne["facture"].numero for ligne in response.context["lignes"]}

    assert numeros(numero="cible") == {"CIBLE-2026-1", "CIBLE-2026-2"}
    assert numeros(numero="cible", statut=S.MISE_A_DISPOSITION) == {"CIBLE-2026-1"}
    assert numeros(cadre=Cadre.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE) == {cible.numero}
    assert numeros(date_du="2026-03-01", date_au="2026-03-31") == {cible.numero}
    assert numeros(montant_min="1 000,00", montant_max="2000") == {cible.numero}
    assert numeros(mode_depot=ModeDepot.UPLOAD_PORTAIL) == {cible.numero}
    assert numeros(rubrique="retournees") == {"CIBLE-2026-2"}


def test_rechercher_par_destinataire_nom_ou_identifiant(client_gp, fournisseur):
    commune = StructureFactory(publique=True, raison_sociale="Commune de Démoville")
    FactureFactory(fournisseur=fournisseur, destinataire=commune, numero="POUR-DEMO")
    FactureFactory(fournisseur=fournisseur, numero="POUR-AUTRE")
    url = reverse("factures:emises_rechercher")
    for critere in ("démoville", commune.identifiant[:9]):
        response = client_gp.get(url, {"destinataire": critere})
        assert [lg["facture"].numero for lg in response.context["lignes"]] == ["POUR-DEMO"]


def test_un_critere_invalide_est_signale_sans_resultats(client_gp, fournisseur):
    FactureFactory(fournisseur=fournisseur)
    response = client_gp.get(reverse("factures:emises_rechercher"), {"montant_min": "beaucoup"})
    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert "Corrigez les critères signalés" in response.content.decode()


def test_le_tri_suit_une_liste_blanche(client_gp, fournisseur):
    for numero, montant in [("B", 30), ("A", 10), ("C", 20)]:
        FactureFactory(fournisseur=fournisseur, numero=numero, montant_ttc=montant)
    url = reverse("factures:emises_rechercher")

    def ordre(tri):
        response = client_gp.get(url, {"tri": tri})
        return [ligne["facture"].numero for ligne in response.context["lignes"]]

    assert ordre("montant") == ["A", "C", "B"]
    assert ordre("-montant") == ["B", "C", "A"]
    assert ordre("numero") == ["A", "B", "C"]
    # Not a column: the default order (latest first), no error.
    assert ordre("fournisseur__gestionnaire_principal__password") == ["C", "A", "B"]


def test_la_liste_est_paginee_et_sobre_en_requetes(
    client_gp, fournisseur, django_assert_max_num_queries
):
    FactureFactory.create_batch(45, fournisseur=fournisseur, mise_a_disposition=True)
    url = reverse("factures:emises_rechercher")
    with django_assert_max_num_queries(8):
        response = client_gp.get(url, {"page": 3})
    assert response.status_code == 200
    assert len(response.context["lignes"]) == 5
    assert response.context["page_obj"].paginator.count == 45


def test_le_comptage_est_plafonne(client_gp, fournisseur, monkeypatch):
    from factures.suivi import pagination

    monkeypatch.setattr(pagination, "PLAFOND", 10)
    FactureFactory.create_batch(12, fournisseur=fournisseur)
    response = client_gp.get(reverse("factures:emises_rechercher"))
    assert response.context["page_obj"].paginator.depasse_le_plafond
    assert "Plus de 10 factures" in response.content.decode()


def test_l_export_csv_suit_la_recherche_et_neutralise_les_formules(client_gp, fournisseur):
    commune = StructureFactory(publique=True, raison_sociale='=HYPERLINK("http://x")')
    FactureFactory(
        fournisseur=fournisseur,
        destinataire=commune,
        numero="EXP-1",
        montant_ttc=Decimal("1234.50"),
        date_facture=date(2026, 2, 1),
    )
    FactureFactory(fournisseur=fournisseur, numero="AUTRE-1")
    response = client_gp.get(reverse("factures:emises_export"), {"numero": "EXP"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    [entete, ligne] = _csv(response)
    valeurs = dict(zip(entete, ligne, strict=True))
    assert valeurs["Numéro"] == "EXP-1"
    assert valeurs["Destinataire"] == '\'=HYPERLINK("http://x")'
    assert valeurs["Montant TTC"] == "1234.50".replace(".", ",")
    assert valeurs["Date de facture"] == "01/02/2026"


def test_l_export_ne_contient_que_les_factures_de_l_utilisateur(client, fournisseur):
    FactureFactory(fournisseur=fournisseur, numero="A-MOI")
    FactureFactory(numero="PAS-A-MOI")
    client.force_login(UtilisateurFactory(gestionnaire_de=fournisseur))
    lignes = _csv(client.get(reverse("factures:emises_export")))
    assert [ligne[0] for ligne in lignes[1:]] == ["A-MOI"]


def test_le_tableau_de_bord_compte_et_additionne_par_statut(client_gp, fournisseur):
    FactureFactory.create_batch(
        2, fournisseur=fournisseur, mise_a_disposition=True, montant_ttc=Decimal("100.10")
    )
    FactureFactory(fournisseur=fournisseur, statut=S.REJETEE, montant_ttc=Decimal("50.00"))
    FactureFactory(
        fournisseur=fournisseur, statut=S.REJETEE, montant_ttc=Decimal("70.00"), devise="USD"
    )
    FactureFactory(statut=S.REJETEE)  # another supplier's
    response = client_gp.get(reverse("factures:emises_tableau_de_bord"))
    barres = {b.statut: (b.nombre, b.montants) for b in response.context["barres"]}
    assert barres == {
        S.MISE_A_DISPOSITION: (2, {"EUR": Decimal("200.20")}),
        S.REJETEE: (2, {"EUR": Decimal("50.00"), "USD": Decimal("70.00")}),
    }
    assert response.context["nombre_total"] == 4
    contenu = response.content.decode()
    assert "200,20 EUR" in contenu
    assert 'aria-hidden="true" style="width: 100%"' in contenu


def test_les_archives_ne_listent_que_les_factures_terminees(client_gp, fournisseur):
    FactureFactory(fournisseur=fournisseur, statut=S.REJETEE, numero="FINIE")
    FactureFactory(fournisseur=fournisseur, statut=S.MISE_EN_PAIEMENT, numero="PAYEE")
    FactureFactory(fournisseur=fournisseur, mise_a_disposition=True, numero="EN-COURS")
    response = client_gp.get(reverse("factures:emises_archives"))
    assert {lg["facture"].numero for lg in response.context["lignes"]} == {"FINIE", "PAYEE"}
    export = _csv(client_gp.get(reverse("factures:emises_export"), {"vue": "archives"}))
    assert {ligne[0] for ligne in export[1:]} == {"FINIE", "PAYEE"}


def test_une_mise_en_paiement_non_remontee_reste_cachee_au_fournisseur(client_gp, fournisseur):
    discrete = StructureFactory(publique=True, mise_en_paiement_non_remontee=True)
    facture = FactureFactory(
        fournisseur=fournisseur, destinataire=discrete, statut=S.MISE_EN_PAIEMENT, numero="DISC"
    )
    for avant, apres in [
        (S.MISE_A_DISPOSITION, S.SERVICE_FAIT),
        (S.SERVICE_FAIT, S.MISE_EN_PAIEMENT),
    ]:
        FactureHistorique.objects.create(
            objet=facture, role="DESTINATAIRE", action="X", statut_avant=avant, statut_apres=apres
        )
    url = reverse("factures:emises_rechercher")
    response = client_gp.get(url, {"statut": S.MISE_EN_PAIEMENT})
    assert response.context["lignes"] == []
    response = client_gp.get(url, {"statut": S.SERVICE_FAIT})
    [ligne] = response.context["lignes"]
    assert ligne["cellules"][-2].texte == "Service fait"
    barres = client_gp.get(reverse("factures:emises_tableau_de_bord")).context["barres"]
    assert [b.statut for b in barres] == [S.SERVICE_FAIT]
    detail = client_gp.get(reverse("factures:emises_detail", args=[facture.pk]))
    assert "Mise en paiement" not in detail.content.decode()
    synthese = client_gp.get(reverse("factures:emises_synthese")).content.decode()
    assert "Mise en paiement" not in synthese


def test_un_agent_de_service_ne_voit_que_les_factures_de_son_service(client, fournisseur):
    atelier, bureau = ServiceFactory(structure=fournisseur), ServiceFactory(structure=fournisseur)
    FactureFactory(fournisseur=fournisseur, service_fournisseur=atelier, numero="ATELIER")
    FactureFactory(fournisseur=fournisseur, service_fournisseur=bureau, numero="BUREAU")
    agent = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=agent, structure=fournisseur, service=atelier, application="FACTURES_EMISES"
    )
    client.force_login(agent)
    response = client.get(reverse("factures:emises_rechercher"))
    assert [lg["facture"].numero for lg in response.context["lignes"]] == ["ATELIER"]


def test_la_page_d_une_facture_montre_ses_donnees_et_son_historique(client_gp, fournisseur):
    facture = FactureFactory(
        fournisseur=fournisseur, mise_a_disposition=True, numero="DET-1", avec_lignes=True
    )
    FactureHistorique.objects.create(
        objet=facture,
        role="SYSTEME",
        action="METTRE_A_DISPOSITION",
        statut_avant=S.EN_COURS_ACHEMINEMENT,
        statut_apres=S.MISE_A_DISPOSITION,
        date=timezone.now(),
    )
    response = client_gp.get(reverse("factures:emises_detail", args=[facture.pk]))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Facture n° DET-1" in contenu
    assert "Prestation" in contenu  # the line
    assert "1\xa0200,00 EUR" in contenu  # TTC, a no-break space between thousands
    assert "Mettre à disposition du destinataire" in contenu  # history action
    assert "Le portail" in contenu  # actor of a system transition


def test_la_facture_d_une_autre_structure_est_introuvable(client_gp):
    facture = FactureFactory(mise_a_disposition=True)
    for nom in ["emises_detail", "emises_original", "emises_rendu", "emises_certificat"]:
        assert client_gp.get(reverse(f"factures:{nom}", args=[facture.pk])).status_code == 404


def test_un_utilisateur_sans_l_espace_ne_voit_rien(client):
    client.force_login(UtilisateurFactory())
    for nom in ["emises_synthese", "emises_rechercher", "emises_tableau_de_bord"]:
        assert client.get(reverse(f"factures:{nom}")).status_code == 404
