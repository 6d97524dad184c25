"""Issue 6's acceptance flows, in headless Chromium, played by the demo's users: the
fournisseur (Bâtiments Durand), the maîtrise d'œuvre (Atelier Lemoine), the maîtrise
d'ouvrage (Syndicat mixte du Val, « exclusivement MOA ») and the service financier (the
Commune de Démoville's agent, service FINANCES). axe-core on every page visited."""

import re

import pytest

from chorus.management.commands.demo import MOT_DE_PASSE
from factures.enums import StatutFacture as S
from factures.models import Facture
from tests.e2e.conftest import se_connecter, verifier_accessibilite
from tests.structures.factories_gestion import pdf_minimal
from travaux.models import DossierFacturation

pytestmark = pytest.mark.e2e

FOURNISSEUR = "fournisseur@demo.chorus.test"
MOE = "moe@demo.chorus.test"
MOA = "moa@demo.chorus.test"
FINANCIER = "agent.finances@demo.chorus.test"
COMMUNE = "gestionnaire@demo.chorus.test"
MARCHE = "2026-E2E-01"


def connexion(page, email):
    page.context.clear_cookies()
    se_connecter(page, email, MOT_DE_PASSE)


def aller(page, lien):
    page.get_by_role("link", name=lien, exact=True).first.click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def ouvrir_factures_de_travaux(page):
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name="Factures de travaux"
    ).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def choisir_role(page, role):
    """From the space's landing page (several roles) or already in the only one."""
    if page.get_by_role("heading", name="Factures de travaux", exact=True).count():
        page.get_by_role("main").get_by_role("link", name=role, exact=True).click()
        page.wait_for_load_state()
        verifier_accessibilite(page)


def cliquer(page, nom):
    page.get_by_role("button", name=nom, exact=True).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def remplir_piece(page, numero, ht=None, tva=None, fichier=False):
    page.get_by_label("Numéro de la pièce").fill(numero)
    if ht is not None:
        page.get_by_label("Montant HT").fill(ht)
        page.get_by_label("Montant de TVA").fill(tva)
    if fichier:
        page.get_by_label("Fichier de la pièce (Factur-X, UBL, CII ou PDF)").set_input_files(
            files=[
                {"name": f"{numero}.pdf", "mimeType": "application/pdf", "buffer": pdf_minimal()}
            ]
        )
    verifier_accessibilite(page)


def envoyer_le_brouillon(page):
    """The draft is saved: the confirmation page, then « Valider et envoyer »."""
    cliquer(page, "Enregistrer le brouillon")
    assert page.get_by_role("heading", name="Vérifier et envoyer la pièce").is_visible()
    cliquer(page, "Valider et envoyer")


def ouvrir_piece(page, numero):
    page.get_by_role("main").get_by_role("link", name=numero, exact=True).first.click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def repondre(page, cadre):
    page.get_by_role(
        "link", name=re.compile(f"Déposer la pièce de facturation suivante : {cadre}")
    ).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)


def statut(numero):
    return Facture.objects.get(numero=numero).statut


def deposer_depuis_le_menu(page, cadre_libelle, dossier=None):
    aller(page, "Déposer une pièce")
    page.get_by_label(re.compile(cadre_libelle)).check()
    if dossier is not None:
        page.get_by_label("Dossier").select_option(value=str(dossier.pk))
    cliquer(page, "Continuer")


def mettre_en_paiement(page, numero):
    connexion(page, FINANCIER)
    page.get_by_role("navigation", name="Espaces").get_by_role(
        "link", name="Factures reçues"
    ).click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    ouvrir_piece(page, numero)
    page.get_by_role("link", name="Mettre en paiement").click()
    page.wait_for_load_state()
    verifier_accessibilite(page)
    cliquer(page, "Confirmer : Mettre en paiement")


def test_du_projet_de_decompte_au_decompte_general_et_definitif(page, demo):
    syndicat = demo["Syndicat mixte d'aménagement du Val"]
    lemoine = demo["Atelier Lemoine Architectes"]
    commune = demo["Commune de Démoville"]

    # 1. The titulaire deposits his projet de décompte mensuel: it opens the dossier.
    commencer_un_projet(page, MARCHE, moa=syndicat, moe=lemoine, financier=commune)
    page.get_by_label("Code du service de la maîtrise d'ouvrage").fill("TRAVAUX")
    remplir_piece(page, "PDM-E2E-1", "20 000,00", "4 000,00", fichier=True)
    envoyer_le_brouillon(page)
    assert statut("PDM-E2E-1") == S.MISE_A_DISPOSITION_MOE
    dossier = DossierFacturation.objects.get(numero_marche=MARCHE)

    # 2. The MOE answers with an état d'acompte, of the amounts it retains.
    connexion(page, MOE)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Maîtrise d'œuvre")
    ouvrir_piece(page, "PDM-E2E-1")
    repondre(page, "A15")
    remplir_piece(page, "EA-E2E-1", "19 000,00", "3 800,00")
    envoyer_le_brouillon(page)
    assert (statut("PDM-E2E-1"), statut("EA-E2E-1")) == (S.ASSOCIEE, S.MISE_A_DISPOSITION_MOA)

    # 3. The MOA validates it: the état d'acompte validé goes to the service financier.
    connexion(page, MOA)
    ouvrir_factures_de_travaux(page)
    ouvrir_piece(page, "EA-E2E-1")
    repondre(page, "A19")
    remplir_piece(page, "EAV-E2E-1")
    envoyer_le_brouillon(page)
    assert (statut("EA-E2E-1"), statut("EAV-E2E-1")) == (S.ASSOCIEE, S.MISE_A_DISPOSITION)

    # 4. The service financier processes it as any invoice: mise en paiement.
    mettre_en_paiement(page, "EAV-E2E-1")
    assert statut("EAV-E2E-1") == S.MISE_EN_PAIEMENT

    # 5. End of the contract: the projet de décompte final, in the same dossier.
    connexion(page, FOURNISSEUR)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Fournisseur")
    deposer_depuis_le_menu(page, "A7 – Projet de décompte final", dossier=dossier)
    remplir_piece(page, "PDF-E2E-1", "150 000,00", "30 000,00")
    envoyer_le_brouillon(page)

    # 6. The MOE answers with the projet de décompte général.
    connexion(page, MOE)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Maîtrise d'œuvre")
    ouvrir_piece(page, "PDF-E2E-1")
    repondre(page, "A17")
    remplir_piece(page, "PDG-E2E-1", "148 000,00", "29 600,00")
    envoyer_le_brouillon(page)

    # 7. The MOA notifies the décompte général to the titulaire.
    connexion(page, MOA)
    ouvrir_factures_de_travaux(page)
    ouvrir_piece(page, "PDG-E2E-1")
    repondre(page, "A20")
    remplir_piece(page, "DG-E2E-1")
    envoyer_le_brouillon(page)
    assert statut("DG-E2E-1") == S.A_ASSOCIER_FOURNISSEUR

    # 8. The titulaire signs it: his décompte général et définitif goes to be paid.
    connexion(page, FOURNISSEUR)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Fournisseur")
    ouvrir_piece(page, "DG-E2E-1")
    repondre(page, "A8")
    remplir_piece(page, "DGD-E2E-1")
    envoyer_le_brouillon(page)
    assert (statut("DG-E2E-1"), statut("DGD-E2E-1")) == (S.ASSOCIEE, S.MISE_A_DISPOSITION)

    # 9. The service financier receives it in Factures reçues and pays it.
    mettre_en_paiement(page, "DGD-E2E-1")

    # 10. The dossier's timeline: every piece, in order, with its status.
    connexion(page, FOURNISSEUR)
    page.goto(f"/factures-travaux/fournisseur/dossiers/{dossier.pk}/")
    verifier_accessibilite(page)
    chronologie = page.locator("ol.chronologie > li")
    attendu = [
        ("A4", "PDM-E2E-1", "Associée"),
        ("A15", "EA-E2E-1", "Associée"),
        ("A19", "EAV-E2E-1", "Mise en paiement"),
        ("A7", "PDF-E2E-1", "Associée"),
        ("A17", "PDG-E2E-1", "Associée"),
        ("A20", "DG-E2E-1", "Associée"),
        ("A8", "DGD-E2E-1", "Mise en paiement"),
    ]
    assert chronologie.count() == len(attendu)
    for i, (cadre, numero, libelle) in enumerate(attendu):
        entree = chronologie.nth(i)
        assert entree.get_by_role("heading").inner_text().startswith(f"{cadre} —")
        assert numero in entree.get_by_role("heading").inner_text()
        assert entree.locator(".fr-badge").first.inner_text().lower() == libelle.lower()
    # The amounts from projet to validated état d'acompte, with the difference.
    assert page.get_by_text("Écart avec la pièce PDM-E2E-1 : −1 000,00 EUR HT").is_visible()


def commencer_un_projet(page, marche, *, moa, moe, financier):
    """As the titulaire, opens the deposit of an A4 projet and fills in its contract parties."""
    connexion(page, FOURNISSEUR)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Fournisseur")
    deposer_depuis_le_menu(page, "A4 – Projet de décompte mensuel")
    page.get_by_label("Numéro de marché").fill(marche)
    page.get_by_label("Maîtrise d'ouvrage ou service financier (SIRET)").fill(moa.identifiant)
    page.get_by_label("Maîtrise d'œuvre (SIRET)").fill(moe.identifiant)
    page.get_by_label("Entité publique du service financier (SIRET)").fill(financier.identifiant)
    page.get_by_label("Code du service financier").fill("FINANCES")


def test_la_moe_refuse_pour_erreur_d_acheminement_et_le_fournisseur_corrige(page, demo):
    syndicat = demo["Syndicat mixte d'aménagement du Val"]
    commune = demo["Commune de Démoville"]
    lemoine = demo["Atelier Lemoine Architectes"]

    # The titulaire names the wrong maîtrise d'œuvre (the commune's technical department).
    commencer_un_projet(page, "2026-E2E-02", moa=syndicat, moe=commune, financier=commune)
    remplir_piece(page, "PDM-ERR-1", "5 000,00", "1 000,00")
    envoyer_le_brouillon(page)

    # The commune is not the MOE of this contract: it refuses for a routing error.
    connexion(page, COMMUNE)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Maîtrise d'œuvre")
    ouvrir_piece(page, "PDM-ERR-1")
    aller(page, "Refuser pour erreur d'acheminement")
    page.get_by_label(re.compile("Qu'est-ce qui est erroné")).fill(
        "Nous ne sommes pas la maîtrise d'œuvre de ce marché : c'est l'Atelier Lemoine."
    )
    cliquer(page, "Refuser pour erreur d'acheminement")
    assert statut("PDM-ERR-1") == S.ERREUR_DE_MOE

    # The titulaire finds it to correct, names the right MOE, and sends it again.
    connexion(page, FOURNISSEUR)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Fournisseur")
    assert page.get_by_role("link", name=re.compile("À corriger")).is_visible()
    ouvrir_piece(page, "PDM-ERR-1")
    aller(page, "Corriger l'acheminement et renvoyer")
    assert page.get_by_text("c'est l'Atelier Lemoine").is_visible()
    page.get_by_label("Maîtrise d'œuvre (SIRET)").fill(lemoine.identifiant)
    cliquer(page, "Corriger et renvoyer")
    piece = Facture.objects.get(numero="PDM-ERR-1")
    assert (piece.statut, piece.destinataire) == (S.MISE_A_DISPOSITION_MOE, lemoine)

    # The right MOE now has it to process; the commune no longer sees the dossier.
    connexion(page, MOE)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Maîtrise d'œuvre")
    assert page.get_by_role("main").get_by_role("link", name="PDM-ERR-1").first.is_visible()
    connexion(page, COMMUNE)
    page.goto(f"/factures-travaux/moe/pieces/{piece.pk}/")
    assert page.get_by_role("heading", name="Page introuvable").is_visible()


def remplir_ligne(page, n, designation, quantite, prix, taux):
    page.get_by_label(f"Désignation, ligne {n}", exact=True).fill(designation)
    page.get_by_label(f"Quantité, ligne {n}", exact=True).fill(quantite)
    page.get_by_label(f"Prix unitaire HT, ligne {n}", exact=True).fill(prix)
    page.get_by_label(f"Taux de TVA en pourcentage, ligne {n}", exact=True).fill(taux)


def test_un_projet_saisi_en_lignes_refuse_par_la_moe_est_redepose_corrige(page, demo):
    syndicat = demo["Syndicat mixte d'aménagement du Val"]
    commune = demo["Commune de Démoville"]
    lemoine = demo["Atelier Lemoine Architectes"]

    # The titulaire types his projet line by line: the portal computes its totals.
    commencer_un_projet(page, "2026-E2E-03", moa=syndicat, moe=lemoine, financier=commune)
    remplir_piece(page, "PDM-LIG-1")
    remplir_ligne(page, 1, "Terrassement", "10", "1500", "20")
    cliquer(page, "Ajouter une ligne")
    remplir_ligne(page, 2, "Fourniture de béton", "3", "200", "10")
    envoyer_le_brouillon(page)
    piece = Facture.objects.get(numero="PDM-LIG-1")
    assert (piece.statut, str(piece.montant_ttc)) == (S.MISE_A_DISPOSITION_MOE, "18660.00")

    # The MOE refuses it for another motif.
    connexion(page, MOE)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Maîtrise d'œuvre")
    ouvrir_piece(page, "PDM-LIG-1")
    aller(page, "Refuser pour autre motif")
    page.get_by_label("Motif du refus").fill("Le béton n'a pas encore été livré.")
    cliquer(page, "Refuser pour autre motif")
    assert statut("PDM-LIG-1") == S.REFUSEE_MOE

    # The titulaire finds it in his Synthèse and deposits a corrected piece, its lines taken up.
    connexion(page, FOURNISSEUR)
    ouvrir_factures_de_travaux(page)
    choisir_role(page, "Fournisseur")
    assert page.get_by_role("heading", name="Refusées : à déposer à nouveau").count()
    ouvrir_piece(page, "PDM-LIG-1")
    assert page.get_by_text(re.compile("Motif : Le béton n'a pas encore été livré")).is_visible()
    aller(page, "Déposer une pièce corrigée")
    assert page.get_by_label("Désignation, ligne 2", exact=True).input_value() == (
        "Fourniture de béton"
    )
    page.get_by_label("Supprimer la ligne 2", exact=True).check()
    remplir_piece(page, "PDM-LIG-2")
    envoyer_le_brouillon(page)
    corrigee = Facture.objects.get(numero="PDM-LIG-2")
    assert (corrigee.statut, str(corrigee.montant_ttc), corrigee.dossier_id) == (
        S.MISE_A_DISPOSITION_MOE,
        "18000.00",
        piece.dossier_id,
    )
