"""Issue 5's acceptance, in headless Chromium with axe-core on every page visited, played by
the demo's users:

1. the sub-contractor (Électricité Martin) types an A9 invoice naming its titulaire
   (Bâtiments Durand) as first validator and sends it;
2. the titulaire validates it in Factures à valider (the deadline's countdown is shown);
3. the Commune de Démoville's agent (service FINANCES) suspends it with a motif;
4. the sub-contractor signs in: the dialog of returned invoices lists it; he acknowledges it,
   then completes the invoice with an attachment;
5. the agent marks it service fait, then mise en paiement;
6. the sub-contractor finds every status in the invoice's history, and his user (opted in)
   received exactly one e-mail per change.

And a return 7 days old: the dialog cannot be closed (nor escaped) but by acknowledging; and
the titulaire who is not the validator: the sub-contractor names the right one, who is told
and has 15 days of his own.

Tasks run eagerly and the live server is a thread of this process: the e-mails land in the
locmem outbox the test reads.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chorus.management.commands.demo import MOT_DE_PASSE
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Facture, Retour
from factures.services.traitement import facture_traiter
from habilitations.models import Utilisateur
from tests.e2e.conftest import se_connecter, verifier_accessibilite
from tests.factures.factories_recues import scene
from tests.structures.factories_gestion import pdf_minimal

pytestmark = pytest.mark.e2e

SOUS_TRAITANT = "soustraitant@demo.chorus.test"
TITULAIRE = "fournisseur@demo.chorus.test"
AGENT = "agent.finances@demo.chorus.test"
NUMERO = "MAR-E2E-001"
MOTIF = "Il manque le procès-verbal de réception des travaux électriques."


def connexion(page, email):
    page.context.clear_cookies()
    se_connecter(page, email, MOT_DE_PASSE)
    verifier_accessibilite(page)


def ouvrir_l_espace(page, nom):
    page.get_by_role("navigation", name="Espaces").get_by_role("link", name=nom).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def cliquer_bouton(page, nom):
    page.get_by_role("button", name=nom, exact=True).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def cliquer_lien(page, nom):
    page.get_by_role("main").get_by_role("link", name=nom, exact=True).first.click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def attendre_l_ouverture(page):
    """The returns dialog is open and done fading in (axe measures contrasts)."""
    page.wait_for_function(
        """() => {
            const d = document.getElementById("dialogue-retours");
            return d && d.classList.contains("fr-modal--opened")
                && getComputedStyle(d).opacity === "1";
        }"""
    )


def statut():
    return Facture.objects.get(numero=NUMERO).statut


def courriels_du_sous_traitant():
    return [m for m in mail.outbox if m.to == [SOUS_TRAITANT] and NUMERO in m.body]


def saisir_et_envoyer_la_facture_a9(page, titulaire):
    ouvrir_l_espace(page, "Factures émises")
    cliquer_lien(page, "Saisir une facture")
    page.get_by_role("radio", name=re.compile("A9 – ")).check()
    cliquer_bouton(page, "Commencer la saisie")

    page.get_by_label("Identifiant du premier valideur (titulaire ou mandataire)").fill(
        titulaire.identifiant
    )
    cliquer_bouton(page, "Choisir le destinataire dans l'annuaire")
    page.get_by_label("Raison sociale").fill("démoville")
    cliquer_bouton(page, "Rechercher")
    cliquer_bouton(page, "Choisir Commune de Démoville")
    page.locator("#id_service_destinataire").select_option(
        label="FINANCES – Direction des finances"
    )
    page.locator("#id_numero").fill(NUMERO)
    page.locator("#id_numero_marche").fill("MARCHE-2026-ECOLE")
    page.locator("#id_date_facture").fill("2026-11-20")
    page.locator("#id_mode_paiement").select_option("CHEQUE")
    page.locator("#id_lignes-0-designation").fill("Câblage du préau")
    page.locator("#id_lignes-0-quantite").fill("1")
    page.locator("#id_lignes-0-unite").fill("LS")
    page.locator("#id_lignes-0-prix_unitaire_ht").fill("2500")
    page.locator("#id_lignes-0-taux_tva").fill("20")
    page.locator("#totaux").get_by_text("3\u00a0000,00 EUR").first.wait_for()
    verifier_accessibilite(page)
    cliquer_bouton(page, "Valider et envoyer")
    cliquer_bouton(page, "Confirmer l'envoi")


def test_une_facture_de_sous_traitant_validee_suspendue_completee_payee(page, demo):
    titulaire = demo["Bâtiments Durand SARL"]
    sous_traitant = demo["Électricité Martin SARL"]
    assert Utilisateur.objects.get(email=SOUS_TRAITANT).notifications_actives
    mail.outbox.clear()

    # 1. The sub-contractor types his A9 invoice, naming his titulaire first validator.
    connexion(page, SOUS_TRAITANT)
    saisir_et_envoyer_la_facture_a9(page, titulaire)
    facture = Facture.objects.get(numero=NUMERO)
    assert (facture.statut, facture.fournisseur, facture.valideur_1) == (
        S.A_VALIDER_1,
        sous_traitant,
        titulaire,
    )
    # His invoice's page says whom it waits for, and how long the titulaire has left.
    assert page.get_by_text(
        "En attente de la validation de Bâtiments Durand SARL : il lui reste 14 jours"
    ).is_visible()

    # 2. The titulaire finds it in Factures à valider, with the time left, and validates it.
    connexion(page, TITULAIRE)
    ouvrir_l_espace(page, "Factures à valider")
    ligne = page.get_by_role("row").filter(has_text=NUMERO)
    assert ligne.get_by_text(re.compile(r"^14 jours \(")).is_visible()
    cliquer_lien(page, NUMERO)
    assert page.get_by_text(re.compile("Il vous reste 14 jours pour répondre")).is_visible()
    page.get_by_role("radio", name="Valider", exact=True).check()
    page.get_by_label("Complément d'information ou motif").fill("Travaux conformes au marché.")
    cliquer_bouton(page, "Enregistrer ma réponse")
    assert statut() == S.MISE_A_DISPOSITION

    # 3. The commune's agent suspends it, with a motif.
    connexion(page, AGENT)
    ouvrir_l_espace(page, "Factures reçues")
    cliquer_lien(page, NUMERO)
    cliquer_lien(page, "Suspendre")
    page.get_by_label(re.compile("Motif")).fill(MOTIF)
    cliquer_bouton(page, "Confirmer : Suspendre")
    assert statut() == S.SUSPENDUE

    # 4. At sign-in, the sub-contractor is shown the returned invoice; he acknowledges it.
    page.context.clear_cookies()
    se_connecter(page, SOUS_TRAITANT, MOT_DE_PASSE)
    dialogue = page.get_by_role("dialog", name="Factures rejetées ou suspendues")
    attendre_l_ouverture(page)
    verifier_accessibilite(page)
    ligne = dialogue.get_by_role("row").filter(has_text=NUMERO)
    assert ligne.get_by_text(MOTIF).is_visible()
    ligne.get_by_role("checkbox", name=f"Acquitter la facture {NUMERO}").check()
    dialogue.get_by_role("button", name="Acquitter les factures sélectionnées").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    assert not page.get_by_role("dialog", name="Factures rejetées ou suspendues").is_visible()

    # He completes the invoice with an attachment.
    ouvrir_l_espace(page, "Factures émises")
    cliquer_lien(page, NUMERO)
    cliquer_lien(page, "Compléter la facture")
    assert page.get_by_text(MOTIF).is_visible()
    page.get_by_label("Commentaire pour le destinataire").fill("Voici le procès-verbal signé.")
    page.get_by_label("Pièces jointes").set_input_files(
        files=[{"name": "pv-reception.pdf", "mimeType": "application/pdf", "buffer": pdf_minimal()}]
    )
    verifier_accessibilite(page)
    cliquer_bouton(page, "Compléter et renvoyer")
    assert statut() == S.COMPLETEE

    # 5. The agent finds it completed, with its attachment; service fait, then mise en paiement.
    connexion(page, AGENT)
    ouvrir_l_espace(page, "Factures reçues")
    cliquer_lien(page, NUMERO)
    assert page.get_by_text("pv-reception.pdf").first.is_visible()
    cliquer_lien(page, "Service fait")
    cliquer_bouton(page, "Confirmer : Service fait")
    assert statut() == S.SERVICE_FAIT
    cliquer_lien(page, "Mettre en paiement")
    cliquer_bouton(page, "Confirmer : Mettre en paiement")
    assert statut() == S.MISE_EN_PAIEMENT

    # 6. The sub-contractor sees every status in the history; one e-mail for each change.
    connexion(page, SOUS_TRAITANT)
    evenements = page.get_by_role("main").locator(".fil-evenements")
    assert evenements.get_by_text(re.compile(f"{NUMERO}.*Mise en paiement")).first.is_visible()
    ouvrir_l_espace(page, "Factures émises")
    cliquer_lien(page, NUMERO)
    historique = page.get_by_role("table", name="Historique des statuts de la facture")
    statuts_vus = [
        historique.locator("tbody tr").nth(i).locator("td").nth(1).inner_text()
        for i in range(historique.locator("tbody tr").count())
    ]
    assert statuts_vus == [
        "Brouillon",
        "Déposée",
        "Mise à disposition du premier valideur",
        "Validée par le premier valideur",
        "En cours d'acheminement vers le destinataire",
        "Mise à disposition du destinataire",
        "Suspendue",
        "Complétée – mise à disposition",
        "Service fait",
        "Mise en paiement",
    ]

    # One e-mail per change: a validation and the routing it triggers are one change, told
    # once with its steps; the routing after sending is a change of its own (the system's).
    courriels = courriels_du_sous_traitant()
    assert [m.subject for m in courriels] == [
        f"Chorus Pro : facture {NUMERO} – {libelle}"
        for libelle in (
            "Déposée",
            "Mise à disposition du premier valideur",
            "Mise à disposition du destinataire",
            "Suspendue",
            "Complétée – mise à disposition",
            "Service fait",
            "Mise en paiement",
        )
    ]
    assert "Étapes : Validée par le premier valideur → " in courriels[2].body
    assert f"Motif : {MOTIF}" in courriels[3].body
    assert "Votre commentaire : Voici le procès-verbal signé." in courriels[4].body


def test_au_bout_de_sept_jours_le_dialogue_ne_se_ferme_qu_en_acquittant(page):
    s = scene()
    facture = s.facture(numero="F-E2E-VIEILLE")
    facture_traiter(facture=facture, action=A.SUSPENDRE, acting_user=s.agent, motif=MOTIF)
    Retour.objects.filter(facture=facture).update(cree_le=timezone.now() - timedelta(days=8))

    se_connecter(page, s.gp_fournisseur.email)
    dialogue = page.get_by_role("dialog", name="Factures rejetées ou suspendues")
    attendre_l_ouverture(page)
    verifier_accessibilite(page)
    assert dialogue.get_by_text("leur acquittement est obligatoire pour continuer").is_visible()
    assert not dialogue.get_by_role("button", name="Fermer", exact=True).count()
    # Escape does not get rid of it either, nor going to another page.
    page.keyboard.press("Escape")
    attendre_l_ouverture(page)
    assert dialogue.is_visible()
    page.goto("/factures-emises/")
    attendre_l_ouverture(page)
    verifier_accessibilite(page)

    dialogue.get_by_role("button", name="Tout acquitter et fermer").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    assert page.get_by_text("1 facture acquittée.").is_visible()
    assert not page.locator("#dialogue-retours").count()
    assert Retour.objects.get(facture=facture).acquitte_par == s.gp_fournisseur


def test_le_titulaire_n_est_pas_le_bon_valideur_le_sous_traitant_designe_le_bon(page, demo):
    lemoine = demo["Atelier Lemoine Architectes"]
    numero = "MAR-2026-007"  # the demo's A9 invoice, waiting for Bâtiments Durand
    motif = "Nous ne sommes pas titulaires de ce marché : voyez l'Atelier Lemoine."

    connexion(page, TITULAIRE)
    ouvrir_l_espace(page, "Factures à valider")
    cliquer_lien(page, numero)
    page.get_by_role("radio", name="Refuser : je ne suis pas le bon valideur").check()
    page.get_by_label("Complément d'information ou motif").fill(motif)
    cliquer_bouton(page, "Enregistrer ma réponse")
    assert Facture.objects.get(numero=numero).statut == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    mail.outbox.clear()

    connexion(page, SOUS_TRAITANT)
    ouvrir_l_espace(page, "Factures émises")
    cliquer_lien(page, numero)
    cliquer_lien(page, "Désigner le bon valideur")
    assert page.get_by_text(motif).is_visible()
    page.get_by_label("Identifiant du bon valideur (SIRET)").fill(lemoine.identifiant)
    cliquer_bouton(page, "Transmettre au valideur")
    facture = Facture.objects.get(numero=numero)
    assert (facture.statut, facture.valideur_1) == (S.A_VALIDER_1, lemoine)
    assert page.get_by_text(
        "En attente de la validation de Atelier Lemoine Architectes : il lui reste 14 jours"
    ).is_visible()
    # The new validator is told, and has his own 15 days.
    [courriel] = [m for m in mail.outbox if m.to == ["moe@demo.chorus.test"]]
    assert numero in courriel.body

    connexion(page, "moe@demo.chorus.test")
    ouvrir_l_espace(page, "Factures à valider")
    ligne = page.get_by_role("row").filter(has_text=numero)
    assert ligne.get_by_text(re.compile(r"^14 jours \(")).is_visible()
