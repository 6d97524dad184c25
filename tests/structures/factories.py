import factory
from stdnum import luhn

from structures.enums import CategorieStructure, TypeIdentifiant
from structures.models import Service, Structure


def siret_valide(n: int) -> str:
    """A valid SIRET (Luhn on SIREN and on SIRET) derived from a sequence number."""
    siren8 = f"{30000000 + n:08d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    corps = siren + "0001"
    return corps + luhn.calc_check_digit(corps)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    type_identifiant = TypeIdentifiant.SIRET
    identifiant = factory.Sequence(siret_valide)
    raison_sociale = factory.Sequence(lambda n: f"Entreprise {n}")
    categorie = CategorieStructure.PRIVEE
    ville = "Lyon"
    code_postal = "69001"

    class Params:
        publique = factory.Trait(
            categorie=CategorieStructure.PUBLIQUE,
            raison_sociale=factory.Sequence(lambda n: f"Commune {n}"),
        )
        inactive = factory.Trait(statut="INACTIVE")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    structure = factory.SubFactory(StructureFactory, publique=True)
    code = factory.Sequence(lambda n: f"SERV{n}")
    libelle = factory.Sequence(lambda n: f"Service {n}")
