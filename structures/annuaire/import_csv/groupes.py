"""Step 3 of the import: group the accepted rows by structure."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from structures.annuaire.import_csv.verification import Ligne


@dataclass
class Groupe:
    """The accepted rows of one structure."""

    cle: tuple[str, str]
    structure: dict
    numero: int  # the row that gave the structure's data
    lignes: list[Ligne] = field(default_factory=list)


def grouper(lignes: list[Ligne], refus: dict[int, str]) -> list[Groupe]:
    """Rows of one structure must agree on its data; one service appears once."""
    groupes: dict[tuple, Groupe] = {}
    services_vus: dict[tuple, int] = {}
    for ligne in lignes:
        groupe = groupes.get(ligne.cle)
        if groupe is None:
            groupe = groupes[ligne.cle] = Groupe(ligne.cle, ligne.structure, ligne.numero)
        elif ligne.structure != groupe.structure:
            differents = sorted(
                c
                for c in set(ligne.structure) | set(groupe.structure)
                if ligne.structure.get(c) != groupe.structure.get(c)
            )
            refus[ligne.numero] = _(
                "les données de la structure (%(champs)s) diffèrent de celles de la ligne "
                "%(ligne)s."
            ) % {"champs": ", ".join(differents), "ligne": groupe.numero}
            continue
        if ligne.code_service:
            cle_service = (*ligne.cle, ligne.code_service)
            if cle_service in services_vus:
                refus[ligne.numero] = _(
                    "le service %(code)s de cette structure figure déjà ligne %(ligne)s."
                ) % {"code": ligne.code_service, "ligne": services_vus[cle_service]}
                continue
            services_vus[cle_service] = ligne.numero
        groupe.lignes.append(ligne)
    return list(groupes.values())
