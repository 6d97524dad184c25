"""The public directory (annuaire des structures publiques).

- `recherche`: the search (`RechercheAnnuaireForm`, `structures_de_l_annuaire`,
  `PaginateurPlafonne`, the sorts) and the helpers of a structure's detail page.
- `import_csv`: the CSV import (`annuaire_importer`, behind `manage.py import_annuaire`), a
  package of one module per step.

The names callers use are re-exported here, so `from structures import annuaire` then
`annuaire.X` keeps working. These are copies of the submodules' bindings: a test that
replaces a value or a function (`monkeypatch.setattr`) must patch the submodule that reads
it, e.g. `annuaire.recherche.PLAFOND_DES_RESULTATS` or
`annuaire.import_csv.ecriture._ecrire_paquet`.
"""

from structures.annuaire.import_csv import (
    BOOLEENS_STRUCTURE,
    CHAMPS_SERVICE,
    CHAMPS_STRUCTURE,
    COLONNES,
    COLONNES_OBLIGATOIRES,
    FAUX,
    NOMS_DES_COLONNES,
    TAILLE_DES_PAQUETS,
    VRAI,
    Colonne,
    FichierAnnuaireInvalide,
    Groupe,
    Ligne,
    RapportImport,
    VerificateurDeLignes,
    _ecrire_paquet,
    aide_des_colonnes,
    annuaire_importer,
    ecrire_rapport_csv,
    grouper,
    lire_csv,
    lire_fichier,
)
from structures.annuaire.recherche import (
    LONGUEUR_MIN_IDENTIFIANT,
    PAR_PAGE,
    PLAFOND_DES_RESULTATS,
    TRI_PAR_DEFAUT,
    TRI_SUR_LES_CLES,
    TRIS,
    PaginateurPlafonne,
    Parametre,
    RechercheAnnuaireForm,
    compacter_identifiant,
    consigne_de_facturation,
    ordre_de_tri,
    parametres_pour_le_fournisseur,
    services_de_l_annuaire,
    structures_de_l_annuaire,
    tri_valide,
)
from structures.cles import cle_de_recherche

__all__ = [
    "BOOLEENS_STRUCTURE",
    "CHAMPS_SERVICE",
    "CHAMPS_STRUCTURE",
    "COLONNES",
    "COLONNES_OBLIGATOIRES",
    "FAUX",
    "LONGUEUR_MIN_IDENTIFIANT",
    "NOMS_DES_COLONNES",
    "PAR_PAGE",
    "PLAFOND_DES_RESULTATS",
    "TAILLE_DES_PAQUETS",
    "TRIS",
    "TRI_PAR_DEFAUT",
    "TRI_SUR_LES_CLES",
    "VRAI",
    "Colonne",
    "FichierAnnuaireInvalide",
    "Groupe",
    "Ligne",
    "PaginateurPlafonne",
    "Parametre",
    "RapportImport",
    "RechercheAnnuaireForm",
    "VerificateurDeLignes",
    "_ecrire_paquet",
    "aide_des_colonnes",
    "annuaire_importer",
    "cle_de_recherche",
    "compacter_identifiant",
    "consigne_de_facturation",
    "ecrire_rapport_csv",
    "grouper",
    "lire_csv",
    "lire_fichier",
    "ordre_de_tri",
    "parametres_pour_le_fournisseur",
    "services_de_l_annuaire",
    "structures_de_l_annuaire",
    "tri_valide",
]
