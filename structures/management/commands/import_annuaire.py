"""`manage.py import_annuaire FICHIER.csv [--rapport RAPPORT.csv]`: loads the directory of
public structures.

The file: UTF-8 (with or without BOM), `;` or `,` between fields (detected from the first
line), a header naming the columns, then one row per (structure, service). A structure with
several services takes several rows, which repeat its data identically; a row with an empty
`code_service` describes the structure alone. Columns (only the first three are required in
the header, the others in any order):

    identifiant                     SIRET (14 digits, checked) or the other identifier
    type_identifiant                SIRET, UE_HORS_FRANCE, HORS_UE, RIDET, TAHITI, AUTRE,
                                    PARTICULIER
    raison_sociale                  ≤ 200 characters
    adresse, code_postal, ville     address (code postal: 5 digits in France)
    pays                            ISO 3166 alpha-2, empty: FR
    statut                          ACTIVE or INACTIVE, empty: ACTIVE
    code_service_obligatoire        boolean
    numero_ej_obligatoire           boolean
    code_service_ou_ej_obligatoire  boolean
    mise_en_paiement_non_remontee   boolean
    reception_edi                   boolean
    presence_moa                    SANS_MOA, AVEC_MOA or EXCLUSIVEMENT_MOA, empty: SANS_MOA
    code_service                    ≤ 100 characters, empty: no service on this row
    libelle_service                 required with a code_service
    statut_service                  ACTIF or INACTIF, empty: ACTIF
    engagement_obligatoire_service  boolean

Booleans: 1/0, true/false, oui/non, vrai/faux (any case); empty means false.

Structures are matched by (type_identifiant, identifiant): a new one is created PUBLIQUE, an
existing public one gets the file's values (only for the columns present), a private one is
never touched (its rows are refused). Services are matched by code within their structure.
Nothing is deleted or deactivated for being absent from the file. Running the same file twice
changes nothing the second time.

A refused row (bad SIRET, missing value, unknown code, bad boolean, data of a structure that
differ from an earlier row…) is reported with its line number and the reason, and the import
goes on with the other rows; a file that cannot be read at all (not UTF-8, not CSV, required
columns missing) stops the command before anything is written.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from structures.annuaire import (
    FichierAnnuaireInvalide,
    aide_des_colonnes,
    annuaire_importer,
    ecrire_rapport_csv,
    lire_fichier,
)


class Command(BaseCommand):
    help = (
        "Charge l'annuaire des structures publiques depuis un fichier CSV (UTF-8, séparateur "
        "« ; » ou « , », une ligne par structure et service ; une ligne sans code_service "
        "ne décrit que la structure). Relancer le même fichier ne change rien. Colonnes :\n"
        + aide_des_colonnes()
        + "\nBooléens : 1/0, true/false, oui/non (vide : non)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="le fichier CSV à charger")
        parser.add_argument(
            "--rapport",
            metavar="RAPPORT.csv",
            help="écrit le résultat de chaque ligne (acceptée ou refusée, et pourquoi)",
        )

    def handle(self, *args, fichier, rapport=None, **options):
        try:
            resultat = annuaire_importer(contenu=lire_fichier(fichier))
        except FichierAnnuaireInvalide as erreur:
            raise CommandError(erreur.message) from erreur

        for numero, motif in resultat.refusees.items():
            self.stdout.write(
                self.style.WARNING(
                    _("Ligne %(ligne)s refusée : %(motif)s") % {"ligne": numero, "motif": motif}
                )
            )
        self.stdout.write(
            _("Structures : %(c)s créées, %(m)s modifiées, %(i)s inchangées.")
            % {
                "c": resultat.structures_creees,
                "m": resultat.structures_modifiees,
                "i": resultat.structures_inchangees,
            }
        )
        self.stdout.write(
            _("Services : %(c)s créés, %(m)s modifiés, %(i)s inchangés.")
            % {
                "c": resultat.services_crees,
                "m": resultat.services_modifies,
                "i": resultat.services_inchanges,
            }
        )
        style = self.style.WARNING if resultat.nb_refusees else self.style.SUCCESS
        self.stdout.write(
            style(
                _("Lignes : %(a)s acceptées, %(r)s refusées.")
                % {"a": resultat.nb_acceptees, "r": resultat.nb_refusees}
            )
        )
        if rapport:
            try:
                with open(rapport, "w", encoding="utf-8", newline="") as sortie:
                    ecrire_rapport_csv(resultat, sortie)
            except OSError as erreur:
                raise CommandError(
                    _("Impossible d'écrire le rapport %(chemin)s : %(erreur)s.")
                    % {"chemin": rapport, "erreur": erreur.strerror}
                ) from erreur
            self.stdout.write(_("Rapport ligne par ligne : %(chemin)s") % {"chemin": rapport})
