"""The CSV import of the public directory (annuaire des structures publiques).

`annuaire_importer`: see `COLONNES` and the docstring of the management command
`import_annuaire`. A pipeline of small steps: read (encoding, delimiter, header) → check
each row → group rows by structure → write in chunks of whole structures, one transaction
per chunk, with bulk operations. A chunk that the database refuses is replayed one structure
at a time, so a bad structure only refuses its own rows. Every accepted row is written whole
(its structure and its service), every refused row not at all.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from structures.cles import cles_de
from structures.enums import (
    CategorieStructure,
    PresenceMoa,
    StatutService,
    StatutStructure,
    TypeIdentifiant,
)
from structures.validation import identifiant_normaliser

TAILLE_DES_PAQUETS = 2000


class FichierAnnuaireInvalide(Exception):
    """The file as a whole cannot be read; `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Colonne:
    nom: str
    description: str
    obligatoire: bool = False


# The columns of the file, in the order of the documentation. Only the first three are
# required in the header; an absent optional column leaves that data of existing structures
# untouched and takes its default on new ones.
COLONNES = [
    Colonne("identifiant", "identifiant de la structure (SIRET : 14 chiffres)", True),
    Colonne(
        "type_identifiant",
        "SIRET, UE_HORS_FRANCE, HORS_UE, RIDET, TAHITI, AUTRE ou PARTICULIER",
        True,
    ),
    Colonne("raison_sociale", "raison sociale (200 caractères au plus)", True),
    Colonne("adresse", "adresse (numéro et voie)"),
    Colonne("code_postal", "code postal (5 chiffres en France)"),
    Colonne("ville", "ville"),
    Colonne("pays", "code pays ISO à deux lettres ; vide : FR"),
    Colonne("statut", "ACTIVE ou INACTIVE ; vide : ACTIVE"),
    Colonne("code_service_obligatoire", "le fournisseur doit indiquer un code service"),
    Colonne("numero_ej_obligatoire", "le fournisseur doit indiquer un numéro d'engagement"),
    Colonne("code_service_ou_ej_obligatoire", "le fournisseur doit indiquer l'un ou l'autre"),
    Colonne("mise_en_paiement_non_remontee", "le statut « mise en paiement » n'est pas remonté"),
    Colonne("reception_edi", "la structure reçoit ses factures par EDI"),
    Colonne("presence_moa", "SANS_MOA, AVEC_MOA ou EXCLUSIVEMENT_MOA ; vide : SANS_MOA"),
    Colonne("code_service", "code du service (100 caractères au plus) ; vide : pas de service"),
    Colonne("libelle_service", "libellé du service, obligatoire avec un code service"),
    Colonne("statut_service", "ACTIF ou INACTIF ; vide : ACTIF"),
    Colonne(
        "engagement_obligatoire_service",
        "un numéro d'engagement est obligatoire pour ce service",
    ),
]
NOMS_DES_COLONNES = [c.nom for c in COLONNES]
COLONNES_OBLIGATOIRES = [c.nom for c in COLONNES if c.obligatoire]
BOOLEENS_STRUCTURE = [
    "code_service_obligatoire",
    "numero_ej_obligatoire",
    "code_service_ou_ej_obligatoire",
    "mise_en_paiement_non_remontee",
    "reception_edi",
]
# Structure fields the file may set, with their value on a new structure when the column is
# absent.
CHAMPS_STRUCTURE = {
    "raison_sociale": "",
    "adresse": "",
    "code_postal": "",
    "ville": "",
    "pays": "FR",
    "statut": StatutStructure.ACTIVE,
    **dict.fromkeys(BOOLEENS_STRUCTURE, False),
    "presence_moa": PresenceMoa.SANS_MOA,
}
# Service fields the file may set: column -> model field, default.
CHAMPS_SERVICE = {
    "libelle_service": ("libelle", ""),
    "statut_service": ("statut", StatutService.ACTIF),
    "engagement_obligatoire_service": ("engagement_obligatoire", False),
}
VRAI = {"1", "true", "vrai", "oui", "o", "y", "yes", "x"}
FAUX = {"", "0", "false", "faux", "non", "n", "no"}


def aide_des_colonnes() -> str:
    lignes = []
    for colonne in COLONNES:
        marque = " (obligatoire)" if colonne.obligatoire else ""
        lignes.append(f"  {colonne.nom}{marque} : {colonne.description}")
    return "\n".join(lignes)


# --- Step 1: read -----------------------------------------------------------------------------


def lire_csv(contenu: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decodes (UTF-8, with or without BOM), detects the delimiter (`;` or `,`) and checks
    the header. Returns the header and the data rows with their line number in the file."""
    if not contenu.strip():
        raise FichierAnnuaireInvalide(_("Le fichier est vide."))
    if b"\x00" in contenu[:8192]:
        raise FichierAnnuaireInvalide(
            _("Ce fichier n'est pas un fichier CSV (il contient des données binaires).")
        )
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        ligne = contenu.count(b"\n", 0, erreur.start) + 1
        raise FichierAnnuaireInvalide(
            _(
                "Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne %(ligne)s). "
                "Enregistrez-le en « CSV UTF-8 » et recommencez."
            )
            % {"ligne": ligne}
        ) from erreur
    premiere_ligne = texte.split("\n", 1)[0]
    delimiteur = ";" if premiere_ligne.count(";") >= premiere_ligne.count(",") else ","
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=delimiteur)
    try:
        entete = [nom.strip().lower() for nom in next(lecteur)]
        lignes = []
        fin_precedente = lecteur.line_num
        for valeurs in lecteur:
            debut, fin_precedente = fin_precedente + 1, lecteur.line_num
            if any(v.strip() for v in valeurs):
                lignes.append((debut, valeurs))
    except csv.Error as erreur:
        raise FichierAnnuaireInvalide(
            _("Le fichier CSV est mal formé ligne %(ligne)s : %(erreur)s.")
            % {"ligne": lecteur.line_num, "erreur": erreur}
        ) from erreur
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in entete]
    if manquantes:
        raise FichierAnnuaireInvalide(
            _(
                "La première ligne doit nommer les colonnes, séparées par « ; » ou « , ». "
                "Colonnes obligatoires absentes : %(colonnes)s."
            )
            % {"colonnes": ", ".join(manquantes)}
        )
    inconnues = [c for c in entete if c not in NOMS_DES_COLONNES]
    if inconnues:
        raise FichierAnnuaireInvalide(
            _("Colonnes inconnues : %(colonnes)s. Colonnes possibles : %(possibles)s.")
            % {"colonnes": ", ".join(inconnues), "possibles": ", ".join(NOMS_DES_COLONNES)}
        )
    doublons = sorted({c for c in entete if entete.count(c) > 1})
    if doublons:
        raise FichierAnnuaireInvalide(
            _("Colonnes en double : %(colonnes)s.") % {"colonnes": ", ".join(doublons)}
        )
    return entete, lignes


# --- Step 2: check each row -------------------------------------------------------------------


@dataclass
class Ligne:
    """One accepted row: the structure it describes and, maybe, one of its services."""

    numero: int
    cle: tuple[str, str]  # (type_identifiant, identifiant)
    structure: dict  # model field -> value, for the columns present
    code_service: str = ""
    service: dict = field(default_factory=dict)


_VALEURS_DES_CHOIX = {
    enum: frozenset(enum.values)
    for enum in (TypeIdentifiant, StatutStructure, PresenceMoa, StatutService)
}


def _booleen(valeur: str, colonne: str, erreurs: list[str]) -> bool:
    texte = valeur.lower()
    if texte in VRAI:
        return True
    if texte not in FAUX:
        erreurs.append(
            _("%(colonne)s : « %(valeur)s » n'est pas un booléen (1/0, true/false, oui/non).")
            % {"colonne": colonne, "valeur": valeur}
        )
    return False


def _choix(valeur: str, colonne: str, enum, defaut: str, erreurs: list[str]) -> str:
    code = valeur.upper() or defaut
    if code not in _VALEURS_DES_CHOIX[enum]:
        erreurs.append(
            _("%(colonne)s : valeur inconnue « %(valeur)s » (valeurs possibles : %(codes)s).")
            % {"colonne": colonne, "valeur": valeur, "codes": ", ".join(enum.values)}
        )
    return code


def _identifiant(type_identifiant: str, valeur: str, erreurs: list[str]) -> str:
    """The identifier checked by the portal's one rule per type (structures/validation.py)."""
    if not valeur:
        erreurs.append(_("identifiant : obligatoire."))
        return ""
    try:
        return identifiant_normaliser(type_identifiant, valeur)
    except ValidationError as erreur:
        erreurs.append(
            _("identifiant « %(valeur)s » : %(message)s")
            % {"valeur": valeur, "message": erreur.messages[0]}
        )
        return ""


_CODE_POSTAL_FRANCAIS = re.compile(r"\d{5}")


class VerificateurDeLignes:
    """Checks the rows of one file; what depends on its header and on the models is worked
    out once, so each row costs a few dictionary look-ups."""

    def __init__(self, entete: list[str]):
        from structures.models import Service, Structure

        self.entete = entete
        self.colonnes_structure = [c for c in CHAMPS_STRUCTURE if c in entete]
        self.colonnes_service = [c for c in CHAMPS_SERVICE if c in entete]
        self.longueurs = {
            **{
                c: Structure._meta.get_field(c).max_length
                for c in ("raison_sociale", "adresse", "code_postal", "ville")
                if c in entete
            },
            "code_service": Service._meta.get_field("code").max_length,
            "libelle_service": Service._meta.get_field("libelle").max_length,
        }
        self._pays: dict[str, bool] = {}

    def _pays_connu(self, code: str) -> bool:
        if code not in self._pays:
            self._pays[code] = len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None
        return self._pays[code]

    def _longueur(self, valeur: str, colonne: str, erreurs: list[str]) -> None:
        maximum = self.longueurs[colonne]
        if len(valeur) > maximum:
            erreurs.append(
                _("%(colonne)s : %(n)s caractères, %(max)s au plus.")
                % {"colonne": colonne, "n": len(valeur), "max": maximum}
            )

    def __call__(self, numero: int, valeurs: list[str]) -> Ligne | list[str]:
        """An accepted `Ligne`, or the reasons (in French) why the row is refused."""
        if len(valeurs) != len(self.entete):
            return [
                _("la ligne compte %(n)s champs au lieu de %(attendu)s.")
                % {"n": len(valeurs), "attendu": len(self.entete)}
            ]
        brut = {nom: valeur.strip() for nom, valeur in zip(self.entete, valeurs, strict=True)}
        erreurs: list[str] = []
        if brut["type_identifiant"]:
            type_identifiant = _choix(
                brut["type_identifiant"], "type_identifiant", TypeIdentifiant, "", erreurs
            )
        else:
            type_identifiant = ""
            erreurs.append(_("type_identifiant : obligatoire."))
        identifiant = _identifiant(type_identifiant, brut["identifiant"], erreurs)
        structure: dict = {}
        for colonne in self.colonnes_structure:
            valeur = brut[colonne]
            if colonne in BOOLEENS_STRUCTURE:
                structure[colonne] = _booleen(valeur, colonne, erreurs)
            elif colonne == "statut":
                structure[colonne] = _choix(
                    valeur, colonne, StatutStructure, StatutStructure.ACTIVE, erreurs
                )
            elif colonne == "presence_moa":
                structure[colonne] = _choix(
                    valeur, colonne, PresenceMoa, PresenceMoa.SANS_MOA, erreurs
                )
            elif colonne == "pays":
                structure[colonne] = valeur.upper() or "FR"
                if not self._pays_connu(structure[colonne]):
                    erreurs.append(
                        _("pays : « %(valeur)s » n'est pas un code pays ISO à deux lettres.")
                        % {"valeur": valeur}
                    )
            else:
                structure[colonne] = valeur
                self._longueur(valeur, colonne, erreurs)
        if not structure["raison_sociale"]:
            erreurs.append(_("raison_sociale : obligatoire."))
        code_postal = structure.get("code_postal")
        if (
            code_postal
            and structure.get("pays", "FR") == "FR"
            and not _CODE_POSTAL_FRANCAIS.fullmatch(code_postal)
        ):
            erreurs.append(
                _("code_postal : « %(valeur)s » n'est pas un code postal français (5 chiffres).")
                % {"valeur": code_postal}
            )
        ligne = Ligne(numero=numero, cle=(type_identifiant, identifiant), structure=structure)
        ligne.code_service = brut.get("code_service", "")
        if ligne.code_service:
            self._longueur(ligne.code_service, "code_service", erreurs)
            for colonne in self.colonnes_service:
                champ, defaut = CHAMPS_SERVICE[colonne]
                valeur = brut[colonne]
                if champ == "engagement_obligatoire":
                    ligne.service[champ] = _booleen(valeur, colonne, erreurs)
                elif champ == "statut":
                    ligne.service[champ] = _choix(valeur, colonne, StatutService, defaut, erreurs)
                else:
                    ligne.service[champ] = valeur
                    self._longueur(valeur, colonne, erreurs)
            if not ligne.service.get("libelle"):
                erreurs.append(_("libelle_service : obligatoire quand un code service est donné."))
        else:
            for colonne in self.colonnes_service:
                if brut[colonne]:
                    erreurs.append(
                        _("%(colonne)s : donné sans code_service.") % {"colonne": colonne}
                    )
        return erreurs or ligne


# --- Step 3: group the rows by structure ------------------------------------------------------


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


# --- Step 4: write ----------------------------------------------------------------------------


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
_RESULTAT = {
    "creee": _lazy("structure créée"),
    "modifiee": _lazy("structure modifiée"),
    "inchangee": _lazy("structure inchangée"),
    "cree": _lazy("service créé"),
    "modifie": _lazy("service modifié"),
    "inchange": _lazy("service inchangé"),
}


def _inserer(modele, lignes: list[dict]) -> None:
    """Inserts rows (field name -> value; the other fields take their default). On
    PostgreSQL through COPY, several times faster than INSERT for thousands of rows; elsewhere
    with `bulk_create`."""
    if not lignes:
        return
    champs = [f for f in modele._meta.concrete_fields if not f.primary_key]
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
    """Writes the structures of `groupes` and their services in the current transaction:
    two reads (structures, then their services), then bulk inserts and updates."""
    from structures.models import Service, Structure

    rapport = RapportImport()
    textes = {etat: str(texte) for etat, texte in _RESULTAT.items()}
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
            a_creer.append({**nouvelle, **cles_de(nouvelle)})
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
            cles = cles_de({c: v for c, v in valeurs.items() if c in changes})
            a_modifier.append(Structure(pk=pk, **valeurs, **cles))
            champs_modifies |= changes | set(cles)
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
    return rapport


def annuaire_importer(*, contenu: bytes) -> RapportImport:
    """Loads a directory CSV file (see `COLONNES`); idempotent: a second run of the same file
    creates and changes nothing. Raises `FichierAnnuaireInvalide` when the file as a whole
    cannot be read (nothing is written then); refused rows are in the report."""
    entete, lignes_brutes = lire_csv(contenu)
    refus: dict[int, str] = {}
    acceptees: list[Ligne] = []
    identifiants: dict[int, tuple[str, str]] = {}
    verifier = VerificateurDeLignes(entete)
    for numero, valeurs in lignes_brutes:
        resultat = verifier(numero, valeurs)
        if isinstance(resultat, Ligne):
            acceptees.append(resultat)
            identifiants[numero] = (resultat.cle[1], resultat.code_service)
        else:
            refus[numero] = " ".join(resultat)
            brut = dict(zip(entete, valeurs, strict=False))
            identifiants[numero] = (
                brut.get("identifiant", "").strip(),
                brut.get("code_service", "").strip(),
            )
    rapport = _ecrire(grouper(acceptees, refus), refus)
    rapport.refusees = dict(sorted(refus.items()))
    rapport.identifiants = identifiants
    return rapport


def lire_fichier(chemin: str | Path) -> bytes:
    try:
        return Path(chemin).read_bytes()
    except FileNotFoundError as erreur:
        raise FichierAnnuaireInvalide(
            _("Fichier introuvable : %(chemin)s.") % {"chemin": chemin}
        ) from erreur
    except (IsADirectoryError, PermissionError) as erreur:
        raise FichierAnnuaireInvalide(
            _("Impossible de lire le fichier %(chemin)s.") % {"chemin": chemin}
        ) from erreur


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
