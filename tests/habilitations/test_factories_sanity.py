from habilitations import acces
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory


def test_le_gestionnaire_principal_ouvre_les_espaces_de_sa_structure(db):
    structure = StructureFactory()
    gp = UtilisateurFactory(gestionnaire_de=structure)
    assert "FACTURES_EMISES" in acces.applications_de(gp)
    assert "FACTURES_RECUES" not in acces.applications_de(gp)  # a private structure
