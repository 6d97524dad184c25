"""The rendering services: stored once, never rendered twice, even by two workers at once."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from chorus import documents
from chorus.models import Document
from factures.enums import FormatFacture, ModeDepot, StatutFacture
from factures.models import Facture
from factures.rendu import facturx as rendu_facturx
from factures.services import rendu
from tests.factures.factories_rendu import FactureDeposeeXmlFactory, FactureSaisieFactory


def fichiers_stockes(settings) -> set[str]:
    return {p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def nom_stocke(document) -> str:
    return Path(document.fichier.name).name


@pytest.fixture
def rendus_comptes(monkeypatch):
    """Counts the Factur-X renderings actually made."""
    appels = []
    original = rendu_facturx.facturx

    def facturx_compte(*args, **kwargs):
        appels.append(args[0].pk)
        return original(*args, **kwargs)

    monkeypatch.setattr(rendu_facturx, "facturx", facturx_compte)
    return appels


@pytest.mark.django_db
def test_une_facture_saisie_est_rendue_une_seule_fois(rendus_comptes):
    facture = FactureSaisieFactory()
    modifiee_le = Facture.objects.get(pk=facture.pk).modifiee_le

    premier = rendu.facture_rendre(facture=facture)
    second = rendu.facture_rendre(facture=facture)
    troisieme = rendu.facture_rendre(facture=Facture.objects.get(pk=facture.pk))

    assert premier == second == troisieme
    assert rendus_comptes == [facture.pk]
    relue = Facture.objects.get(pk=facture.pk)
    assert relue.document_rendu == premier
    assert relue.modifiee_le == modifiee_le  # the user's last change is still the last one
    assert premier.nom == f"{facture.numero}_facturx.pdf"
    assert premier.depose_par is None


@pytest.mark.django_db
def test_le_perdant_d_une_course_garde_le_document_du_gagnant(
    settings, django_capture_on_commit_callbacks
):
    facture = FactureSaisieFactory()
    pdf = "application/pdf"
    gagnant = documents.enregistrer_contenu(b"%PDF-1.7 gagnant", nom="a.pdf", type_mime=pdf)
    Facture.objects.filter(pk=facture.pk).update(document_rendu=gagnant)
    perdant = documents.enregistrer_contenu(b"%PDF-1.7 perdant", nom="b.pdf", type_mime=pdf)
    fichier_du_perdant = nom_stocke(perdant)
    assert fichier_du_perdant in fichiers_stockes(settings)

    with django_capture_on_commit_callbacks(execute=True):
        attache = rendu._attacher(facture, "document_rendu", perdant)

    assert attache == gagnant
    assert facture.document_rendu == gagnant
    assert not Document.objects.filter(pk=perdant.pk).exists()
    assert fichier_du_perdant not in fichiers_stockes(settings)
    assert nom_stocke(gagnant) in fichiers_stockes(settings)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_workers_en_meme_temps_n_attachent_qu_un_rendu(settings):
    facture = FactureSaisieFactory()
    depart = threading.Barrier(2, timeout=30)
    resultats = []

    def rendre_en_parallele():
        try:
            copie = Facture.objects.get(pk=facture.pk)
            depart.wait()
            resultats.append(rendu.facture_rendre(facture=copie))
        except Exception as erreur:  # surfaced by the assertions below
            resultats.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=rendre_en_parallele) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=120)
    assert not any(fil.is_alive() for fil in fils)

    assert all(isinstance(r, Document) for r in resultats), resultats
    [attache] = {r.pk for r in resultats}
    assert Facture.objects.get(pk=facture.pk).document_rendu_id == attache
    rendus = Document.objects.filter(nom=f"{facture.numero}_facturx.pdf")
    assert [d.pk for d in rendus] == [attache]
    assert fichiers_stockes(settings) == {
        nom_stocke(rendus.get()),
        nom_stocke(facture.coordonnee_bancaire.document_rib),
    }


@pytest.mark.django_db
def test_planifier_rend_la_facture_et_son_certificat_apres_le_commit(
    django_capture_on_commit_callbacks,
):
    facture = FactureSaisieFactory()

    with django_capture_on_commit_callbacks(execute=False) as rappels:
        rendu.facture_planifier_rendu(facture=facture)
    facture.refresh_from_db()
    assert (facture.document_rendu, facture.document_certificat) == (None, None)
    assert len(rappels) == 1  # one message for both

    for rappel in rappels:  # the commit: tasks run eagerly in tests
        rappel()
    facture.refresh_from_db()
    assert facture.document_rendu is not None
    assert facture.document_certificat is not None


@pytest.mark.django_db
def test_les_factures_en_attente_de_rendu():
    maintenant = timezone.now()
    il_y_a = lambda minutes: maintenant - timedelta(minutes=minutes)  # noqa: E731
    sans_rien = FactureSaisieFactory(deposee_le=il_y_a(30))
    xml_sans_rendu = FactureDeposeeXmlFactory(deposee_le=il_y_a(30))
    complete = FactureSaisieFactory(deposee_le=il_y_a(30))
    rendu.facture_etablir_certificat(facture=complete)
    pdf_certifie = FactureDeposeeXmlFactory(
        mode_depot=ModeDepot.DEPOT_PDF_PORTAIL,
        format_depot=FormatFacture.PDF,
        deposee_le=il_y_a(30),
    )
    rendu.facture_etablir_certificat(facture=pdf_certifie)
    xml_certifie_sans_rendu = FactureDeposeeXmlFactory(deposee_le=il_y_a(30))
    rendu.facture_etablir_certificat(facture=xml_certifie_sans_rendu)
    FactureSaisieFactory(deposee_le=il_y_a(1))  # too recent: its task may still be running
    FactureSaisieFactory(deposee_le=il_y_a(60 * 24 * 3))  # too old: given up
    FactureSaisieFactory(statut=StatutFacture.BROUILLON, deposee_le=None)

    attente = rendu.factures_en_attente_de_rendu(depuis=il_y_a(60 * 24 * 2), jusqu_a=il_y_a(5))

    assert set(attente) == {sans_rien, xml_sans_rendu, xml_certifie_sans_rendu}
