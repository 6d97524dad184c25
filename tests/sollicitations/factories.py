"""Sollicitations in the business situations tests need.

- `referentiel()`: the categories of the data migration (transactional tests flush them).
- `fournisseur_et_entite()`: a supplier (GP `fournisseur`), a public entity with one service
  (GP `gp_entite`), and a deposited invoice of the first to the second's service.
- `sollicitation(...)`: a request filed through the services, then moved along the circuit.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps

from habilitations.enums import Application, Niveau
from habilitations.models import Habilitation, Rattachement
from sollicitations.acces import DemandeurParLien
from sollicitations.models import SousCategorie
from sollicitations.services import conversation, depot
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

_migration = importlib.import_module("sollicitations.migrations.0002_referentiel")


def referentiel() -> None:
    """Makes sure the initial categories and articles exist (idempotent)."""
    from django.db import connection

    class _Editeur:
        def __init__(self):
            self.connection = connection

    _migration.creer_referentiel(apps, _Editeur())
    _migration.creer_articles(apps, _Editeur())


def sous_categorie(code: str) -> SousCategorie:
    referentiel()
    return SousCategorie.objects.select_related("categorie").get(code=code)


def question_entite() -> SousCategorie:
    return sous_categorie("QUESTION_ENTITE_PUBLIQUE")


def connexion() -> SousCategorie:
    return sous_categorie("CONNEXION")


@dataclass
class Monde:
    fournisseur_structure: object
    fournisseur: object  # GP of the supplier
    entite: object
    service: object
    gp_entite: object
    facture: object


def fournisseur_et_entite() -> Monde:
    referentiel()
    structure = StructureFactory(raison_sociale="Menuiseries Garnier")
    fournisseur = UtilisateurFactory(gestionnaire_de=structure, prenom="Claire", nom="Garnier")
    entite = StructureFactory(publique=True, raison_sociale="Commune de Sainte-Foy")
    service = ServiceFactory(structure=entite, code="FINANCES", libelle="Finances")
    gp_entite = UtilisateurFactory(gestionnaire_de=entite, prenom="Marc", nom="Bernard")
    facture = FactureFactory(
        fournisseur=structure,
        destinataire=entite,
        service_destinataire=service,
        mise_a_disposition=True,
        numero="F2026-0042",
    )
    return Monde(structure, fournisseur, entite, service, gp_entite, facture)


def agent_entite(entite, *, service=None, niveau=Niveau.MODIFICATION, **champs):
    """A user attached to the entity, holding Sollicitations reçues at `niveau`."""
    user = UtilisateurFactory(**champs)
    Rattachement.objects.create(utilisateur=user, structure=entite, service=service, statut="ACTIF")
    Habilitation.objects.create(
        utilisateur=user,
        structure=entite,
        service=service,
        application=Application.SOLLICITATIONS_RECUES,
        niveau=niveau,
    )
    return user


def agent_support(**champs):
    return UtilisateurFactory(est_agent_support=True, **champs)


def brouillon(demandeur, structure, *, sous_cat=None, facture=None, **champs):
    return depot.sollicitation_creer(
        demandeur=demandeur,
        structure_emettrice=structure,
        sous_categorie=sous_cat or connexion(),
        objet=champs.pop("objet", "Je n'arrive pas à déposer ma facture"),
        description=champs.pop("description", "Le bouton Déposer reste grisé."),
        facture=facture,
        **champs,
    )


def envoyee(demandeur, structure, **kwargs):
    s = brouillon(demandeur, structure, **kwargs)
    depot.sollicitation_envoyer(sollicitation=s, acting_user=demandeur)
    s.refresh_from_db()
    return s


def question_envoyee(monde: Monde, **kwargs):
    """A question of the supplier to the entity about the invoice, sent."""
    return envoyee(
        monde.fournisseur,
        monde.fournisseur_structure,
        sous_cat=question_entite(),
        facture=monde.facture,
        objet=kwargs.pop("objet", "Date de paiement de la facture F2026-0042"),
        **kwargs,
    )


def prise_en_charge(sollicitation, agent):
    conversation.prendre_en_charge(sollicitation=sollicitation, acting_user=agent)
    sollicitation.refresh_from_db()
    return sollicitation


def repondue(sollicitation, agent, texte="Le paiement est prévu le 15."):
    if sollicitation.statut != "EN_COURS" or sollicitation.assigne_a_id != agent.pk:
        prise_en_charge(sollicitation, agent)
    conversation.repondre(sollicitation=sollicitation, acting_user=agent, texte=texte)
    sollicitation.refresh_from_db()
    return sollicitation


def publique(email="sans.compte@exemple.fr", **kwargs):
    referentiel()
    return depot.sollicitation_publique_deposer(
        email=email,
        sous_categorie=kwargs.pop("sous_cat", None) or connexion(),
        objet=kwargs.pop("objet", "Compte verrouillé"),
        description=kwargs.pop("description", "Je ne peux plus me connecter depuis hier."),
        **kwargs,
    )


def par_lien(sollicitation):
    return DemandeurParLien(sollicitation.pk)
