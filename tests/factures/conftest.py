"""Fixtures of the invoice tests: a supplier and its GP, a public recipient with services,
and a helper that posts a draft's form the way the browser does."""

import pytest

from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory


@pytest.fixture
def fournisseur():
    return StructureFactory(raison_sociale="Bâtiments Durand")


@pytest.fixture
def gp(fournisseur):
    return UtilisateurFactory(gestionnaire_de=fournisseur)


@pytest.fixture
def client_gp(client, gp):
    client.force_login(gp)
    return client


@pytest.fixture
def commune():
    commune = StructureFactory(publique=True, raison_sociale="Commune de Démoville")
    ServiceFactory(structure=commune, code="FINANCES", libelle="Direction des finances")
    ServiceFactory(structure=commune, code="ANCIEN", libelle="Service fermé", statut="INACTIF")
    return commune


LIGNE_PAR_DEFAUT = {
    "designation": "Prestation",
    "reference": "",
    "quantite": "1",
    "unite": "C62",
    "prix_unitaire_ht": "100",
    "remise_ht": "",
    "taux_tva": "20",
}


def donnees_brouillon(facture, *, lignes=None, action="enregistrer", **champs):
    """The POST data of the draft form: header fields (defaults: a complete A1 invoice)
    and lines (dicts merged over LIGNE_PAR_DEFAUT)."""
    donnees = {
        "_action": action,
        "cadre": facture.cadre,
        "identifiant_valideur_1": "",
        "identifiant_valideur_2": "",
        "service_fournisseur": "",
        "service_destinataire": "",
        "type_facture": "FACTURE",
        "numero": "F2026-001",
        "date_facture": "2026-11-02",
        "date_echeance": "",
        "numero_facture_origine": "",
        "devise": "EUR",
        "type_tva": "TVA_SUR_DEBIT",
        "motif_exoneration": "",
        "mode_paiement": "CHEQUE",
        "coordonnee_bancaire": "",
        "numero_engagement": "",
        "numero_marche": "",
        "montant_remise_globale_ttc": "",
        "motif_remise_globale": "",
        "commentaire": "",
    }
    donnees.update({k: "" if v is None else str(v) for k, v in champs.items()})
    lignes = [LIGNE_PAR_DEFAUT] if lignes is None else lignes
    donnees.update(
        {
            "lignes-TOTAL_FORMS": str(len(lignes)),
            "lignes-INITIAL_FORMS": "0",
            "lignes-MIN_NUM_FORMS": "0",
            "lignes-MAX_NUM_FORMS": "10000",
        }
    )
    for i, ligne in enumerate(lignes):
        for cle, valeur in {**LIGNE_PAR_DEFAUT, **ligne}.items():
            donnees[f"lignes-{i}-{cle}"] = valeur
    return donnees
