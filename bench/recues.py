"""Benchmark of Factures reçues and Factures à valider on a large data set (issue 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus .venv/bin/python bench/recues.py

Its own throwaway database ("bench_recues_<name of DATABASE_URL's database>", so that two
checkouts benchmarking at once do not share it), created and destroyed here, filled
with COPY: BENCH_RECUES_FACTURES invoices (default 1,000,000) from 2,000 suppliers (each
with its GP, opted in to e-mails) to 500 public entities, of which one structure receives
50,000 and one titulaire has 100,000 validations overdue; each invoice has its history (1.8
million rows), then the tables are vacuumed and analysed. Targets (issue 5), on PostgreSQL:
- the recipient's Synthèse for the structure with 50,000 invoices: p95 ≤ 100 ms;
- a batch action on 200 invoices: ≤ 2 s;
- the deadline sweep of 100,000 overdue validations: ≤ 30 s.
Both include the sweep that tells the changes they made (`annoncer_en_attente`: the
notifications), which a worker runs a second after their commits.
BENCH_RECUES_GABARIT=1 keeps the generated data set as a template database
("bench_recues_<total>_<name>") and, on the next runs, copies it (CREATE DATABASE … TEMPLATE,
then the migrations written since) instead of generating it again: measures can be repeated
without the minutes of COPY. Drop the template by hand when done. BENCH_RECUES_MESURES
chooses the measures (default "synthese,lot,balayage").
E-mail tasks are published to Redis (CHORUS_BENCH_REDIS_URL, default db 6) as in
production, then purged; they are not sent here.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")

import django

django.setup()

from commun import comme_en_production, copie_de_factures  # noqa: E402  (bench/commun.py)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

TOTAL = int(os.environ.get("BENCH_RECUES_FACTURES", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
# Batch actions measured, each on 200 other invoices.
LOTS = int(os.environ.get("BENCH_RECUES_LOTS", "3"))
GABARIT = os.environ.get("BENCH_RECUES_GABARIT", "") == "1"
# The measures to take, among synthese, lot, balayage (all by default).
MESURES = os.environ.get("BENCH_RECUES_MESURES", "synthese,lot,balayage").split(",")
REDIS = os.environ.get("CHORUS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
GRANDE_ENTITE = min(50_000, TOTAL // 10)
EN_RETARD = min(100_000, TOTAL // 5)
FOURNISSEURS = 2000
ENTITES = 500

COLONNES = [
    "fournisseur_id",
    "destinataire_id",
    "service_destinataire_id",
    "valideur_1_id",
    "cadre",
    "statut",
    "type_facture",
    "numero",
    "date_facture",
    "annee_facture",
    "devise",
    "type_tva",
    "motif_exoneration",
    "mode_paiement",
    "numero_marche",
    "numero_engagement",
    "numero_facture_origine",
    "commentaire",
    "numero_mandat",
    "montant_ht",
    "montant_tva",
    "montant_ttc",
    "montant_remise_globale_ttc",
    "motif_remise_globale",
    "montant_a_payer",
    "mode_depot",
    "format_depot",
    "etat_controle",
    "cree_le",
    "modifiee_le",
    "deposee_le",
    "mise_a_disposition_le",
    "soumise_a_validation_le",
    "echeance_action",
]
# Statuses of the invoices at a recipient, with their weights.
STATUTS = [
    ("MISE_A_DISPOSITION", 8),
    ("COMPLETEE", 1),
    ("SUSPENDUE", 2),
    ("SERVICE_FAIT", 6),
    ("MANDATEE", 6),
    ("COMPTABILISEE", 5),
    ("MISE_EN_PAIEMENT", 65),
    ("REJETEE", 7),
]


def generer():
    from habilitations.models import Utilisateur
    from structures.models import Service, Structure

    rng = random.Random(5)
    structures = [
        Structure(
            type_identifiant="SIRET",
            identifiant=f"B{n:013d}",
            raison_sociale=f"{'Entreprise' if n < FOURNISSEURS else 'Commune'} {n}",
            categorie="PRIVEE" if n < FOURNISSEURS else "PUBLIQUE",
        )
        for n in range(FOURNISSEURS + ENTITES + 1)
    ]
    Structure.objects.bulk_create(structures, batch_size=1000)
    fournisseurs = structures[:FOURNISSEURS]
    entites = structures[FOURNISSEURS : FOURNISSEURS + ENTITES]
    titulaire = structures[-1]
    services = Service.objects.bulk_create(
        [
            Service(structure=e, code=f"S{k}", libelle=f"Service {k}")
            for e in entites
            for k in (1, 2)
        ]
    )
    services_de = {}
    for s in services:
        services_de.setdefault(s.structure_id, []).append(s.pk)
    grande = entites[0]
    gp = Utilisateur.objects.create_user("gp@bench.test", "x", prenom="G", nom="P")
    grande.gestionnaire_principal = gp
    grande.save(update_fields=["gestionnaire_principal"])
    # Every supplier has its GP, opted in to notifications as by default: each status change
    # of its invoices writes a feed row and queues an e-mail, as in production.
    gps = []
    for structure in [*fournisseurs, titulaire]:
        user = Utilisateur(email=f"gp{structure.pk}@bench.test", prenom="F", nom=str(structure.pk))
        user.set_password("x")
        gps.append(user)
    Utilisateur.objects.bulk_create(gps, batch_size=1000)
    for structure, user in zip([*fournisseurs, titulaire], gps, strict=True):
        structure.gestionnaire_principal = user
    Structure.objects.bulk_update(
        [*fournisseurs, titulaire], ["gestionnaire_principal"], batch_size=1000
    )

    maintenant = timezone.now()
    debut = time.perf_counter()
    poids = [w for _s, w in STATUTS]
    noms = [s for s, _w in STATUTS]
    with copie_de_factures(COLONNES) as ecrire:
        for n in range(TOTAL):
            fournisseur = fournisseurs[n % FOURNISSEURS]
            ht = rng.randint(100, 100_000)
            depot = maintenant - timedelta(days=rng.randint(0, 700), minutes=n % 1440)
            valideur = None
            soumise = echeance = None
            cadre = "A1_FACTURE_FOURNISSEUR"
            if n < EN_RETARD:
                entite = entites[1 + n % (ENTITES - 1)]
                statut, cadre, valideur = "A_VALIDER_1", "A9_FACTURE_SOUSTRAITANT", titulaire.pk
                # Deposited and submitted one after the other half a day long, 16 days
                # ago: the deadlines follow the order the rows were written in, as they
                # do in production (rows of a day sit together on disk).
                soumise = maintenant - timedelta(days=16) + timedelta(milliseconds=400 * n)
                echeance = soumise + timedelta(days=15)
                depot = soumise - timedelta(minutes=5)
            elif n < EN_RETARD + GRANDE_ENTITE:
                entite = grande
                statut = rng.choices(noms, poids)[0]
            else:
                entite = entites[1 + n % (ENTITES - 1)]
                statut = rng.choices(noms, poids)[0]
            service = services_de[entite.pk][n % 2]
            tva = ht // 5
            ecrire(
                [
                    fournisseur.pk,
                    entite.pk,
                    service,
                    valideur,
                    cadre,
                    statut,
                    "FACTURE",
                    f"B{n:09d}",
                    date(2026, 1 + n % 12, 1 + n % 28),
                    2026,
                    "EUR",
                    "TVA_SUR_DEBIT",
                    "",
                    "VIREMENT",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{ht}.00",
                    f"{tva}.00",
                    f"{ht + tva}.00",
                    "0.00",
                    "",
                    f"{ht + tva}.00",
                    "SAISIE_PORTAIL",
                    "",
                    "SANS_OBJET",
                    depot,
                    depot,
                    depot,
                    None if n < EN_RETARD else depot,
                    soumise,
                    echeance,
                ]
            )
    print(f"{TOTAL:,} invoices written by COPY in {time.perf_counter() - debut:.1f} s")
    debut = time.perf_counter()
    with connection.cursor() as curseur:
        curseur.execute(HISTORIQUE)
        lignes = curseur.rowcount
        # A table in its steady state: visibility map set (index-only scans), statistics.
        for table in ("factures_facture", "factures_facturehistorique"):
            curseur.execute(f"VACUUM (ANALYZE) {table}")
    print(f"{lignes:,} history rows, VACUUM ANALYZE in {time.perf_counter() - debut:.1f} s")
    return grande, gp


# The history the invoices would have: routed to the recipient at their deposit, and the
# recipient's last action three days later (or earlier today, at distinct times, for the
# latest ones); the overdue ones submitted to their validator.
HISTORIQUE = """
INSERT INTO factures_facturehistorique
    (objet_id, acteur_id, role, date, action, motif, statut_avant, statut_apres)
SELECT id, NULL::bigint, 'SYSTEME', deposee_le, 'METTRE_A_DISPOSITION', '',
       'EN_COURS_ACHEMINEMENT', 'MISE_A_DISPOSITION'
  FROM factures_facture WHERE mise_a_disposition_le IS NOT NULL
UNION ALL
SELECT id, NULL::bigint, 'DESTINATAIRE',
       LEAST(now() - (id % 86400) * interval '1 second', deposee_le + interval '3 days'),
       CASE statut WHEN 'COMPLETEE' THEN 'COMPLETER' WHEN 'SUSPENDUE' THEN 'SUSPENDRE'
                   WHEN 'REJETEE' THEN 'REJETER' WHEN 'SERVICE_FAIT' THEN 'CONSTATER_SERVICE_FAIT'
                   WHEN 'MANDATEE' THEN 'MANDATER' WHEN 'COMPTABILISEE' THEN 'COMPTABILISER'
                   ELSE 'METTRE_EN_PAIEMENT' END,
       CASE WHEN statut IN ('SUSPENDUE', 'REJETEE') THEN 'Pièce manquante' ELSE '' END,
       'MISE_A_DISPOSITION', statut
  FROM factures_facture
 WHERE mise_a_disposition_le IS NOT NULL AND statut <> 'MISE_A_DISPOSITION'
UNION ALL
SELECT id, NULL::bigint, 'SYSTEME', soumise_a_validation_le, 'SOUMETTRE_VALIDEUR_1', '',
       'DEPOSEE', 'A_VALIDER_1'
  FROM factures_facture WHERE statut = 'A_VALIDER_1'
"""


def p95(durees):
    return sorted(durees)[max(0, int(len(durees) * 0.95) - 1)]


def mesurer_synthese(grande, gp):
    from factures.models import Facture

    client = Client()
    client.force_login(gp)
    assert client.get("/factures-recues/").status_code == 200  # warm-up
    durees = []
    for _ in range(RUNS):
        debut = time.perf_counter()
        reponse = client.get("/factures-recues/")
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200
    n = Facture.objects.filter(destinataire=grande).count()
    print(
        f"Synthèse of a structure with {n:,} invoices: median "
        f"{statistics.median(durees):.1f} ms, p95 {p95(durees):.1f} ms (target ≤ 100 ms)"
    )


def mesurer_lot(grande, gp):
    """The service the batch page calls, on the 200 oldest invoices to process; again on the
    next 200, `LOTS` times."""
    from factures.models import Facture
    from factures.services.notifications import annoncer_en_attente
    from factures.services.traitement import factures_traiter

    durees = []
    for _ in range(LOTS):
        factures = list(
            Facture.objects.filter(destinataire=grande, statut="MISE_A_DISPOSITION")
            .select_related("fournisseur", "service_destinataire")
            .order_by("deposee_le", "pk")[:200]
        )
        debut = time.perf_counter()
        resultats = factures_traiter(
            factures=factures, action="CONSTATER_SERVICE_FAIT", acting_user=gp
        )
        annoncer_en_attente()  # the worker's sweep that tells the batch (its notifications)
        durees.append(time.perf_counter() - debut)
        assert all(r.reussi for r in resultats), [r.message for r in resultats if not r.reussi][:3]
    print(
        f"Batch action on {len(factures)} invoices: median {statistics.median(durees):.2f} s "
        f"({', '.join(f'{d:.2f}' for d in durees)}; target ≤ 2 s)"
    )


def mesurer_balayage():
    from factures.models import Facture
    from factures.services import delais
    from factures.services.notifications import annoncer_en_attente

    debut = time.perf_counter()
    traitees = delais.balayer_echeances()
    # It writes its notifications as it commits (not through the outbox); should any of its
    # changes wait for the sweep of changes, that sweep is counted too.
    annoncees = annoncer_en_attente()
    duree = time.perf_counter() - debut
    restantes = Facture.objects.filter(statut="A_VALIDER_1").count()
    par_l_annonce = f", {annoncees:,} changes told by the outbox sweep" if annoncees else ""
    print(
        f"Deadline sweep: {traitees:,} overdue validations handled and notified in "
        f"{duree:.1f} s ({restantes} left{par_l_annonce}; target ≤ 30 s for 100,000)"
    )


def main():
    from chorus.celery import app

    comme_en_production()
    if connection.vendor != "postgresql":
        print("bench/recues.py needs PostgreSQL (COPY, SKIP LOCKED): skipped.")
        return
    nom_base = connection.settings_dict["NAME"]
    nom_test = f"bench_recues_{nom_base}"
    gabarit = f"bench_recues_{TOTAL}_{nom_base}"[:63] if GABARIT else ""
    connection.settings_dict.setdefault("TEST", {})["NAME"] = nom_test
    if gabarit and _base_existe(gabarit):
        debut = time.perf_counter()
        _hors_base(f'DROP DATABASE IF EXISTS "{nom_test}"')
        _hors_base(f'CREATE DATABASE "{nom_test}" TEMPLATE "{gabarit}"')
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = nom_test
        call_command("migrate", verbosity=0)
        print(f"Data set copied from {gabarit} in {time.perf_counter() - debut:.1f} s")
        grande, gp = _retrouver()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        grande, gp = generer()
        if gabarit:
            connection.close()
            _hors_base(f'DROP DATABASE IF EXISTS "{gabarit}"')
            _hors_base(f'CREATE DATABASE "{gabarit}" TEMPLATE "{nom_test}"')
            print(f"Data set kept as the template {gabarit}")
    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS
    try:
        if "synthese" in MESURES:
            mesurer_synthese(grande, gp)
        if "lot" in MESURES:
            mesurer_lot(grande, gp)
        if "balayage" in MESURES:
            mesurer_balayage()
    finally:
        try:
            app.control.purge()
        except Exception as exc:  # Redis absent: nothing was queued
            print(f"(queue not purged: {exc.__class__.__name__})")
        connection.creation.destroy_test_db(nom_base, verbosity=0)


def _hors_base(sql: str) -> None:
    """CREATE / DROP DATABASE, from the maintenance database."""
    with connection._nodb_cursor() as curseur:
        curseur.execute(sql)


def _base_existe(nom: str) -> bool:
    with connection._nodb_cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom])
        return curseur.fetchone() is not None


def _retrouver():
    """The structure with 50,000 invoices and its GP, in a copied data set."""
    from habilitations.models import Utilisateur
    from structures.models import Structure

    return (
        Structure.objects.get(identifiant=f"B{FOURNISSEURS:013d}"),
        Utilisateur.objects.get(email="gp@bench.test"),
    )


if __name__ == "__main__":
    main()
