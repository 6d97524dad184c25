"""The initial reference table of categories (domain §7), a first set of help articles, and on
PostgreSQL the GIN index of the articles' full-text vector.

Administrators maintain both in the Django admin afterwards; this migration only creates what
is missing (a code or a slug already there is left as the operator made it).
"""

from django.db import migrations

# (code, libellé, English label, [(code, libellé, English label, destination)])
CATEGORIES = [
    (
        "COMPTE",
        "Compte et connexion",
        "Account and sign-in",
        [
            ("CREATION_COMPTE", "Création de compte", "Creating an account", "SUPPORT"),
            ("CONNEXION", "Connexion et mot de passe", "Sign-in and password", "SUPPORT"),
            ("MODIFICATION_SIRET", "Modification du SIRET", "Change of SIRET", "SUPPORT"),
            ("DESACTIVATION_COMPTE", "Désactivation", "Deactivation", "SUPPORT"),
        ],
    ),
    (
        "STRUCTURES",
        "Structures et habilitations",
        "Organisations and rights",
        [
            ("RATTACHEMENT", "Rattachement", "Joining an organisation", "SUPPORT"),
            (
                "TRANSFERT_GP",
                "Transfert du gestionnaire principal",
                "Transfer of the main manager",
                "SUPPORT",
            ),
            (
                "CREATION_STRUCTURE_PUBLIQUE",
                "Création d'une structure publique",
                "Creating a public organisation",
                "SUPPORT",
            ),
            (
                "DESACTIVATION_STRUCTURE",
                "Désactivation d'une structure",
                "Deactivating an organisation",
                "SUPPORT",
            ),
            ("HABILITATIONS", "Habilitations", "Access rights", "SUPPORT"),
        ],
    ),
    (
        "FACTURES_EMISES",
        "Factures émises",
        "Issued invoices",
        [
            ("DEPOT_SAISIE", "Dépôt et saisie", "Depositing and typing", "SUPPORT"),
            ("SUIVI", "Suivi", "Follow-up", "SUPPORT"),
            ("REJET_SUSPENSION", "Rejet ou suspension", "Rejection or suspension", "SUPPORT"),
            (
                "QUESTION_ENTITE_PUBLIQUE",
                "Question pour une entité publique",
                "Question for a public entity",
                "ENTITE_PUBLIQUE",
            ),
        ],
    ),
    (
        "FACTURES_RECUES",
        "Factures reçues",
        "Received invoices",
        [
            ("RECEPTION", "Réception et traitement", "Receiving and processing", "SUPPORT"),
            ("AUTRE_RECUES", "Autre question", "Other question", "SUPPORT"),
        ],
    ),
    (
        "FACTURES_TRAVAUX",
        "Factures de travaux",
        "Works invoices",
        [
            ("DEPOT_TRAVAUX", "Dépôt d'une pièce de travaux", "Depositing a works piece", "SUPPORT"),
            (
                "CIRCUIT_TRAVAUX",
                "Circuit de validation (MOE, MOA)",
                "Validation circuit (project manager, owner)",
                "SUPPORT",
            ),
        ],
    ),
    (
        "EDI_API",
        "Raccordement EDI et API",
        "EDI and API connection",
        [
            ("RACCORDEMENT_EDI", "Raccordement EDI", "EDI connection", "SUPPORT"),
            ("API", "API", "API", "SUPPORT"),
        ],
    ),
    ("AUTRE", "Autre", "Other", [("AUTRE", "Autre demande", "Other request", "SUPPORT")]),
]

ARTICLES = [
    {
        "slug": "creer-un-compte",
        "titre": "Créer un compte et l'activer",
        "resume": "L'inscription avec le SIRET de votre structure, le lien d'activation, et "
        "ce qui se passe si votre structure existe déjà.",
        "mots_cles": "inscription compte créer activation lien courriel SIRET identifiant "
        "nouveau utilisateur",
        "contenu": """Pour créer un compte, choisissez « Créer un compte » sur la page d'accueil. Munissez-vous de l'identifiant de votre structure : le SIRET pour une entreprise ou une administration française (14 chiffres), le numéro de TVA intracommunautaire pour une entreprise de l'Union européenne, ou un autre identifiant (RIDET, numéro Tahiti, hors Union européenne). Un particulier peut aussi s'inscrire.

Votre compte reste inactif tant que vous n'avez pas suivi le lien d'activation reçu par courriel. Ce lien est valable 60 minutes. S'il a expiré, la page « Vous n'avez pas reçu le lien ? » vous en envoie un nouveau. Pensez à regarder dans vos courriels indésirables.

Si votre structure n'existe pas encore sur le portail, elle est créée à l'activation et vous en devenez le gestionnaire principal : vous gérez ensuite ses services, ses coordonnées bancaires et ses utilisateurs dans l'espace Organisation.

Si votre structure existe déjà, votre inscription devient une demande de rattachement : son gestionnaire principal la reçoit et l'approuve. Vous ne voyez les espaces de la structure qu'après son approbation. Si le gestionnaire principal a quitté la structure, demandez la réaffectation du rôle depuis « Mes demandes au support ».""",
    },
    {
        "slug": "deposer-une-facture",
        "titre": "Déposer ou saisir une facture",
        "resume": "Les formats acceptés, les informations que l'entité publique exige "
        "(service, numéro d'engagement) et les limites de taille.",
        "mots_cles": "dépôt déposer saisir saisie facture PDF Factur-X UBL CII format envoyer "
        "engagement service code",
        "contenu": """Dans l'espace Factures émises, vous pouvez saisir votre facture dans le formulaire du portail, ou déposer un fichier : PDF (signé ou non), Factur-X, UBL 2.1 ou CII. Les formats structurés (Factur-X, UBL, CII) sont lus directement : le portail contrôle leurs données selon la norme EN 16931 et les achemine sans ressaisie.

Avant de déposer, consultez la fiche de votre client dans l'annuaire des structures publiques. Elle indique s'il exige un code service, un numéro d'engagement (bon de commande), ou au moins l'un des deux. Une facture sans ces informations obligatoires est refusée au dépôt, avec un message qui nomme la donnée manquante.

Le numéro de facture compte 20 caractères au plus : lettres, chiffres et les signes - _ / +. Il doit être unique pour votre structure : un second dépôt du même numéro la même année est refusé.

Le fichier de la facture et chaque pièce jointe pèsent 10 Mo au plus, et l'ensemble 120 Mo au plus. Un PDF doit contenir du texte (pas une image numérisée) et ne pas être protégé par un mot de passe.

Après le dépôt, le portail délivre un certificat de dépôt : sa date marque le début du délai de paiement. Vous suivez ensuite chaque statut de la facture dans Factures émises.""",
    },
    {
        "slug": "annuaire-des-structures-publiques",
        "titre": "Trouver une entité publique dans l'annuaire",
        "resume": "Rechercher le SIRET, les services actifs et les exigences de facturation "
        "d'une entité publique avant de lui adresser une facture.",
        "mots_cles": "annuaire destinataire entité publique SIRET service code recherche "
        "client collectivité",
        "contenu": """L'annuaire des structures publiques est ouvert à tous, sans connexion : suivez le lien « Annuaire des structures publiques » en bas de chaque page.

Recherchez votre client par son identifiant (3 caractères au moins suffisent), sa raison sociale, son code postal ou sa ville. La fiche d'une structure affiche ses paramètres de facturation : code service obligatoire, numéro d'engagement obligatoire, ou l'un des deux au moins.

La fiche liste aussi les services actifs de la structure, avec leur code. C'est ce code qu'il faut indiquer sur la facture lorsque le service est exigé : un service inconnu ou inactif fait refuser la facture.

Si vous ne trouvez pas votre client, vérifiez son SIRET auprès de lui : une entité publique qui n'est pas encore sur le portail peut demander sa création au support.""",
    },
    {
        "slug": "factures-de-travaux",
        "titre": "Factures de travaux : qui dépose quoi",
        "resume": "Projets de décompte, états d'acompte et décompte général : le rôle du "
        "titulaire, de la maîtrise d'œuvre et de la maîtrise d'ouvrage.",
        "mots_cles": "travaux marché décompte acompte MOE MOA maîtrise œuvre ouvrage titulaire "
        "sous-traitant DGD",
        "contenu": """Dans un marché de travaux, les pièces circulent entre le titulaire, la maîtrise d'œuvre (MOE), la maîtrise d'ouvrage (MOA) et le service financier. Elles se regroupent dans un dossier de facturation, propre au marché.

Chaque mois, le titulaire dépose un projet de décompte mensuel (cadre A4) adressé à la maîtrise d'œuvre. La MOE dispose de 7 jours pour le prendre en compte ; elle établit l'état d'acompte (A15), que la maîtrise d'ouvrage valide (A19) avant qu'il n'atteigne le service financier pour paiement. Un écart de montant n'est pas un motif de refus : la MOE corrige les montants dans sa propre pièce.

En fin de marché, le titulaire dépose le projet de décompte final (A7). Le décompte général établi par la MOA (ou la MOE) lui revient pour signature ; il le signe en déposant le décompte général et définitif (A8).

Un sous-traitant ou un cotraitant dépose ses pièces pour validation par le titulaire ou le mandataire, qui dispose de 15 jours. Leurs pièces ne sont jamais payées seules : le titulaire les joint à son propre projet de décompte.""",
    },
    {
        "slug": "facture-rejetee-ou-suspendue",
        "titre": "Ma facture a été rejetée ou suspendue : que faire ?",
        "resume": "La différence entre un rejet, une suspension et un rejet pour erreur "
        "d'acheminement, et comment y répondre.",
        "mots_cles": "rejet rejetée suspendue suspension recycler motif erreur acheminement "
        "compléter refus",
        "contenu": """Le motif donné par l'entité publique figure dans l'historique de la facture et dans le courriel qui vous a prévenu. Lisez-le d'abord : il dit presque toujours ce qu'il faut corriger.

Rejet pour erreur dans les données d'acheminement (« à recycler ») : le destinataire, le service ou le numéro d'engagement est erroné. Corrigez seulement ces données et renvoyez la facture, sous le même numéro. Elle est alors mise à disposition du bon destinataire.

Suspension : l'entité publique attend une pièce ou une précision. Ajoutez une pièce jointe ou un commentaire à la facture : elle passe au statut « Complétée » et revient dans la liste des factures à traiter de l'entité.

Rejet pour autre motif : la facture est définitivement close. Si le motif est fondé, émettez une nouvelle facture, avec un nouveau numéro. Si vous ne comprenez pas le motif, posez la question à l'entité publique depuis Sollicitations émises, catégorie « Factures émises », sous-catégorie « Question pour une entité publique », en citant le numéro de la facture.""",
    },
    {
        "slug": "connexion-et-mot-de-passe",
        "titre": "Mot de passe oublié ou compte verrouillé",
        "resume": "Réinitialiser son mot de passe, débloquer un compte verrouillé après "
        "plusieurs échecs, et la double authentification.",
        "mots_cles": "mot de passe oublié connexion verrouillé bloqué réinitialiser double "
        "authentification code TOTP",
        "contenu": """Si vous avez oublié votre mot de passe, suivez le lien « Mot de passe oublié » du formulaire de connexion et saisissez votre adresse de connexion. Le lien reçu par courriel est valable une heure et ne sert qu'une fois.

Après 5 tentatives de connexion échouées, le compte est verrouillé pendant une heure, pour le protéger. Attendez la fin de ce délai, puis réessayez, ou réinitialisez votre mot de passe.

Si vous avez activé la double authentification, le portail vous demande à chaque connexion le code à six chiffres affiché par votre application d'authentification. Vérifiez que l'heure de votre téléphone est exacte : un décalage rend les codes invalides.

Si vous n'avez plus accès à votre adresse de connexion, écrivez au support en utilisant le formulaire de contact, catégorie « Compte et connexion ».""",
    },
    {
        "slug": "rattachement-et-habilitations",
        "titre": "Rejoindre une structure et obtenir des droits",
        "resume": "Demander un rattachement, demander un espace (Factures reçues, "
        "Sollicitations…) et savoir qui approuve.",
        "mots_cles": "rattachement rattacher structure habilitation droit espace abonnement "
        "gestionnaire principal approuver accès",
        "contenu": """Un utilisateur voit les espaces d'une structure lorsqu'il y est rattaché et qu'il détient les habilitations correspondantes. Par défaut, chaque utilisateur rattaché reçoit Factures émises et les deux espaces de sollicitations.

Pour rejoindre une autre structure, ouvrez Mon compte, puis « Mes rattachements », et demandez le rattachement avec l'identifiant de la structure. Son gestionnaire principal, ou un utilisateur habilité « Organisation – modification », approuve ou refuse la demande.

Pour obtenir un espace supplémentaire (Factures reçues, Factures à valider, Factures de travaux…), ouvrez « Mes abonnements aux espaces » et choisissez l'espace et le niveau : consultation ou modification. Le changement s'applique dès la page suivante une fois la demande approuvée.

Le gestionnaire principal gère ses utilisateurs dans l'espace Organisation, rubrique Approbations. S'il a quitté la structure sans transférer son rôle, les utilisateurs rattachés peuvent demander sa réaffectation au support.""",
    },
]


def creer_referentiel(apps, schema_editor):
    Categorie = apps.get_model("sollicitations", "Categorie")
    SousCategorie = apps.get_model("sollicitations", "SousCategorie")
    for ordre, (code, libelle, libelle_en, sous_categories) in enumerate(CATEGORIES, start=1):
        categorie, _ = Categorie.objects.get_or_create(
            code=code, defaults={"libelle": libelle, "libelle_en": libelle_en, "ordre": ordre}
        )
        for rang, (code_sc, libelle_sc, libelle_sc_en, destination) in enumerate(
            sous_categories, start=1
        ):
            SousCategorie.objects.get_or_create(
                categorie=categorie,
                code=code_sc,
                defaults={
                    "libelle": libelle_sc,
                    "libelle_en": libelle_sc_en,
                    "destination": destination,
                    "ordre": rang,
                },
            )


def creer_articles(apps, schema_editor):
    ArticleAide = apps.get_model("sollicitations", "ArticleAide")
    for ordre, article in enumerate(ARTICLES, start=1):
        ArticleAide.objects.get_or_create(
            slug=article["slug"], defaults={**article, "ordre": ordre}
        )
    if schema_editor.connection.vendor == "postgresql":
        # The same vector as ArticleAide.save() keeps (title and keywords weigh most).
        from django.contrib.postgres.search import SearchVector

        ArticleAide.objects.update(
            recherche=SearchVector("titre", weight="A", config="french")
            + SearchVector("mots_cles", weight="A", config="french")
            + SearchVector("resume", weight="B", config="french")
            + SearchVector("contenu", weight="C", config="french")
        )


def creer_index_gin(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "article_aide_recherche_gin" '
        'ON "sollicitations_articleaide" USING gin ("recherche")'
    )


def supprimer_index_gin(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "article_aide_recherche_gin"')


class Migration(migrations.Migration):
    dependencies = [
        ("sollicitations", "0001_sollicitation"),
    ]

    operations = [
        migrations.RunPython(creer_index_gin, supprimer_index_gin),
        migrations.RunPython(creer_referentiel, migrations.RunPython.noop),
        migrations.RunPython(creer_articles, migrations.RunPython.noop),
    ]
