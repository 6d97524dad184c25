"""After a return: complete a suspended invoice, recycle one, name the right validator."""

from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factures.enums import Cadre
from factures.enums import StatutFacture as S
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import HabilitationFactory, UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory
from tests.structures.factories_gestion import pdf_minimal

pytestmark = pytest.mark.django_db


def url(nom, facture):
    return reverse(f"factures:{nom}", args=[facture.pk])


def test_completer_une_facture_suspendue(client_gp, fournisseur, gp, commune):
    facture = FactureFactory(fournisseur=fournisseur, destinataire=commune, statut=S.SUSPENDUE)
    page = client_gp.get(url("emises_detail", facture)).content.decode()
    assert "Compléter la facture" in page
    response = client_gp.post(
        url("emises_completer", facture),
        {
            "commentaire": "Voici le bon de livraison signé.",
            "fichiers": [
                SimpleUploadedFile("bon.pdf", pdf_minimal()),
                SimpleUploadedFile("photo.pdf", pdf_minimal()),
            ],
        },
    )
    assert response["Location"] == url("emises_detail", facture)
    facture.refresh_from_db()
    assert facture.statut == S.COMPLETEE
    assert sorted(p.document.nom for p in facture.pieces_jointes.all()) == ["bon.pdf", "photo.pdf"]
    [historique] = facture.historique.all()
    assert (historique.action, historique.acteur, historique.motif) == (
        "COMPLETER",
        gp,
        "Voici le bon de livraison signé.",
    )


def test_completer_sans_rien_est_refuse(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, statut=S.SUSPENDUE)
    response = client_gp.post(url("emises_completer", facture), {"commentaire": "  "})
    assert response.status_code == 200
    assert "au moins une pièce jointe ou un commentaire" in response.content.decode()
    facture.refresh_from_db()
    assert facture.statut == S.SUSPENDUE


def test_une_piece_refusee_ne_laisse_rien(client_gp, fournisseur, settings):
    facture = FactureFactory(fournisseur=fournisseur, statut=S.SUSPENDUE)
    response = client_gp.post(
        url("emises_completer", facture),
        {
            "fichiers": [
                SimpleUploadedFile("bon.pdf", pdf_minimal()),
                SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
            ]
        },
    )
    assert response.status_code == 200
    assert "virus.exe" in response.content.decode()
    facture.refresh_from_db()
    assert facture.statut == S.SUSPENDUE and not facture.pieces_jointes.exists()
    stockes = (
        list((settings.MEDIA_ROOT / "documents").rglob("*.pdf"))
        if (settings.MEDIA_ROOT / "documents").exists()
        else []
    )
    assert stockes == []


def test_on_ne_complete_qu_une_facture_suspendue(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, mise_a_disposition=True)
    response = client_gp.post(url("emises_completer", facture), {"commentaire": "x"})
    assert response["Location"] == url("emises_detail", facture)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION


def test_recycler_change_l_acheminement_et_garde_le_numero(
    client_gp, fournisseur, commune, django_capture_on_commit_callbacks
):
    facture = FactureFactory(
        fournisseur=fournisseur, destinataire=commune, statut=S.A_RECYCLER, numero="REC-1"
    )
    bonne = StructureFactory(publique=True, numero_ej_obligatoire=True)
    ServiceFactory(structure=bonne, code="COMPTA")
    form = client_gp.get(url("emises_recycler", facture)).context["form"]
    assert form.initial["identifiant_destinataire"] == commune.identifiant
    response = client_gp.post(
        url("emises_recycler", facture),
        {"identifiant_destinataire": bonne.identifiant, "code_service": "compta"},
    )
    assert "exige un numéro d'engagement" in unescape(response.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_gp.post(
            url("emises_recycler", facture),
            {
                "identifiant_destinataire": bonne.identifiant,
                "code_service": "compta",
                "numero_engagement": "EJ-9",
            },
        )
    assert response["Location"] == url("emises_detail", facture)
    facture.refresh_from_db()
    assert (facture.destinataire, facture.service_destinataire.code) == (bonne, "COMPTA")
    assert (facture.numero, facture.numero_engagement) == ("REC-1", "EJ-9")
    assert facture.statut == S.MISE_A_DISPOSITION
    assert [h.action for h in facture.historique.all()] == ["RECYCLER", "METTRE_A_DISPOSITION"]


def test_recycler_vers_un_inconnu_est_refuse(client_gp, fournisseur):
    facture = FactureFactory(fournisseur=fournisseur, statut=S.A_RECYCLER)
    response = client_gp.post(
        url("emises_recycler", facture), {"identifiant_destinataire": "99999999999999"}
    )
    assert "Aucune entité publique de l'annuaire" in unescape(response.content.decode())
    prive = StructureFactory()
    response = client_gp.post(
        url("emises_recycler", facture), {"identifiant_destinataire": prive.identifiant}
    )
    assert "Aucune entité publique de l'annuaire" in unescape(response.content.decode())
    facture.refresh_from_db()
    assert facture.statut == S.A_RECYCLER


def test_designer_le_bon_valideur(client_gp, fournisseur, gp):
    mauvais = StructureFactory()
    facture = FactureFactory(
        fournisseur=fournisseur,
        cadre=Cadre.A9_FACTURE_SOUSTRAITANT,
        valideur_1=mauvais,
        statut=S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    )
    response = client_gp.post(
        url("emises_corriger_valideur", facture), {"identifiant": mauvais.identifiant}
    )
    assert "ne pas être le bon valideur" in response.content.decode()
    bon = StructureFactory()
    response = client_gp.post(
        url("emises_corriger_valideur", facture), {"identifiant": bon.identifiant}
    )
    assert response["Location"] == url("emises_detail", facture)
    facture.refresh_from_db()
    assert (facture.statut, facture.valideur_1) == (S.A_VALIDER_1, bon)
    assert facture.echeance_action - facture.soumise_a_validation_le == timedelta(days=15)


def test_le_second_valideur_se_corrige_aussi(client_gp, fournisseur):
    facture = FactureFactory(
        fournisseur=fournisseur,
        cadre=Cadre.A9_FACTURE_SOUSTRAITANT,
        valideur_1=StructureFactory(),
        valideur_2=StructureFactory(),
        statut=S.ERREUR_COTRAITANT_SUR_VALIDEUR,
    )
    bon = StructureFactory()
    client_gp.post(url("emises_corriger_valideur", facture), {"identifiant": bon.identifiant})
    facture.refresh_from_db()
    assert (facture.statut, facture.valideur_2) == (S.A_VALIDER_2, bon)


def test_consultation_seule_ne_peut_rien_faire(client, fournisseur):
    lecteur = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=lecteur,
        structure=fournisseur,
        application="FACTURES_EMISES",
        niveau="CONSULTATION",
    )
    client.force_login(lecteur)
    for statut, nom in [
        (S.SUSPENDUE, "emises_completer"),
        (S.A_RECYCLER, "emises_recycler"),
        (S.ERREUR_FOURNISSEUR_SUR_VALIDEUR, "emises_corriger_valideur"),
    ]:
        facture = FactureFactory(fournisseur=fournisseur, statut=statut)
        assert client.get(url(nom, facture)).status_code == 403
        assert client.post(url(nom, facture), {}).status_code == 403
        assert (
            "Compléter la facture" not in client.get(url("emises_detail", facture)).content.decode()
        )
