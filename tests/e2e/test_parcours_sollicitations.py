"""Issue 7's acceptance flows, in headless Chromium, axe-core on every page visited:

1. a supplier asks the public entity about one of his invoices; the entity's user takes it and
   asks for more; the supplier answers with a file; the entity answers and closes; the
   supplier sends it back; it is back in the entity's desk;
2. someone without an account writes through the public form; a support agent answers; the
   requester reads the answer through the link of his e-mail and closes the request.
"""

import re

import pytest
from django.core import mail

from sollicitations.enums import StatutSollicitation as S
from sollicitations.models import Sollicitation
from tests.e2e.conftest import se_connecter, verifier_accessibilite
from tests.sollicitations import factories as f
from tests.structures.factories_gestion import pdf_minimal

pytestmark = pytest.mark.e2e


def se_deconnecter(page):
    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state()


def choisir_categorie(page, categorie, sous_categorie):
    """The sub-category list follows the category (htmx): wait for it before choosing."""
    with page.expect_response(lambda r: "/contact/sous-categories/" in r.url):
        page.locator("#id_categorie").select_option(label=categorie)
    page.locator("#id_sous_categorie").select_option(label=sous_categorie)


def ouvrir_depuis_le_desk(page, numero):
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name=re.compile("Sollicitations (reçues|au support)")
    ).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("link", name=numero).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def test_question_a_l_entite_complement_reponse_cloture_et_renvoi(page, tmp_path):
    monde = f.fournisseur_et_entite()

    # 1. The supplier writes the question and sends it.
    se_connecter(page, monde.fournisseur.email)
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name="Sollicitations émises"
    ).click()
    verifier_accessibilite(page)
    page.get_by_role("link", name="Nouvelle sollicitation").click()
    verifier_accessibilite(page)
    choisir_categorie(page, "Factures émises", "Question pour une entité publique")
    page.locator("#id_numero_facture").fill("F2026-0042")
    with page.expect_response(lambda r: "/aide/suggestions/" in r.url):
        page.locator("#id_objet").fill("Ma facture rejetée : quand sera-t-elle payée ?")
    # The help articles show up while typing.
    page.get_by_role("link", name=re.compile("Ma facture a été rejetée")).wait_for()
    page.locator("#id_description").fill("Mise à disposition il y a 40 jours, toujours rien.")
    verifier_accessibilite(page)
    page.get_by_role("button", name="Enregistrer et relire avant l'envoi").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Confirmer l'envoi").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    s = Sollicitation.objects.get()
    assert s.statut == S.ENVOYEE
    assert page.get_by_text(f"La sollicitation {s.numero} est envoyée").is_visible()
    se_deconnecter(page)

    # 2. The entity's GP takes it and asks for more.
    se_connecter(page, monde.gp_entite.email)
    ouvrir_depuis_le_desk(page, s.numero)
    page.get_by_role("button", name="Me l'assigner").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.locator("#id_texte").fill("Joignez le bon de commande signé, s'il vous plaît.")
    page.get_by_role("button", name="Demander un complément").click()
    page.wait_for_load_state()
    s.refresh_from_db()
    assert (s.statut, s.assigne_a) == (S.EN_ATTENTE_COMPLEMENT, monde.gp_entite)
    se_deconnecter(page)

    # 3. The supplier answers with the file.
    se_connecter(page, monde.fournisseur.email)
    page.goto(f"/sollicitations/{s.pk}/")
    verifier_accessibilite(page)
    assert page.get_by_text("Un complément vous est demandé").is_visible()
    bon = tmp_path / "bon-de-commande.pdf"
    bon.write_bytes(pdf_minimal())
    page.locator("#id_texte").fill("Voici le bon de commande.")
    page.locator("#id_fichiers").set_input_files(str(bon))
    page.get_by_role("button", name="Envoyer le message").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    assert page.get_by_role("link", name=re.compile("bon-de-commande.pdf")).is_visible()
    s.refresh_from_db()
    assert s.statut == S.EN_COURS
    se_deconnecter(page)

    # 4. The entity answers and closes.
    se_connecter(page, monde.gp_entite.email)
    ouvrir_depuis_le_desk(page, s.numero)
    assert page.get_by_role("link", name=re.compile("bon-de-commande.pdf")).is_visible()
    page.locator("#id_texte").fill("Le mandatement est fait : paiement sous 10 jours.")
    page.get_by_role("button", name="Répondre et clôturer").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    s.refresh_from_db()
    assert s.statut == S.CLOTUREE
    se_deconnecter(page)

    # 5. The supplier is not satisfied and sends it back.
    se_connecter(page, monde.fournisseur.email)
    page.goto(f"/sollicitations/{s.pk}/")
    assert page.get_by_text("paiement sous 10 jours").is_visible()
    page.get_by_role("link", name="Non, renvoyer la sollicitation").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.locator("#id_motif").fill("Trente jours sont passés depuis : toujours rien.")
    page.get_by_role("button", name="Renvoyer").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    s.refresh_from_db()
    assert s.statut == S.RENVOYEE
    se_deconnecter(page)

    # 6. It is back in the entity's "Actions requises".
    se_connecter(page, monde.gp_entite.email)
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name="Sollicitations reçues"
    ).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    ligne = page.get_by_role("row").filter(has_text=s.numero)
    assert ligne.get_by_text("Renvoyée par le demandeur").is_visible()


def test_formulaire_public_reponse_du_support_et_suivi_par_le_lien(page):
    f.referentiel()
    agent = f.agent_support(prenom="Julien", nom="Petit")

    # 1. Someone without an account reads the help first, then writes to support.
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Aide", exact=True).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("searchbox").fill("compte verrouillé")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Mot de passe oublié ou compte verrouillé").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Contacter le support").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    page.locator("#id_email").fill("jeanne.martin@exemple.fr")
    choisir_categorie(page, "Compte et connexion", "Création de compte")
    page.locator("#id_objet").fill("Je ne reçois pas le lien d'activation")
    page.locator("#id_description").fill("Inscrite hier avec mon SIRET, aucun courriel reçu.")
    question = page.locator("label[for=id_reponse]").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.locator("#id_reponse").fill(str(a + b))
    verifier_accessibilite(page)
    page.wait_for_timeout(3100)  # a person takes more than the form's minimum delay
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    assert Sollicitation.objects.exists(), page.get_by_role("main").inner_text()
    s = Sollicitation.objects.get()
    assert page.get_by_text(f"enregistrée sous le numéro {s.numero}").is_visible()
    assert any(s.numero in m.subject for m in mail.outbox if m.to == [s.email_contact])

    # 2. The support agent answers.
    se_connecter(page, agent.email)
    ouvrir_depuis_le_desk(page, s.numero)
    page.get_by_role("button", name="Me l'assigner").click()
    page.wait_for_load_state()
    page.locator("#id_texte").fill("Votre lien a expiré : demandez-en un nouveau depuis l'accueil.")
    page.get_by_role("button", name="Répondre", exact=True).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    s.refresh_from_db()
    assert s.statut == S.REPONDUE
    se_deconnecter(page)

    # 3. The requester follows the link of the answer's e-mail and closes the request.
    [reponse] = [
        m for m in mail.outbox if m.to == [s.email_contact] and "réponse" in m.subject.lower()
    ]
    lien = re.search(r"https?://[^/\s]+(/contact/suivi/\S+/)", reponse.body).group(1)
    page.goto(lien)
    verifier_accessibilite(page)
    assert page.get_by_text("Votre lien a expiré").is_visible()
    page.get_by_role("button", name="Oui, clôturer ma demande").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    s.refresh_from_db()
    assert s.statut == S.CLOTUREE
