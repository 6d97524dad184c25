"""Loads demo structures and users (idempotent). Refuses to run with DEBUG off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from stdnum import luhn

from habilitations.enums import Application, Niveau, StatutRattachement
from habilitations.models import Habilitation, Rattachement, Utilisateur
from structures.enums import CategorieStructure, PresenceMoa, TypeIdentifiant
from structures.models import Service, Structure

MOT_DE_PASSE = "Demo-Chorus-2026!"


def siret(siren8: str, etablissement: str = "0001") -> str:
    """A valid SIRET built from 8 digits of SIREN and a 4-digit establishment number."""
    siren = siren8 + luhn.calc_check_digit(siren8)
    corps = siren + etablissement
    return corps + luhn.calc_check_digit(corps)


STRUCTURES = [
    {
        "cle": "fournisseur",
        "identifiant": siret("81234567"),
        "raison_sociale": "Bâtiments Durand SARL",
        "categorie": CategorieStructure.PRIVEE,
        "adresse": "12 rue des Artisans",
        "code_postal": "69003",
        "ville": "Lyon",
        "services": [],
    },
    {
        "cle": "entite",
        "identifiant": siret("21690001"),
        "raison_sociale": "Commune de Démoville",
        "categorie": CategorieStructure.PUBLIQUE,
        "adresse": "1 place de la Mairie",
        "code_postal": "69100",
        "ville": "Démoville",
        "code_service_ou_ej_obligatoire": True,
        "presence_moa": PresenceMoa.AVEC_MOA,
        "services": [
            ("FINANCES", "Direction des finances", False),
            ("TECHNIQUE", "Services techniques", True),
            ("ECOLES", "Affaires scolaires", False),
        ],
    },
    {
        "cle": "moe",
        "identifiant": siret("82345678"),
        "raison_sociale": "Atelier Lemoine Architectes",
        "categorie": CategorieStructure.PRIVEE,
        "adresse": "4 quai du Rhône",
        "code_postal": "69002",
        "ville": "Lyon",
        "services": [],
    },
    {
        "cle": "moa",
        "identifiant": siret("25690002"),
        "raison_sociale": "Syndicat mixte d'aménagement du Val",
        "categorie": CategorieStructure.PUBLIQUE,
        "adresse": "20 avenue de la République",
        "code_postal": "69200",
        "ville": "Vénissieux",
        "presence_moa": PresenceMoa.EXCLUSIVEMENT_MOA,
        "services": [("TRAVAUX", "Direction des travaux", False)],
    },
]

# (e-mail, first name, last name, GP of, extra habilitations [(structure, service, app, level)])
UTILISATEURS = [
    ("fournisseur@demo.chorus.test", "Claire", "Durand", "fournisseur", []),
    ("gestionnaire@demo.chorus.test", "Marc", "Bernard", "entite", []),
    (
        "agent.finances@demo.chorus.test",
        "Sophie",
        "Martin",
        None,
        [
            ("entite", "FINANCES", Application.FACTURES_RECUES, Niveau.MODIFICATION),
            ("entite", "FINANCES", Application.SOLLICITATIONS_RECUES, Niveau.CONSULTATION),
        ],
    ),
    ("moe@demo.chorus.test", "Paul", "Lemoine", "moe", []),
    ("moa@demo.chorus.test", "Nadia", "Haddad", "moa", []),
]
SUPPORT = ("support@demo.chorus.test", "Julien", "Petit")


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent ; refusé si DEBUG est désactivé)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusé : les données de démonstration exigent DEBUG=true.")
        with transaction.atomic():
            structures = {s["cle"]: self._structure(s) for s in STRUCTURES}
            for email, prenom, nom, gp_de, droits in UTILISATEURS:
                user = self._utilisateur(email, prenom, nom)
                if gp_de:
                    structure = structures[gp_de]
                    structure.gestionnaire_principal = user
                    structure.save(update_fields=["gestionnaire_principal"])
                    self._rattacher(user, structure, None)
                for cle, code_service, application, niveau in droits:
                    structure = structures[cle]
                    service = structure.services.get(code=code_service)
                    self._rattacher(user, structure, service)
                    Habilitation.objects.update_or_create(
                        utilisateur=user,
                        structure=structure,
                        service=service,
                        application=application,
                        defaults={"niveau": niveau},
                    )
            agent = self._utilisateur(*SUPPORT)
            agent.est_agent_support = True
            agent.save(update_fields=["est_agent_support"])
            demo_utilisateurs = {
                u.email: u for u in Utilisateur.objects.filter(email__endswith="@demo.chorus.test")
            }
            # Factures émises (issue 4): invoices of Bâtiments Durand in various statuses.
            from factures import demo as demo_emises

            demo_emises.charger(structures=structures, utilisateurs=demo_utilisateurs)
            # Factures reçues and à valider (issue 5): a sub-contractor, invoices to process.
            from factures import demo_recues

            demo_recues.charger(
                structures=structures,
                utilisateurs=demo_utilisateurs,
                creer_utilisateur=self._utilisateur,
                siret=siret,
                rattacher=self._rattacher,
            )
            # Factures de travaux (issue 6): a works dossier from projet to état validé.
            from travaux import demo as demo_travaux

            demo_travaux.charger(
                structures=structures,
                utilisateurs={
                    u.email: u
                    for u in Utilisateur.objects.filter(email__endswith="@demo.chorus.test")
                },
            )
            # Sollicitations (issue 7): requests in various statuses.
            sollicitations = self._sollicitations(structures, agent)
        from factures.models import Facture

        # Counted from the database: each area's demo module adds its own structures and users.
        demo = Utilisateur.objects.filter(email__endswith="@demo.chorus.test")
        nb_structures = Structure.objects.filter(gestionnaire_principal__in=demo).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {nb_structures} structures, "
                f"{demo.count()} utilisateurs (mot de passe : {MOT_DE_PASSE}), "
                f"{Facture.objects.filter(fournisseur__gestionnaire_principal__in=demo).count()} "
                f"factures et pièces, {sollicitations} sollicitation(s) ajoutée(s)."
            )
        )

    def _sollicitations(self, structures, agent) -> int:
        from sollicitations.demo import charger_pour_la_demo

        parmi = {
            u.email: u for u in Utilisateur.objects.filter(email__endswith="@demo.chorus.test")
        }
        return charger_pour_la_demo(
            {
                "fournisseur": parmi["fournisseur@demo.chorus.test"],
                "gestionnaire": parmi["gestionnaire@demo.chorus.test"],
                "moe": parmi["moe@demo.chorus.test"],
                "support": agent,
            },
            structures["entite"],
        )

    def _structure(self, donnees) -> Structure:
        donnees = dict(donnees)
        donnees.pop("cle")
        services = donnees.pop("services")
        structure, _ = Structure.objects.update_or_create(
            type_identifiant=TypeIdentifiant.SIRET,
            identifiant=donnees.pop("identifiant"),
            defaults=donnees,
        )
        for code, libelle, ej in services:
            Service.objects.update_or_create(
                structure=structure,
                code=code,
                defaults={"libelle": libelle, "engagement_obligatoire": ej},
            )
        return structure

    def _utilisateur(self, email, prenom, nom) -> Utilisateur:
        user, _ = Utilisateur.objects.update_or_create(
            email=email, defaults={"prenom": prenom, "nom": nom, "is_active": True}
        )
        user.set_password(MOT_DE_PASSE)
        user.save(update_fields=["password"])
        return user

    def _rattacher(self, user, structure, service):
        Rattachement.objects.get_or_create(
            utilisateur=user,
            structure=structure,
            service=service,
            statut=StatutRattachement.ACTIF,
        )
