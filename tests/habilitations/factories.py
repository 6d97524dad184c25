import factory

from habilitations.enums import Niveau
from habilitations.models import Habilitation, Rattachement, Utilisateur
from tests.structures.factories import StructureFactory

MOT_DE_PASSE = "Mot-de-passe-de-test-1"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    """`UtilisateurFactory(gestionnaire_de=structure)` makes the user that structure's GP."""

    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(MOT_DE_PASSE)

    @factory.post_generation
    def gestionnaire_de(self, create, structure, **kwargs):
        if create and structure is not None:
            structure.gestionnaire_principal = self
            structure.save(update_fields=["gestionnaire_principal"])
            Rattachement.objects.create(utilisateur=self, structure=structure, statut="ACTIF")


class RattachementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rattachement

    utilisateur = factory.SubFactory(UtilisateurFactory)
    structure = factory.SubFactory(StructureFactory)


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Habilitation

    utilisateur = factory.SubFactory(UtilisateurFactory)
    structure = factory.SubFactory(StructureFactory)
    application = "FACTURES_EMISES"
    niveau = Niveau.MODIFICATION
