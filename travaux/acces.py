"""Who acts in which role in Factures de travaux, and which dossiers and pieces he sees.

Built on the access core (habilitations.acces). The rules, in words:
- A user acts in a role for a structure where he holds *Factures de travaux*:
  - **Fournisseur** (titulaire, sous-traitant, cotraitant) and **Maîtrise d'œuvre**: any such
    structure but those *exclusivement MOA*, whose users act as MOA only;
  - **Maîtrise d'ouvrage**: a public structure *avec MOA* or *exclusivement MOA* (a structure
    *sans MOA* validates outside the portal). A right limited to services of it covers the
    dossiers addressed to those services.
- A dossier is visible to its titulaire, to a sub- or co-contractor who deposited in it and
  to a cotraitant who validates a piece of it (Fournisseur), to its MOE (Maîtrise d'œuvre),
  to its MOA (Maîtrise d'ouvrage); to nobody else: another structure's dossier answers 404.
- Inside a dossier: drafts are seen by their depositor only; a sub- or co-contractor sees his
  own pieces only, and those he validates (a cotraitant, his sub-contractor's); the MOE and
  the MOA see a sub- or co-contractor's piece once it has reached
  the MOE (after the titulaire's validation).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from factures.enums import CADRES_TRAVAUX, StatutFacture
from habilitations import acces
from habilitations.enums import Application, Niveau
from structures.enums import CategorieStructure, PresenceMoa
from travaux.enums import RoleTravaux
from travaux.routage import CADRES_SOUS_TRAITANCE, cadres_deposes_par

APPLICATION = Application.FACTURES_TRAVAUX
PRESENCES_AVEC_MOA = [PresenceMoa.AVEC_MOA, PresenceMoa.EXCLUSIVEMENT_MOA]


def structure_eligible(structure, role: str) -> bool:
    return _eligible(structure.categorie, structure.presence_moa, role)


def _eligible(categorie: str, presence_moa: str, role: str) -> bool:
    if role == RoleTravaux.MOA:
        return categorie == CategorieStructure.PUBLIQUE and presence_moa in PRESENCES_AVEC_MOA
    return presence_moa != PresenceMoa.EXCLUSIVEMENT_MOA


def _structures_de_l_espace(user) -> dict[int, tuple[str, str]]:
    """{structure id: (category, Présence MOA)} of every structure where `user` holds the
    space, read once and kept on the user object like his rights (one query a request)."""
    cache = getattr(user, "_structures_travaux", None)
    if cache is None:
        from structures.models import Structure

        ids = acces.droits_de(user).structure_ids(APPLICATION, Niveau.CONSULTATION)
        cache = (
            {
                pk: (categorie, presence)
                for pk, categorie, presence in Structure.objects.filter(pk__in=ids).values_list(
                    "pk", "categorie", "presence_moa"
                )
            }
            if ids
            else {}
        )
        if user.is_authenticated:
            user._structures_travaux = cache
    return cache


def ids_du_role(user, role: str, niveau: str = Niveau.CONSULTATION) -> set[int]:
    """Ids of the structures `user` acts for in `role` (at `niveau`)."""
    ids = acces.droits_de(user).structure_ids(APPLICATION, niveau)
    return {
        pk
        for pk, (categorie, presence) in _structures_de_l_espace(user).items()
        if pk in ids and _eligible(categorie, presence, role)
    }


def structures_du_role(user, role: str, niveau: str = Niveau.CONSULTATION) -> QuerySet:
    """The structures `user` acts for in `role` (at `niveau`)."""
    from structures.models import Structure

    return Structure.objects.filter(pk__in=ids_du_role(user, role, niveau))


def roles_de(user) -> list[RoleTravaux]:
    """The roles `user` may take in Factures de travaux, in the order of the tabs."""
    return [r for r in RoleTravaux if ids_du_role(user, r)]


def peut_agir(user, role: str, structure, service=None) -> bool:
    """May `user` act (modification) in `role` for `structure` (or a service of it)?"""
    return structure_eligible(structure, role) and acces.can(
        user, APPLICATION, Niveau.MODIFICATION, structure, service
    )


def _portees_du_role(user, role: str, niveau: str) -> set[tuple[int, int | None]]:
    portees = acces.portees(user, APPLICATION, niveau)
    if not portees:
        return set()
    ids = ids_du_role(user, role, niveau)
    return {(s, service) for s, service in portees if s in ids}


def _q_structures(champ_structure: str, champ_service: str | None, portees) -> Q:
    """Rows whose structure (or, for a service-level right, service) is within `portees`.
    Without a service field, any right on the structure counts."""
    if champ_service is None:
        ids = {s for s, _service in portees}
        return Q(**{f"{champ_structure}__in": ids}) if ids else Q(pk__in=[])
    return acces.filtre_portees(portees, champ_structure, champ_service)


def filtre_dossiers(user, role: str, niveau: str = Niveau.CONSULTATION) -> Q:
    """Q over DossierFacturation: the dossiers `user` sees in `role`."""
    from factures.models import Facture

    portees = _portees_du_role(user, role, niveau)
    if not portees:
        return Q(pk__in=[])
    if role == RoleTravaux.FOURNISSEUR:
        ids = {s for s, _service in portees}
        deposees = Facture.objects.filter(
            dossier=OuterRef("pk"), fournisseur_id__in=ids, cadre__in=CADRES_SOUS_TRAITANCE
        ).exclude(statut=StatutFacture.SUPPRIMEE)
        a_valider = Facture.objects.filter(
            Q(valideur_1_id__in=ids) | Q(valideur_2_id__in=ids), dossier=OuterRef("pk")
        ).exclude(statut__in=[StatutFacture.BROUILLON, StatutFacture.SUPPRIMEE])
        return Q(titulaire_id__in=ids) | Q(Exists(deposees)) | Q(Exists(a_valider))
    if role == RoleTravaux.MOE:
        return _q_structures("moe_id", None, portees)
    return _q_structures("moa_id", "service_moa_id", portees)


def filtre_pieces(user, role: str, niveau: str = Niveau.CONSULTATION) -> Q:
    """Q over Facture: the works pieces `user` sees in `role` (see the rules above)."""
    portees = _portees_du_role(user, role, niveau)
    if not portees:
        return Q(pk__in=[])
    base = Q(cadre__in=CADRES_TRAVAUX, dossier__isnull=False) & ~Q(statut=StatutFacture.SUPPRIMEE)
    deposees_par_le_role = Q(cadre__in=cadres_deposes_par(role))
    envoyee = ~Q(statut=StatutFacture.BROUILLON)
    if role == RoleTravaux.FOURNISSEUR:
        ids = {s for s, _service in portees}
        miennes = deposees_par_le_role & Q(fournisseur_id__in=ids)
        du_titulaire = Q(dossier__titulaire_id__in=ids) & envoyee
        a_valider = (Q(valideur_1_id__in=ids) | Q(valideur_2_id__in=ids)) & envoyee
        return base & (miennes | du_titulaire | a_valider)
    if role == RoleTravaux.MOE:
        dossier = _q_structures("dossier__moe_id", None, portees)
    else:
        dossier = _q_structures("dossier__moa_id", "dossier__service_moa_id", portees)
    parvenue = ~Q(cadre__in=CADRES_SOUS_TRAITANCE) | Q(mise_a_disposition_le__isnull=False)
    return base & dossier & (deposees_par_le_role | (envoyee & parvenue))


def filtre_pieces_tous_roles(user, niveau: str = Niveau.CONSULTATION) -> Q:
    """Q over Facture: the works pieces `user` sees in any of his roles."""
    q = Q(pk__in=[])
    for role in RoleTravaux:
        q |= filtre_pieces(user, role, niveau)
    return q
