"""The people of Factures reçues and Factures à valider, and the objects they act on.

`scene()` builds the usual cast: a supplier (sous-traitant) with its GP, a titulaire that
validates its invoices, a public entity with a service, its GP and an agent of that service
only, and a stranger. Users are made with the habilitations the rules need; tests pick
invoices from `FactureFactory` traits and put them where they want.
"""

from dataclasses import dataclass

import factory

from factures.models import Retour, Telechargement
from habilitations.enums import Application, Niveau
from habilitations.models import Habilitation, Rattachement
from tests.factures.factories import FactureFactory
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory


def habiliter(user, structure, application, niveau=Niveau.MODIFICATION, service=None):
    Rattachement.objects.get_or_create(
        utilisateur=user, structure=structure, service=service, statut="ACTIF"
    )
    Habilitation.objects.create(
        utilisateur=user,
        structure=structure,
        service=service,
        application=application,
        niveau=niveau,
    )
    return user


@dataclass
class Scene:
    fournisseur: object
    titulaire: object
    entite: object
    service: object
    autre_service: object
    gp_fournisseur: object
    gp_titulaire: object
    gp_entite: object
    agent: object  # Factures reçues – modification on `service` only
    lecteur: object  # Factures reçues – consultation on the whole entity
    inconnu: object  # GP of another public entity

    def facture(self, **kwargs):
        """An invoice of the supplier to the entity's service, at the entity."""
        valeurs = {
            "fournisseur": self.fournisseur,
            "destinataire": self.entite,
            "service_destinataire": self.service,
            "mise_a_disposition": True,
        }
        valeurs.update(kwargs)
        return FactureFactory(**valeurs)

    def facture_a_valider(self, **kwargs):
        valeurs = {
            "fournisseur": self.fournisseur,
            "destinataire": self.entite,
            "service_destinataire": self.service,
            "a_valider": True,
            "valideur_1": self.titulaire,
        }
        valeurs.update(kwargs)
        return FactureFactory(**valeurs)


def scene() -> Scene:
    fournisseur = StructureFactory(raison_sociale="Peintures Morel")
    titulaire = StructureFactory(raison_sociale="Bâtiments Titulaire")
    entite = StructureFactory(publique=True, raison_sociale="Commune de Valbourg")
    service = ServiceFactory(structure=entite, code="FINANCES")
    autre_service = ServiceFactory(structure=entite, code="ECOLES")
    agent = UtilisateurFactory(email="agent@valbourg.fr")
    habiliter(agent, entite, Application.FACTURES_RECUES, service=service)
    lecteur = UtilisateurFactory(email="lecteur@valbourg.fr")
    habiliter(lecteur, entite, Application.FACTURES_RECUES, Niveau.CONSULTATION)
    return Scene(
        fournisseur=fournisseur,
        titulaire=titulaire,
        entite=entite,
        service=service,
        autre_service=autre_service,
        gp_fournisseur=UtilisateurFactory(
            email="gp@peintures-morel.fr", gestionnaire_de=fournisseur
        ),
        gp_titulaire=UtilisateurFactory(email="gp@titulaire.fr", gestionnaire_de=titulaire),
        gp_entite=UtilisateurFactory(email="gp@valbourg.fr", gestionnaire_de=entite),
        agent=agent,
        lecteur=lecteur,
        inconnu=UtilisateurFactory(
            email="gp@ailleurs.fr", gestionnaire_de=StructureFactory(publique=True)
        ),
    )


class TelechargementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Telechargement

    facture = factory.SubFactory(FactureFactory, mise_a_disposition=True)
    utilisateur = factory.SubFactory(UtilisateurFactory)
    type_document = "FACTURE"


class RetourFactory(factory.django.DjangoModelFactory):
    """A return written as `traitement.facture_traiter` writes it; prefer the service in
    tests of behaviour, this for lists and dates."""

    class Meta:
        model = Retour

    facture = factory.SubFactory(FactureFactory, statut="SUSPENDUE")
    statut = factory.SelfAttribute("facture.statut")
    historique = factory.LazyAttribute(
        lambda o: o.facture.historique.create(
            role="DESTINATAIRE",
            action="SUSPENDRE" if o.statut == "SUSPENDUE" else "REJETER",
            motif="Pièce justificative manquante",
            statut_avant="MISE_A_DISPOSITION",
            statut_apres=o.statut,
        )
    )
