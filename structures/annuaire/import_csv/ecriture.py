"""Step 4 of the import: write, in chunks of whole structures, one transaction per chunk,
with bulk operations. A chunk that the database refuses is replayed one structure at a time,
so a bad structure only refuses its own rows."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from structures.annuaire.import_csv.colonnes import CHAMPS_SERVICE, CHAMPS_STRUCTURE
from structures.annuaire.import_csv.groupes import Groupe
from structures.annuaire.import_csv.rapport import RESULTATS, RapportImport
from structures.cles import CHAMPS_SOURCES_DE_L_ENTREE, valeurs_de_l_entree
from structures.enums import CategorieStructure

TAILLE_DES_PAQUETS = 2000


def _inserer(modele, lignes: list[dict]) -> None:
    """Inserts rows (field name -> value; the other fields take their default). On
    PostgreSQL through COPY, several times faster than INSERT for thousands of rows; elsewhere
    with `bulk_create`."""
    if not lignes:
        return
    champs = [f for f in modele._meta.concrete_fields if f is not modele._meta.auto_field]
    defauts = {f.attname: f.get_default() for f in champs}
    if connection.vendor != "postgresql":
        modele.objects.bulk_create(
            [modele(**{**defauts, **ligne}) for ligne in lignes], batch_size=TAILLE_DES_PAQUETS
        )
        return
    colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
    noms = [f.attname for f in champs]
    with connection.cursor() as curseur:
        table = connection.ops.quote_name(modele._meta.db_table)
        with curseur.copy(f"COPY {table} ({colonnes}) FROM STDIN") as copie:
            for ligne in lignes:
                valeurs = {**defauts, **ligne}
                copie.write_row([valeurs[nom] for nom in noms])


def _ecrire_paquet(groupes: list[Groupe], refus: dict[int, str]) -> RapportImport:
    """Writes the structures of `groupes`, their rows in the directory's search table and
    their services in the current transaction: two reads (structures, then their services),
    then bulk inserts and updates."""
    from structures.models import EntreeAnnuaire, Service, Structure

    rapport = RapportImport()
    textes = {etat: str(texte) for etat, texte in RESULTATS.items()}
    champs = list(CHAMPS_STRUCTURE)
    existantes: dict[tuple, tuple] = {}  # key -> (pk, categorie, {field: value})
    par_type: dict[str, list[str]] = {}
    for groupe in groupes:
        par_type.setdefault(groupe.cle[0], []).append(groupe.cle[1])
    for type_identifiant, identifiants in par_type.items():
        for pk, identifiant, categorie, *valeurs in Structure.objects.filter(
            type_identifiant=type_identifiant, identifiant__in=identifiants
        ).values_list("pk", "identifiant", "categorie", *champs):
            existantes[(type_identifiant, identifiant)] = (
                pk,
                categorie,
                dict(zip(champs, valeurs, strict=True)),
            )

    a_creer, a_modifier, champs_modifies, retenus = [], [], set(), []
    entrees_a_remplacer = []
    for groupe in groupes:
        existante = existantes.get(groupe.cle)
        if existante is None:
            nouvelle = {
                "type_identifiant": groupe.cle[0],
                "identifiant": groupe.cle[1],
                "categorie": CategorieStructure.PUBLIQUE,
                **CHAMPS_STRUCTURE,
                **groupe.structure,
            }
            a_creer.append(nouvelle)
            retenus.append((groupe, None, "creee"))
            continue
        pk, categorie, actuelles = existante
        if categorie != CategorieStructure.PUBLIQUE:
            for ligne in groupe.lignes:
                refus[ligne.numero] = _(
                    "cet identifiant est celui d'une structure privée du portail, que "
                    "l'annuaire ne modifie pas."
                )
            continue
        changes = {c for c, v in groupe.structure.items() if actuelles[c] != v}
        if changes:
            valeurs = {**actuelles, **groupe.structure}
            a_modifier.append(Structure(pk=pk, **valeurs))
            champs_modifies |= changes
            if not changes.isdisjoint(CHAMPS_SOURCES_DE_L_ENTREE):
                entrees_a_remplacer.append(
                    EntreeAnnuaire.pour(pk, {**valeurs, "identifiant": groupe.cle[1]})
                )
        retenus.append((groupe, pk, "modifiee" if changes else "inchangee"))

    _inserer(Structure, a_creer)
    if a_modifier:
        Structure.objects.bulk_update(
            a_modifier, sorted(champs_modifies), batch_size=TAILLE_DES_PAQUETS
        )
    nouvelles = {}  # key -> pk of the structures just created
    creees_par_type: dict[str, list[str]] = {}
    for structure in a_creer:
        creees_par_type.setdefault(structure["type_identifiant"], []).append(
            structure["identifiant"]
        )
    for type_identifiant, identifiants in creees_par_type.items():
        for identifiant, pk in Structure.objects.filter(
            type_identifiant=type_identifiant, identifiant__in=identifiants
        ).values_list("identifiant", "pk"):
            nouvelles[(type_identifiant, identifiant)] = pk
    retenus = [(g, pk or nouvelles[g.cle], etat) for g, pk, etat in retenus]
    # Bulk writes bypass Structure.save(): the search table is kept in step here.
    _inserer(
        EntreeAnnuaire,
        [
            {
                "structure_id": nouvelles[(s["type_identifiant"], s["identifiant"])],
                **valeurs_de_l_entree(s),
            }
            for s in a_creer
        ],
    )
    if entrees_a_remplacer:
        EntreeAnnuaire.enregistrer(entrees_a_remplacer)

    champs_service = [champ for champ, _defaut in CHAMPS_SERVICE.values()]
    services_existants: dict[tuple, tuple] = {}  # (structure pk, code) -> (pk, {field: value})
    anciennes = [pk for _groupe, pk, etat in retenus if etat != "creee"]
    if anciennes:
        for pk, structure_id, code, *valeurs in Service.objects.filter(
            structure_id__in=anciennes
        ).values_list("pk", "structure_id", "code", *champs_service):
            services_existants[(structure_id, code)] = (
                pk,
                dict(zip(champs_service, valeurs, strict=True)),
            )

    services_a_creer, services_a_modifier, champs_services = [], [], set()
    defauts_service = dict(CHAMPS_SERVICE.values())
    for groupe, structure_id, etat_structure in retenus:
        rapport.compter("structures", etat_structure)
        for ligne in groupe.lignes:
            texte = textes[etat_structure]
            if ligne.code_service:
                existant = services_existants.get((structure_id, ligne.code_service))
                if existant is None:
                    services_a_creer.append(
                        {
                            "structure_id": structure_id,
                            "code": ligne.code_service,
                            **defauts_service,
                            **ligne.service,
                        }
                    )
                    etat = "cree"
                else:
                    pk, actuelles = existant
                    changes = {c for c, v in ligne.service.items() if actuelles[c] != v}
                    if changes:
                        services_a_modifier.append(
                            Service(
                                pk=pk, structure_id=structure_id, **{**actuelles, **ligne.service}
                            )
                        )
                        champs_services |= changes
                    etat = "modifie" if changes else "inchange"
                rapport.compter("services", etat)
                texte = f"{texte}, {textes[etat]}"
            rapport.acceptees[ligne.numero] = texte

    _inserer(Service, services_a_creer)
    if services_a_modifier:
        Service.objects.bulk_update(
            services_a_modifier, sorted(champs_services), batch_size=TAILLE_DES_PAQUETS
        )
    return rapport


def _ecrire(groupes: list[Groupe], refus: dict[int, str]) -> RapportImport:
    """Writes chunk after chunk, each in its own transaction; a chunk the database refuses
    is replayed one structure at a time, and only the structure at fault is refused."""
    rapport = RapportImport()
    for debut in range(0, len(groupes), TAILLE_DES_PAQUETS):
        paquet = groupes[debut : debut + TAILLE_DES_PAQUETS]
        try:
            with transaction.atomic():
                rapport.fusionner(_ecrire_paquet(paquet, refus))
        except DatabaseError:
            for groupe in paquet:
                try:
                    with transaction.atomic():
                        rapport.fusionner(_ecrire_paquet([groupe], refus))
                except DatabaseError as erreur:
                    for ligne in groupe.lignes:
                        refus[ligne.numero] = _(
                            "la base de données a refusé l'enregistrement (%(erreur)s)."
                        ) % {"erreur": str(erreur).strip().splitlines()[0]}
    if rapport.a_ecrit:
        from structures.models import EntreeAnnuaire, Service, Structure

        analyser(Structure, EntreeAnnuaire, Service)
    return rapport


def analyser(*modeles) -> None:
    """Fresh planner statistics for the tables of `modeles` (PostgreSQL), after a bulk write.
    Without them, the searches that follow a bulk load are planned as on the emptier tables
    of before, until autovacuum comes by: measured on 100,000 new structures, 43 ms instead
    of 13 for a name search. ANALYZE reads a sample, and blocks neither reads nor writes."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as curseur:
        for modele in modeles:
            curseur.execute(f"ANALYZE {connection.ops.quote_name(modele._meta.db_table)}")
