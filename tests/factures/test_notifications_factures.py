"""Everyone is told: the supplier of every status change, validators and recipients of what
awaits them; one e-mail per recipient and change, in the recipient's language."""

import pytest
from celery.exceptions import Retry
from django.core.mail.backends import locmem
from django.utils import translation

from chorus import notifications
from chorus.models import Evenement, Notification
from chorus.tasks import envoyer_emails_lot
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.services.acheminement import facture_acheminer
from factures.services.retours import facture_completer
from factures.services.traitement import facture_traiter, factures_traiter
from factures.services.validation import facture_valider
from tests.factures.factories_recues import scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scene()


def a(courriel):
    return courriel.to[0]


def test_le_fournisseur_recoit_un_courriel_par_changement_de_statut(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = s.facture(numero="F-SUSP-1")
    with django_capture_on_commit_callbacks(execute=True):
        facture_traiter(
            facture=facture,
            action=A.SUSPENDRE,
            acting_user=s.agent,
            motif="Le bon de livraison manque",
        )
    [courriel] = mailoutbox
    assert a(courriel) == "gp@peintures-morel.fr"
    assert courriel.subject == "Chorus Pro : facture F-SUSP-1 – Suspendue"
    assert "adressée à Commune de Valbourg est au statut « Suspendue »" in courriel.body
    assert "Motif : Le bon de livraison manque" in courriel.body
    assert "1\xa0200,00 EUR" in courriel.body
    # The feed of his connected home page has it too.
    [ligne] = Notification.objects.filter(destinataire=s.gp_fournisseur)
    assert ligne.evenement.type == "factures.statut_fournisseur"


def test_une_validation_et_son_acheminement_font_un_seul_changement(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = s.facture_a_valider(numero="F-A9-1")
    with django_capture_on_commit_callbacks(execute=True):
        facture_valider(facture=facture, acting_user=s.gp_titulaire, complement="Conforme au DC4")
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    courriels = {a(c): c for c in mailoutbox}
    # The supplier once (three transitions), the recipient's actors once; the reader in
    # consultation and the validator are not told.
    assert sorted(courriels) == ["agent@valbourg.fr", "gp@peintures-morel.fr", "gp@valbourg.fr"]
    au_fournisseur = courriels["gp@peintures-morel.fr"]
    assert "Mise à disposition du destinataire" in au_fournisseur.subject
    assert (
        "Étapes : Validée par le premier valideur → En cours d'acheminement vers le "
        "destinataire → Mise à disposition du destinataire" in au_fournisseur.body
    )
    assert "Complément d'information : Conforme au DC4" in au_fournisseur.body
    au_destinataire = courriels["agent@valbourg.fr"]
    assert au_destinataire.subject == "Chorus Pro : 1 facture reçue à traiter"
    assert "F-A9-1 · Peintures Morel · 1\xa0200,00 EUR" in au_destinataire.body


def test_le_valideur_est_prevenu_qu_une_facture_l_attend(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = s.facture_a_valider(statut=S.DEPOSEE, numero="F-A9-2")
    with django_capture_on_commit_callbacks(execute=True):
        facture_acheminer(facture=facture)
    courriels = {a(c): c for c in mailoutbox}
    assert sorted(courriels) == ["gp@peintures-morel.fr", "gp@titulaire.fr"]
    au_valideur = courriels["gp@titulaire.fr"]
    assert au_valideur.subject == "Chorus Pro : 1 facture à valider"
    assert "F-A9-2 · Peintures Morel" in au_valideur.body
    assert "à valider avant le" in au_valideur.body


def test_mise_en_paiement_non_remontee_ne_previent_pas_le_fournisseur(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    s.entite.mise_en_paiement_non_remontee = True
    s.entite.save()
    facture = s.facture(statut=S.COMPTABILISEE)
    with django_capture_on_commit_callbacks(execute=True):
        facture_traiter(facture=facture, action=A.METTRE_EN_PAIEMENT, acting_user=s.agent)
    assert mailoutbox == []
    assert not Notification.objects.filter(destinataire=s.gp_fournisseur).exists()


def test_sans_notifications_le_fil_garde_la_trace_mais_pas_de_courriel(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    collegue = s.gp_fournisseur
    collegue.notifications_actives = False
    collegue.save()
    with django_capture_on_commit_callbacks(execute=True):
        facture_traiter(facture=s.facture(), action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    assert mailoutbox == []
    assert Notification.objects.filter(destinataire=collegue).count() == 1


def test_le_courriel_est_dans_la_langue_de_chacun(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    s.gp_fournisseur.langue = "en"
    s.gp_fournisseur.save()
    with django_capture_on_commit_callbacks(execute=True):
        facture_traiter(
            facture=s.facture(numero="F-EN-1"),
            action=A.REJETER,
            acting_user=s.agent,
            motif="Duplicate",
        )
    [courriel] = mailoutbox
    assert (
        courriel.subject == "Chorus Pro: invoice F-EN-1 – Rejected by the payer for another reason"
    )
    assert "Reason: Duplicate" in courriel.body
    assert "1,200.00 EUR" in courriel.body
    assert translation.get_language() == "fr"


def test_un_lot_previent_le_fournisseur_par_facture(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    factures = [s.facture() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        factures_traiter(factures=factures, action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    assert [a(c) for c in mailoutbox] == ["gp@peintures-morel.fr"] * 3
    assert sorted(c.subject for c in mailoutbox) == sorted(
        f"Chorus Pro : facture {f.numero} – Service fait" for f in factures
    )


def test_une_tache_relancee_n_envoie_pas_deux_fois(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        facture_traiter(facture=s.facture(), action=A.CONSTATER_SERVICE_FAIT, acting_user=s.agent)
    assert len(mailoutbox) == 1
    ids = [str(pk) for pk in Evenement.objects.values_list("pk", flat=True)]
    assert envoyer_emails_lot.apply(args=[ids]).get() == 0
    assert len(mailoutbox) == 1


class PanneAuDeuxiemeCourriel(locmem.EmailBackend):
    """An SMTP server that drops the connection once, on the second e-mail of the run."""

    envois = 0

    def send_messages(self, messages):
        type(self).envois += 1
        if type(self).envois == 2:
            raise OSError("Connection reset by peer")
        return super().send_messages(messages)


def test_une_tache_reessayee_apres_une_panne_n_envoie_aucun_courriel_deux_fois(
    s, mailoutbox, settings, monkeypatch, django_capture_on_commit_callbacks
):
    facture = s.facture_a_valider(numero="F-A9-PANNE")
    deja = set(Evenement.objects.values_list("pk", flat=True))
    # The events are written on commit; their e-mail task is left in the queue, run below.
    monkeypatch.setattr(notifications, "_mettre_en_file_lot", lambda ids: None)
    with django_capture_on_commit_callbacks(execute=True):
        facture_valider(facture=facture, acting_user=s.gp_titulaire)
    ids = [str(pk) for pk in Evenement.objects.exclude(pk__in=deja).values_list("pk", flat=True)]
    PanneAuDeuxiemeCourriel.envois = 0
    settings.EMAIL_BACKEND = f"{__name__}.PanneAuDeuxiemeCourriel"

    # The first e-mail goes, the second fails: the task asks to be retried.
    with pytest.raises(Retry):
        envoyer_emails_lot.apply(args=[ids])
    assert len(mailoutbox) == 1
    # The retry sends the two others only; a third run sends nothing.
    assert envoyer_emails_lot.apply(args=[ids]).get() == 2
    assert envoyer_emails_lot.apply(args=[ids]).get() == 0
    assert sorted(a(c) for c in mailoutbox) == [
        "agent@valbourg.fr",
        "gp@peintures-morel.fr",
        "gp@valbourg.fr",
    ]


def test_le_courriel_d_une_facture_completee_reprend_le_commentaire_comme_tel(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = s.facture(numero="F-COMPLETEE")
    facture_traiter(
        facture=facture, action=A.SUSPENDRE, acting_user=s.agent, motif="PV de réception ?"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        facture_completer(
            facture=facture,
            acting_user=s.gp_fournisseur,
            commentaire="Voici le PV signé.",
            fichiers=[],
        )
    au_fournisseur = next(c for c in mailoutbox if a(c) == "gp@peintures-morel.fr")
    assert "Complétée – mise à disposition" in au_fournisseur.subject
    # His own words, not a motif given to him.
    assert "Votre commentaire : Voici le PV signé." in au_fournisseur.body
    assert "Motif :" not in au_fournisseur.body
