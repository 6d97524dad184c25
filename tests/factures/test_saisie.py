"""Typing an invoice: the draft, its header, lines and totals computed server-side, the
recipient chosen in the directory, deletion; with and without htmx."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from factures.enums import Cadre
from factures.enums import StatutFacture as S
from factures.models import Facture
from tests.factures.conftest import donnees_brouillon
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import StructureFactory
from tests.structures.factories_gestion import CoordonneeBancaireFactory

pytestmark = pytest.mark.django_db


def url(nom, facture):
    return reverse(f"factures:{nom}", args=[facture.pk])


def test_commencer_une_saisie_cree_un_brouillon(client_gp, fournisseur, gp):
    page = client_gp.get(reverse("factures:emises_saisir"))
    assert page.status_code == 200
    assert "A9 – Facture de sous-traitant" in page.content.decode()
    response = client_gp.post(
        reverse("factures:emises_saisir"),
        {"fournisseur": fournisseur.pk, "cadre": Cadre.A12_FACTURE_COTRAITANT},
    )
    facture = Facture.objects.get()
    assert response["Location"] == url("emises_modifier", facture)
    assert (facture.statut, facture.cadre, facture.cree_par) == (
        S.BROUILLON,
        Cadre.A12_FACTURE_COTRAITANT,
        gp,
    )


def test_on_ne_saisit_pas_pour_une_structure_d_autrui(client_gp):
    autre = StructureFactory()
    response = client_gp.post(
        reverse("factures:emises_saisir"),
        {"fournisseur": autre.pk, "cadre": "A1_FACTURE_FOURNISSEUR"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Facture.objects.exists()


def test_trois_lignes_deux_taux_totaux_calcules_par_le_serveur(client_gp, fournisseur, commune):
    facture = FactureFactory(fournisseur=fournisseur, destinataire=commune, numero="")
    lignes = [
        {"designation": "Ciment", "quantite": "3", "prix_unitaire_ht": "19,99"},
        {
            "designation": "Pose",
            "quantite": "1,5",
            "prix_unitaire_ht": "10.333",
            "remise_ht": "0,50",
        },
        {"designation": "Livre", "quantite": "2", "prix_unitaire_ht": "4,125", "taux_tva": "5,5"},
    ]
    donnees = donnees_brouillon(
        facture,
        lignes=lignes,
        montant_remise_globale_ttc="1,00",
        motif_remise_globale="Fidélité",
        # Posted totals are ignored: the server computes them.
        montant_ttc="1",
    )
    response = client_gp.post(url("emises_modifier", facture), donnees)
    assert response.status_code == 302, response.content.decode()[:3000]
    facture.refresh_from_db()
    assert facture.numero == "F2026-001"
    assert [(lg.designation, lg.montant_ht) for lg in facture.lignes.order_by("ordre")] == [
        ("Ciment", Decimal("59.97")),
        ("Pose", Decimal("15.00")),
        ("Livre", Decimal("8.25")),
    ]
    assert sorted((t.taux, t.base_ht, t.montant_tva) for t in facture.lignes_tva.all()) == [
        (Decimal("5.50"), Decimal("8.25"), Decimal("0.45")),
        (Decimal("20.00"), Decimal("74.97"), Decimal("14.99")),
    ]
    assert (facture.montant_ht, facture.montant_tva, facture.montant_ttc) == (
        Decimal("83.22"),
        Decimal("15.44"),
        Decimal("98.66"),
    )
    assert facture.montant_a_payer == Decimal("97.66")
    # Reopened, the draft shows what was saved.
    contenu = client_gp.get(url("emises_modifier", facture)).content.decode()
    assert 'value="19,99"' in contenu and "Livre" in contenu
    assert "98,66 EUR" in contenu


def test_recalculer_sans_javascript_n_enregistre_rien(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, numero="")
    donnees = donnees_brouillon(
        facture, action="recalculer", lignes=[{"quantite": "2", "prix_unitaire_ht": "50"}]
    )
    response = client_gp.post(url("emises_modifier", facture), donnees)
    assert response.status_code == 200
    assert "120,00 EUR" in response.content.decode()
    facture.refresh_from_db()
    assert facture.numero == "" and not facture.lignes.exists()


def test_ajouter_une_ligne_sans_javascript(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur)
    donnees = donnees_brouillon(facture, action="ajouter_ligne")
    response = client_gp.post(url("emises_modifier", facture), donnees)
    assert response.status_code == 200
    assert len(response.context["lignes"].forms) == 2
    assert 'name="lignes-1-designation"' in response.content.decode()


def test_les_totaux_se_recalculent_en_htmx_sans_enregistrer(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, numero="")
    donnees = donnees_brouillon(
        facture,
        type_tva="EXONERATION",
        lignes=[{"quantite": "4", "prix_unitaire_ht": "25"}],
    )
    response = client_gp.post(url("emises_totaux", facture), donnees, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    contenu = response.content.decode()
    assert contenu.lstrip().startswith('<div id="totaux"')
    # Exempt: the 20 % of the line is not charged.
    assert "E — 0 %" in contenu and "100,00 EUR" in contenu
    assert not Facture.objects.get().lignes.exists()


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        ({"numero": "F 2026 #1"}, "numero", "20 caractères au plus"),
        ({"numero": "X" * 21}, "numero", "au plus 20 caractères"),
        ({"devise": "ZZZ"}, "devise", "ISO 4217"),
        ({"type_facture": "AVOIR"}, "mode_paiement", "Un avoir n'a pas de mode de paiement"),
        ({"date_facture": "31/02/2026"}, "date_facture", "date valide"),
    ],
)
def test_une_valeur_invalide_est_signalee_sur_son_champ(
    client_gp, fournisseur, champs, champ, message
):
    facture = FactureFactory(fournisseur=fournisseur, numero="")
    response = client_gp.post(url("emises_modifier", facture), donnees_brouillon(facture, **champs))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[champ]), response.context[
        "form"
    ].errors
    facture.refresh_from_db()
    assert facture.numero == ""


def test_une_quantite_absurde_est_refusee_clairement(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, numero="")
    donnees = donnees_brouillon(
        facture, lignes=[{"quantite": "999999999999999", "prix_unitaire_ht": "999999999999"}]
    )
    response = client_gp.post(url("emises_modifier", facture), donnees)
    assert response.status_code == 200
    assert "dépasse la limite autorisée" in response.content.decode()
    assert not Facture.objects.get().lignes.exists()


def test_plus_de_10000_lignes_sont_refusees(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur)
    lignes = [{"designation": f"L{i}"} for i in range(10_001)]
    response = client_gp.post(
        url("emises_modifier", facture),
        urlencode(donnees_brouillon(facture, lignes=lignes)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Une facture compte au plus 10\xa0000 lignes" in response.content.decode()
    assert not facture.lignes.exists()


def test_dix_mille_lignes_passent_et_la_page_reste_legere(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur)
    lignes = [{"designation": f"L{i}", "prix_unitaire_ht": "1,5"} for i in range(10_000)]
    response = client_gp.post(
        url("emises_modifier", facture),
        urlencode(donnees_brouillon(facture, lignes=lignes)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    facture.refresh_from_db()
    assert facture.lignes.count() == 10_000
    assert facture.montant_ht == Decimal("15000.00")
    page = client_gp.get(url("emises_modifier", facture))
    assert page.status_code == 200
    assert 'name="lignes-9999-designation"' in page.content.decode()


def test_les_coordonnees_bancaires_sont_celles_de_la_structure(client_gp, fournisseur):
    mienne = CoordonneeBancaireFactory(structure=fournisseur)
    autre = CoordonneeBancaireFactory()
    facture = FactureFactory(fournisseur=fournisseur)
    response = client_gp.post(
        url("emises_modifier", facture), donnees_brouillon(facture, coordonnee_bancaire=autre.pk)
    )
    assert "coordonnee_bancaire" in response.context["form"].errors
    response = client_gp.post(
        url("emises_modifier", facture), donnees_brouillon(facture, coordonnee_bancaire=mienne.pk)
    )
    assert response.status_code == 302
    facture.refresh_from_db()
    assert facture.coordonnee_bancaire == mienne


def test_choisir_le_destinataire_dans_l_annuaire(client_gp, fournisseur, commune):
    facture = FactureFactory(fournisseur=fournisseur, destinataire=None)
    page = client_gp.get(url("emises_destinataire", facture), {"raison_sociale": "démoville"})
    assert page.status_code == 200
    assert [s.pk for s in page.context["resultats"]] == [commune.pk]
    response = client_gp.post(url("emises_destinataire", facture), {"structure": commune.pk})
    assert response["Location"].startswith(url("emises_modifier", facture))
    facture.refresh_from_db()
    assert facture.destinataire == commune
    # Its active services are offered, not the inactive one.
    services = (
        client_gp.get(url("emises_modifier", facture))
        .context["form"]
        .fields["service_destinataire"]
        .queryset
    )
    assert [s.code for s in services] == ["FINANCES"]


def test_une_structure_privee_ou_inactive_ne_peut_etre_destinataire(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, destinataire=None)
    privee = StructureFactory()
    assert (
        client_gp.post(url("emises_destinataire", facture), {"structure": privee.pk}).status_code
        == 404
    )
    inactive = StructureFactory(publique=True, statut="INACTIVE")
    client_gp.post(url("emises_destinataire", facture), {"structure": inactive.pk})
    facture.refresh_from_db()
    assert facture.destinataire is None


def test_changer_de_destinataire_efface_le_service_de_l_ancien(client_gp, fournisseur, commune):
    facture = FactureFactory(
        fournisseur=fournisseur,
        destinataire=commune,
        service_destinataire=commune.services.get(code="FINANCES"),
    )
    autre = StructureFactory(publique=True)
    client_gp.post(url("emises_destinataire", facture), {"structure": autre.pk})
    facture.refresh_from_db()
    assert (facture.destinataire, facture.service_destinataire) == (autre, None)


def test_un_service_d_un_autre_destinataire_est_refuse(client_gp, fournisseur, commune):
    facture = FactureFactory(fournisseur=fournisseur, destinataire=StructureFactory(publique=True))
    finances = commune.services.get(code="FINANCES")
    response = client_gp.post(
        url("emises_modifier", facture),
        donnees_brouillon(facture, service_destinataire=finances.pk),
    )
    assert "service_destinataire" in response.context["form"].errors


def test_valider_et_envoyer_dit_ce_que_le_destinataire_exige(client_gp, fournisseur, commune):
    commune.code_service_obligatoire = True
    commune.numero_ej_obligatoire = True
    commune.save()
    facture = FactureFactory(fournisseur=fournisseur, destinataire=commune)
    response = client_gp.post(
        url("emises_modifier", facture), donnees_brouillon(facture, action="envoyer")
    )
    assert response.status_code == 200
    erreurs = response.context["form"].errors
    assert "exige un code service" in " ".join(erreurs["service_destinataire"])
    assert "exige un numéro d'engagement" in " ".join(erreurs["numero_engagement"])
    # The draft was saved anyway.
    facture.refresh_from_db()
    assert facture.numero == "F2026-001"


def test_un_service_qui_exige_l_engagement_le_dit(client_gp, fournisseur, commune):
    finances = commune.services.get(code="FINANCES")
    finances.engagement_obligatoire = True
    finances.save()
    facture = FactureFactory(fournisseur=fournisseur, destinataire=commune)
    response = client_gp.post(
        url("emises_modifier", facture),
        donnees_brouillon(facture, action="envoyer", service_destinataire=finances.pk),
    )
    assert response.context["form"].errors["numero_engagement"] == [
        "Le service « FINANCES » du destinataire exige un numéro d'engagement."
    ]


def test_code_service_ou_engagement(client_gp, fournisseur, commune):
    commune.code_service_ou_ej_obligatoire = True
    commune.save()
    facture = FactureFactory(fournisseur=fournisseur, destinataire=commune)
    response = client_gp.post(
        url("emises_modifier", facture), donnees_brouillon(facture, action="envoyer")
    )
    assert "au moins l'un des deux" in " ".join(
        response.context["form"].errors["numero_engagement"]
    )
    response = client_gp.post(
        url("emises_modifier", facture),
        donnees_brouillon(facture, action="envoyer", numero_engagement="EJ-42"),
    )
    assert response["Location"] == url("emises_envoyer", facture)


def test_une_facture_de_sous_traitant_nomme_son_titulaire(client_gp, fournisseur, commune):
    facture = FactureFactory(
        fournisseur=fournisseur, destinataire=commune, cadre=Cadre.A9_FACTURE_SOUSTRAITANT
    )
    response = client_gp.post(
        url("emises_modifier", facture), donnees_brouillon(facture, action="envoyer")
    )
    assert "validée par le titulaire" in " ".join(
        response.context["form"].errors["identifiant_valideur_1"]
    )
    response = client_gp.post(
        url("emises_modifier", facture),
        donnees_brouillon(facture, identifiant_valideur_1="12345678901234"),
    )
    assert "Aucune structure n'a l'identifiant" in " ".join(
        response.context["form"].errors["identifiant_valideur_1"]
    )
    titulaire = StructureFactory()
    response = client_gp.post(
        url("emises_modifier", facture),
        donnees_brouillon(facture, identifiant_valideur_1=titulaire.identifiant, action="envoyer"),
    )
    assert response["Location"] == url("emises_envoyer", facture)
    facture.refresh_from_db()
    assert facture.valideur_1 == titulaire


def test_seul_un_sous_traitant_a_un_second_valideur(client_gp, fournisseur, commune):
    facture = FactureFactory(
        fournisseur=fournisseur, destinataire=commune, cadre=Cadre.A12_FACTURE_COTRAITANT
    )
    response = client_gp.post(
        url("emises_modifier", facture),
        donnees_brouillon(
            facture,
            action="envoyer",
            identifiant_valideur_1=StructureFactory().identifiant,
            identifiant_valideur_2=StructureFactory().identifiant,
        ),
    )
    assert "Seule une facture de sous-traitant" in " ".join(
        response.context["form"].errors["identifiant_valideur_2"]
    )


def test_supprimer_un_brouillon_apres_confirmation(client_gp, fournisseur, gp):
    facture = FactureFactory(fournisseur=fournisseur, numero="A-JETER")
    assert client_gp.get(url("emises_supprimer", facture)).status_code == 200
    response = client_gp.post(url("emises_supprimer", facture))
    assert response["Location"] == reverse("factures:emises_synthese")
    facture.refresh_from_db()
    assert facture.statut == S.SUPPRIMEE
    [historique] = facture.historique.all()
    assert (historique.action, historique.acteur) == ("SUPPRIMER", gp)
    assert client_gp.get(url("emises_detail", facture)).status_code == 404


def test_une_facture_envoyee_ne_se_modifie_plus(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, mise_a_disposition=True)
    for nom in ("emises_modifier", "emises_supprimer", "emises_destinataire"):
        response = client_gp.get(url(nom, facture))
        assert response["Location"] == url("emises_detail", facture)
    response = client_gp.post(
        url("emises_modifier", facture), donnees_brouillon(facture, numero="X")
    )
    facture.refresh_from_db()
    assert facture.numero != "X"


def test_consultation_seule_403_et_etranger_404(client, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur)
    lecteur = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=lecteur,
        structure=fournisseur,
        application="FACTURES_EMISES",
        niveau="CONSULTATION",
    )
    client.force_login(lecteur)
    assert client.get(url("emises_detail", facture)).status_code == 200
    for nom in ("emises_modifier", "emises_supprimer", "emises_envoyer", "emises_destinataire"):
        assert client.get(url(nom, facture)).status_code == 403
    assert (
        client.post(url("emises_modifier", facture), donnees_brouillon(facture)).status_code == 403
    )
    assert client.get(reverse("factures:emises_saisir")).status_code == 403
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory()))
    for nom in ("emises_modifier", "emises_supprimer", "emises_envoyer", "emises_detail"):
        assert client.get(url(nom, facture)).status_code == 404
    assert client.post(url("emises_totaux", facture), {}).status_code == 404


def test_mauvaise_methode(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur)
    assert client_gp.get(url("emises_totaux", facture)).status_code == 405
    assert client_gp.put(url("emises_modifier", facture)).status_code == 405
