"""`acces.habilites`: the reverse of `can`, who holds a space on each of many structures (the
audiences of notifications about 1,000 invoices at once). The same rules as `can`."""

import pytest

from habilitations import acces
from habilitations.enums import Application, Niveau
from tests.factures.factories_recues import habiliter
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

RECUES = Application.FACTURES_RECUES


def qui(resultat, structure):
    return sorted((user.email, service) for user, service in resultat.get(structure.pk, []))


def test_le_gp_et_les_habilites_de_chaque_structure_avec_leur_service():
    commune, ville = StructureFactory(publique=True), StructureFactory(publique=True)
    finances = ServiceFactory(structure=commune)
    gp = UtilisateurFactory(email="gp@commune.fr", gestionnaire_de=commune)
    agent = habiliter(
        UtilisateurFactory(email="agent@commune.fr"), commune, RECUES, service=finances
    )
    lecteur = habiliter(
        UtilisateurFactory(email="lecteur@commune.fr"), commune, RECUES, Niveau.CONSULTATION
    )
    # One user habilitated on both structures: one instance, both entries.
    double = habiliter(UtilisateurFactory(email="double@ville.fr"), ville, RECUES)
    habiliter(double, commune, RECUES)
    habiliter(UtilisateurFactory(email="autre@commune.fr"), commune, Application.FACTURES_EMISES)

    modification = acces.habilites(RECUES, Niveau.MODIFICATION, [commune.pk, ville.pk])
    consultation = acces.habilites(RECUES, Niveau.CONSULTATION, [commune.pk])

    assert qui(modification, commune) == [
        ("agent@commune.fr", finances.pk),
        ("double@ville.fr", None),
        ("gp@commune.fr", None),
    ]
    assert qui(modification, ville) == [("double@ville.fr", None)]
    assert ("lecteur@commune.fr", None) in qui(consultation, commune)
    # The users are full accounts (their language, their e-mail choice are read next).
    [(premier, _service)] = [e for e in modification[commune.pk] if e[0].pk == gp.pk]
    assert premier.langue == gp.langue and premier.notifications_actives
    # A service-level right covers its service only; a structure-wide one every service.
    assert sorted(u.email for u in acces.habilites_sur(modification, commune.pk, finances.pk)) == [
        "agent@commune.fr",
        "double@ville.fr",
        "gp@commune.fr",
    ]
    assert agent not in acces.habilites_sur(modification, commune.pk, None)
    assert lecteur not in acces.habilites_sur(modification, commune.pk, None)


def test_comptes_inactifs_espace_ferme_et_structure_inactive():
    commune = StructureFactory(publique=True)
    UtilisateurFactory(email="gp@commune.fr", gestionnaire_de=commune, is_active=False)
    habiliter(UtilisateurFactory(email="parti@commune.fr", is_active=False), commune, RECUES)
    habiliter(UtilisateurFactory(email="agent@commune.fr"), commune, RECUES)
    fermee = StructureFactory(publique=True, applications_ouvertes=[Application.ORGANISATION])
    habiliter(UtilisateurFactory(), fermee, RECUES)
    inactive = StructureFactory(publique=True, inactive=True)
    habiliter(UtilisateurFactory(email="agent@inactive.fr"), inactive, RECUES)
    fournisseur = StructureFactory()  # a private structure has no Factures reçues

    resultat = acces.habilites(
        RECUES, Niveau.MODIFICATION, [commune.pk, fermee.pk, inactive.pk, fournisseur.pk]
    )

    assert qui(resultat, commune) == [("agent@commune.fr", None)]
    assert fermee.pk not in resultat
    assert fournisseur.pk not in resultat
    assert inactive.pk not in resultat  # no *modification* on an inactive structure
    assert qui(acces.habilites(RECUES, Niveau.CONSULTATION, [inactive.pk]), inactive) == [
        ("agent@inactive.fr", None)
    ]
    assert acces.habilites(RECUES, Niveau.MODIFICATION, []) == {}
