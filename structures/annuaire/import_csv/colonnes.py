"""The columns of a directory file: their names, which are required, the structure and
service fields they set, and the booleans they accept."""

from dataclasses import dataclass

from structures.enums import PresenceMoa, StatutService, StatutStructure


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
