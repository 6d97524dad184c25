"""The Celery tasks of the rendering, run eagerly (a real worker: test_taches_worker.py)."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.models import Document
from factures import tasks
from factures.enums import StatutFacture
from factures.models import Facture
from tests.factures.factories_rendu import FactureDeposeeXmlFactory, FactureSaisieFactory

pytestmark = pytest.mark.django_db


def test_rendre_puis_certifier_une_facture_saisie():
    facture = FactureSaisieFactory()

    rendu_id = tasks.rendre_facture.delay(facture.pk).get()
    certificat_id = tasks.etablir_certificat.delay(facture.pk).get()

    facture.refresh_from_db()
    assert str(facture.document_rendu_id) == rendu_id
    assert str(facture.document_certificat_id) == certificat_id


def test_un_seul_message_rend_et_certifie_et_un_second_ne_refait_rien():
    facture = FactureSaisieFactory()

    rendu_id, certificat_id = tasks.rendre_et_certifier.delay(facture.pk).get()

    facture.refresh_from_db()
    assert str(facture.document_rendu_id) == rendu_id
    assert str(facture.document_certificat_id) == certificat_id
    nombre = Document.objects.count()
    assert tasks.rendre_et_certifier.delay(facture.pk).get() == [rendu_id, certificat_id]
    assert Document.objects.count() == nombre


def test_le_certificat_d_une_facture_saisie_peut_venir_avant_son_rendu():
    facture = FactureSaisieFactory()

    certificat_id = tasks.etablir_certificat.delay(facture.pk).get()
    rendu_id = tasks.rendre_facture.delay(facture.pk).get()

    facture.refresh_from_db()
    assert str(facture.document_certificat_id) == certificat_id
    assert str(facture.document_rendu_id) == rendu_id


def test_deux_passages_ne_produisent_rien_de_plus():
    facture = FactureSaisieFactory()
    premiers = (
        tasks.rendre_facture.delay(facture.pk).get(),
        tasks.etablir_certificat.delay(facture.pk).get(),
    )
    nombre = Document.objects.count()

    seconds = (
        tasks.rendre_facture.delay(facture.pk).get(),
        tasks.etablir_certificat.delay(facture.pk).get(),
    )

    assert seconds == premiers
    assert Document.objects.count() == nombre


def test_une_facture_disparue_est_ignoree_sans_bruit(caplog):
    facture = FactureSaisieFactory()
    facture_id = facture.pk
    Facture.objects.filter(pk=facture_id).delete()

    with caplog.at_level(logging.INFO, logger="factures.tasks"):
        assert tasks.rendre_facture.delay(facture_id).get() is None
        assert tasks.etablir_certificat.delay(facture_id).get() is None
    assert [r.levelno for r in caplog.records if r.name == "factures.tasks"] == [
        logging.INFO,
        logging.INFO,
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_un_brouillon_n_est_ni_rendu_ni_certifie_et_la_tache_ne_reessaie_pas(caplog):
    facture = FactureSaisieFactory(statut=StatutFacture.BROUILLON, deposee_le=None)

    with caplog.at_level(logging.WARNING, logger="factures.tasks"):
        assert tasks.rendre_facture.delay(facture.pk).get() is None
        assert tasks.etablir_certificat.delay(facture.pk).get() is None
    avertissements = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelno) for r in avertissements] == [
        ("factures.tasks", logging.WARNING),
        ("factures.tasks", logging.WARNING),
    ]
    assert "déposée" in avertissements[0].getMessage()
    facture.refresh_from_db()
    assert (facture.document_rendu, facture.document_certificat) == (None, None)


def test_un_depot_pdf_n_a_pas_de_rendu_mais_son_certificat():
    facture = FactureDeposeeXmlFactory(mode_depot="DEPOT_PDF_PORTAIL", format_depot="PDF")
    assert tasks.rendre_facture.delay(facture.pk).get() is None
    assert tasks.etablir_certificat.delay(facture.pk).get() is not None


def test_les_taches_sont_reessayees_sur_erreur_transitoire_et_acquittees_tard():
    for tache in (tasks.rendre_facture, tasks.etablir_certificat):
        assert tache.acks_late
        assert OSError in tache.autoretry_for
        assert tache.soft_time_limit < tache.time_limit


def test_la_relance_remet_en_file_ce_qui_manque():
    il_y_a_une_heure = timezone.now() - timedelta(hours=1)
    oubliee = FactureSaisieFactory(deposee_le=il_y_a_une_heure)
    deja_faite = FactureDeposeeXmlFactory(deposee_le=il_y_a_une_heure)
    tasks.rendre_facture.delay(deja_faite.pk)
    tasks.etablir_certificat.delay(deja_faite.pk)

    assert tasks.relancer_rendus_en_attente.delay().get() == 1

    oubliee.refresh_from_db()
    assert oubliee.document_rendu is not None
    assert oubliee.document_certificat is not None
    assert tasks.relancer_rendus_en_attente.delay().get() == 0
