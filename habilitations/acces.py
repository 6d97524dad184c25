"""Core 1: who may see and do what. Every query of business data goes through here.

The rules, in words:
- A user's rights come from his habilitations: (structure, service or the whole structure,
  application, level). *Modification* includes *consultation*.
- The gestionnaire principal (GP) of a structure holds every application that the
  structure opens, on the whole structure: in modification while it is active, in
  consultation once it is inactive (after a change of SIRET he still sees its invoices).
- A space the structure has closed gives nothing, whatever the habilitations say; they
  come back into force if it opens again.
- An inactive structure keeps giving *consultation* (its invoices stay visible after a change
  of SIRET) but never *modification*.
- `can(..., structure)` without a service asks about the whole structure;
  with a service, about that service (a structure-wide right covers every service).
- Rights are read once per request (cached on the user object): a change shows at the next
  page load.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from habilitations.enums import Application, Niveau
from structures.enums import CategorieStructure, StatutStructure

# Applications a structure opens by default, by category (domain §1).
APPLICATIONS_DE_LA_STRUCTURE = {
    CategorieStructure.PRIVEE: [
        Application.FACTURES_EMISES,
        Application.FACTURES_A_VALIDER,
        Application.FACTURES_TRAVAUX,
        Application.SOLLICITATIONS_EMISES,
        Application.SOLLICITATIONS_RECUES,
        Application.ORGANISATION,
    ],
    CategorieStructure.PUBLIQUE: list(Application),
}


def applications_ouvertes(categorie: str, ouvertes: list[str] | None) -> list[str]:
    """The spaces a structure opens: its own choice, or its category's defaults."""
    if ouvertes is None:
        return APPLICATIONS_DE_LA_STRUCTURE[categorie]
    return [a for a in Application if a in ouvertes]


def applications_de_la_structure(structure) -> list[str]:
    return applications_ouvertes(structure.categorie, structure.applications_ouvertes)


@dataclass(frozen=True)
class Droit:
    structure_id: int
    service_id: int | None
    application: str
    niveau: str
    structure_active: bool

    def permet(self, niveau: str) -> bool:
        if niveau == Niveau.MODIFICATION:
            return self.niveau == Niveau.MODIFICATION and self.structure_active
        return True


class Droits:
    """Every right of one user, loaded in one query: his habilitations and the structures he
    manages (a GP's rights), read together."""

    def __init__(self, user):
        from django.db import connections, router

        from habilitations.models import Habilitation
        from structures.models import Structure

        self.droits: list[Droit] = []
        if not (user.is_authenticated and user.is_active):
            return
        # Read on every request: static SQL (see `_sql_des_droits`).
        connexion = connections[router.db_for_read(Habilitation)]
        with connexion.cursor() as curseur:
            curseur.execute(_sql_des_droits(), [user.pk, Niveau.MODIFICATION, user.pk])
            lignes = curseur.fetchall()
        champ_ouvertes = Structure._meta.get_field("applications_ouvertes")
        for structure_id, service_id, application, niveau, statut, categorie, ouvertes in lignes:
            active = statut == StatutStructure.ACTIVE
            ouvertes = champ_ouvertes.from_db_value(ouvertes, None, connexion)
            ouvertes = applications_ouvertes(categorie, ouvertes)
            if application is None:  # the structure's GP
                for gere in ouvertes:
                    self.droits.append(Droit(structure_id, None, gere, niveau, active))
            elif application in ouvertes:
                self.droits.append(Droit(structure_id, service_id, application, niveau, active))

    def peut(self, application, niveau, structure_id, service_id=None) -> bool:
        return any(
            d.application == application
            and d.structure_id == structure_id
            and (d.service_id is None or d.service_id == service_id)
            and d.permet(niveau)
            for d in self.droits
        )

    def applications(self) -> set[str]:
        return {d.application for d in self.droits}

    def structure_ids(self, application, niveau) -> set[int]:
        return {
            d.structure_id for d in self.droits if d.application == application and d.permet(niveau)
        }

    def portees(self, application, niveau) -> set[tuple[int, int | None]]:
        """(structure_id, service_id or None for the whole structure) of every right."""
        return {
            (d.structure_id, d.service_id)
            for d in self.droits
            if d.application == application and d.permet(niveau)
        }


@functools.cache
def _sql_des_droits() -> str:
    """A user's habilitations (with their structure's state), then the structures he
    manages as their GP (no service, application NULL: every space the structure opens), in
    one statement written once: the ORM's UNION costs about 2 ms of Python to compile, on
    every request. Parameters: the user's id, the level of a GP, the user's id."""
    from habilitations.models import Habilitation
    from structures.models import Structure

    h, s = Habilitation._meta.db_table, Structure._meta.db_table
    colonnes = "s.statut, s.categorie, s.applications_ouvertes"
    return (
        f"SELECT h.structure_id, h.service_id, h.application, h.niveau, {colonnes} "
        f"FROM {h} h INNER JOIN {s} s ON s.id = h.structure_id WHERE h.utilisateur_id = %s "
        f"UNION ALL SELECT s.id, NULL, NULL, CAST(%s AS varchar(20)), {colonnes} "
        f"FROM {s} s WHERE s.gestionnaire_principal_id = %s"
    )


def droits_de(user) -> Droits:
    cached = getattr(user, "_droits_chorus", None)
    if cached is None:
        cached = Droits(user)
        if user.is_authenticated:
            user._droits_chorus = cached
    return cached


def oublier_droits(user) -> None:
    """Forgets the cached rights (after a change made in the same request)."""
    user.__dict__.pop("_droits_chorus", None)


def can(user, application: str, niveau: str, structure, service=None) -> bool:
    """May `user` use `application` at `niveau` on `structure` (or on `service` of it)?"""
    return droits_de(user).peut(
        application, niveau, structure.pk, service.pk if service is not None else None
    )


def structures_for(user, application: str, niveau: str) -> QuerySet:
    """The structures where `user` holds `application` at `niveau`, on all or some services."""
    from structures.models import Structure

    return Structure.objects.filter(pk__in=droits_de(user).structure_ids(application, niveau))


def portees(user, application: str, niveau: str) -> set[tuple[int, int | None]]:
    """Where `user` holds `application` at `niveau`: pairs (structure_id, service_id), the
    service being None for a right on the whole structure. QuerySet methods such as
    `Facture.objects.visible_to` turn them into filters."""
    return droits_de(user).portees(application, niveau)


def filtre_portees(portees, champ_structure: str, champ_service: str) -> Q:
    """Q of the rows whose structure (or one of its services) is within `portees` (the pairs
    of `portees()`): a structure-wide right covers every service of it and the rows without
    a service; a service right covers the rows of that service only."""
    entieres = {s for s, service in portees if service is None}
    q = Q(**{f"{champ_structure}__in": entieres}) if entieres else Q(pk__in=[])
    par_structure: dict[int, set[int]] = {}
    for structure_id, service_id in portees:
        if service_id is not None and structure_id not in entieres:
            par_structure.setdefault(structure_id, set()).add(service_id)
    for structure_id, services in par_structure.items():
        q |= Q(**{champ_structure: structure_id, f"{champ_service}__in": services})
    return q


def est_gestionnaire(user, structure) -> bool:
    """GP of the structure, or *Organisation – modification* on the whole structure."""
    return can(user, Application.ORGANISATION, Niveau.MODIFICATION, structure)


def applications_de(user) -> list[str]:
    """The spaces the user may open, in the order of the menu."""
    ouvertes = droits_de(user).applications()
    return [a for a in Application if a in ouvertes]


def habilites(application: str, niveau: str, structure_ids) -> dict[int, list[tuple]]:
    """The reverse of `can`: who holds `application` at `niveau` on each of these structures.

    Returns {structure_id: [(user, service_id or None)]}, None meaning the whole structure.
    The same rules as `Droits`: the structure's GP holds everything on the whole structure,
    a closed space gives nothing, an inactive structure gives no *modification*, inactive
    accounts are left out. Three queries whatever the number of structures (notifications
    of 1,000 objects at once): the structures and the habilitations as values, then each
    user concerned once.
    """
    from habilitations.models import Habilitation, Utilisateur
    from structures.models import Structure

    gp_de: dict[int, int | None] = {}
    structures = (
        Structure.objects.filter(pk__any=list(set(structure_ids)))
        .order_by()
        .values_list(
            "pk", "categorie", "applications_ouvertes", "statut", "gestionnaire_principal_id"
        )
    )
    for pk, categorie, applications, statut, gp_id in structures:
        if application not in applications_ouvertes(categorie, applications):
            continue
        if niveau == Niveau.MODIFICATION and statut != StatutStructure.ACTIVE:
            continue
        gp_de[pk] = gp_id
    niveaux = [Niveau.MODIFICATION]
    if niveau == Niveau.CONSULTATION:
        niveaux.append(Niveau.CONSULTATION)
    lignes = list(
        Habilitation.objects.filter(
            structure__pk__any=list(gp_de), application=application, niveau__in=niveaux
        ).values_list("structure_id", "utilisateur_id", "service_id")
    )
    ids = {gp for gp in gp_de.values() if gp is not None} | {u for _s, u, _sv in lignes}
    actifs = (
        Utilisateur.objects.filter(pk__any=list(ids), is_active=True).order_by().in_bulk()
        if ids
        else {}
    )
    resultat: dict[int, list[tuple]] = {}
    for structure_id, gp_id in gp_de.items():
        resultat[structure_id] = [(actifs[gp_id], None)] if gp_id in actifs else []
    for structure_id, utilisateur_id, service_id in lignes:
        if utilisateur_id in actifs:
            resultat[structure_id].append((actifs[utilisateur_id], service_id))
    return resultat


def habilites_sur(habilites_par_structure: dict, structure_id: int, service_id=None) -> list:
    """From `habilites(...)`: the users who hold the right on this structure, or on this
    service of it (a structure-wide right covers every service), each once."""
    vus, utilisateurs = set(), []
    for user, service in habilites_par_structure.get(structure_id, ()):
        if (service is None or service == service_id) and user.pk not in vus:
            vus.add(user.pk)
            utilisateurs.append(user)
    return utilisateurs
