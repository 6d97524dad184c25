"""Who is told what when a works piece changes status (travaux.notifications)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.models import Notification
from factures.enums import ActionFacture as A
from factures.enums import Cadre as C
from factures.services import delais as balayage
from tests.travaux.factories import Chantier
from tests.travaux.test_circuits import deposer
from travaux.services.dossiers import dossier_ouvrir_ou_continuer
from travaux.services.traitement import piece_traiter

pytestmark = pytest.mark.django_db


def destinataires(mailoutbox):
    return sorted(m.to[0] for m in mailoutbox)


def test_un_etat_d_acompte_valide_est_annonce_au_service_financier(
    mailoutbox, django_capture_on_commit_callbacks
):
    ch = Chantier()
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    with django_capture_on_commit_callbacks(execute=True):
        deposer(
            ch, ch.moa, C.A19_ETAT_ACOMPTE_VALIDE_MOA, deposant=ch.moa_structure, dossier=dossier
        )
    # Every party learns where the piece now stands (the routing is the portal's doing, so
    # the MOA who sent it too); the service financier's users get it to process: the finance
    # agent, and the MOA's GP (« avec MOA »: his structure pays its own pieces).
    statut = [m for m in mailoutbox if "Mise à disposition du destinataire" in m.subject]
    assert destinataires(statut) == sorted([ch.fournisseur.email, ch.moe.email, ch.moa.email])
    a_payer = [m for m in mailoutbox if "pièce de travaux à traiter" in m.subject]
    assert destinataires(a_payer) == sorted([ch.financier.email, ch.moa.email])
    assert len(mailoutbox) == 5
    [au_financier] = [m for m in mailoutbox if m.to == [ch.financier.email]]
    assert "Factures reçues" in au_financier.body
    assert "/factures-recues/" in au_financier.body


def test_le_delai_depasse_de_la_moe_est_annonce_a_la_moa_et_au_fournisseur(
    mailoutbox, django_capture_on_commit_callbacks
):
    ch = Chantier()
    deposer(ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire)
    with django_capture_on_commit_callbacks(execute=True):
        balayage.balayer_echeances(maintenant=timezone.now() + timedelta(days=8))
    avertis = [m for m in mailoutbox if "délai de la maîtrise d'œuvre dépassé" in m.subject]
    assert destinataires(avertis) == sorted([ch.fournisseur.email, ch.moa.email])
    assert "Architectes Test" in avertis[0].body
    [a_la_moe] = [m for m in mailoutbox if m.to == [ch.moe.email]]
    assert "Absence de validation MOE" in a_la_moe.subject
    assert len(mailoutbox) == 3


def test_chacun_recoit_le_courriel_dans_sa_langue_et_le_fil_en_garde_la_trace(
    mailoutbox, django_capture_on_commit_callbacks
):
    ch = Chantier()
    ch.moa.langue = "en"
    ch.moa.save(update_fields=["langue"])
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    with django_capture_on_commit_callbacks(execute=True):
        piece_traiter(piece=a4, acting_user=ch.moe, action=A.REFUSER, motif="Hors marché")
    [anglais] = [m for m in mailoutbox if m.to == [ch.moa.email]]
    [francais] = [m for m in mailoutbox if m.to == [ch.fournisseur.email]]
    assert "works piece A4" in anglais.subject
    assert "Refused by the project manager" in anglais.subject
    assert "pièce de travaux A4" in francais.subject
    assert "Hors marché" in francais.body
    # The feed of the home page keeps a row per recipient.
    assert Notification.objects.filter(
        destinataire=ch.fournisseur, evenement__type="travaux.statut_change"
    ).exists()
