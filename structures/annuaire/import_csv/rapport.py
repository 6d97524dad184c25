"""What the import did with each row: counters, accepted and refused rows, the CSV report."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _lazy


@dataclass
class RapportImport:
    structures_creees: int = 0
    structures_modifiees: int = 0
    structures_inchangees: int = 0
    services_crees: int = 0
    services_modifies: int = 0
    services_inchanges: int = 0
    # line number -> what happened to an accepted row / why a row was refused
    acceptees: dict[int, str] = field(default_factory=dict)
    refusees: dict[int, str] = field(default_factory=dict)
    identifiants: dict[int, tuple[str, str]] = field(default_factory=dict)

    def compter(self, quoi: str, etat: str) -> None:
        nom = f"{quoi}_{_COMPTEURS[etat]}"
        setattr(self, nom, getattr(self, nom) + 1)

    def fusionner(self, autre: RapportImport) -> None:
        for nom in _COMPTEURS_DU_RAPPORT:
            setattr(self, nom, getattr(self, nom) + getattr(autre, nom))
        self.acceptees.update(autre.acceptees)

    @property
    def a_ecrit(self) -> bool:
        """Whether the import created or changed anything."""
        return any(
            (
                self.structures_creees,
                self.structures_modifiees,
                self.services_crees,
                self.services_modifies,
            )
        )

    @property
    def nb_acceptees(self) -> int:
        return len(self.acceptees)

    @property
    def nb_refusees(self) -> int:
        return len(self.refusees)


_COMPTEURS = {
    "creee": "creees",
    "modifiee": "modifiees",
    "inchangee": "inchangees",
    "cree": "crees",
    "modifie": "modifies",
    "inchange": "inchanges",
}
_COMPTEURS_DU_RAPPORT = [
    "structures_creees",
    "structures_modifiees",
    "structures_inchangees",
    "services_crees",
    "services_modifies",
    "services_inchanges",
]
RESULTATS = {
    "creee": _lazy("structure créée"),
    "modifiee": _lazy("structure modifiée"),
    "inchangee": _lazy("structure inchangée"),
    "cree": _lazy("service créé"),
    "modifie": _lazy("service modifié"),
    "inchange": _lazy("service inchangé"),
}


def ecrire_rapport_csv(rapport: RapportImport, sortie) -> None:
    """Every row of the file: line, identifier, service code, result and detail."""
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(["ligne", "identifiant", "code_service", "resultat", "detail"])
    for numero in sorted(rapport.identifiants):
        identifiant, code = rapport.identifiants[numero]
        if numero in rapport.refusees:
            ecrivain.writerow([numero, identifiant, code, "refusée", rapport.refusees[numero]])
        else:
            ecrivain.writerow(
                [numero, identifiant, code, "acceptée", rapport.acceptees.get(numero, "")]
            )
