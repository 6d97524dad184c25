"""Benchmark of Factures émises (issue 4), printed as one table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus .venv/bin/python bench/factures.py

Its own throwaway database ("bench_emises_<name of DATABASE_URL's database>") and storage
folder, created and destroyed here. Knobs: BENCH_EMISES_FACTURES (invoices, default
1,000,000, over 10,000 structures, written with COPY), BENCH_RUNS (requests per page, default
50), BENCH_TOURS (rounds over the samples, default 3), BENCH_EMISES_MESURES (which
measures, default "pages,depots,rendu").

1. Server-side time (Django test client: view, queries, template) of the Synthèse, Rechercher
   and invoice page of a supplier with 20,000 invoices among 1,000,000. Target: p95 ≤ 100 ms.
2. Structured deposits through the whole pipeline, each invoice from file to recipient
   (`deposer`): the deposit (detection, reading, routing data checked against the
   directory, storage), the checks task (XSD, EN 16931 and French schematrons, business
   rules, findings stored), "Valider et envoyer" (DEPOSEE, its history row) and the routing
   task (EN_COURS_ACHEMINEMENT then MISE_A_DISPOSITION, their history rows), then the sweep
   that tells the changes (the notifications of the supplier and of the recipient), run as
   the worker runs it, a second after the commit that schedules it, and at the end of each
   round; an invoice whose findings block its sending stops at its draft.
   The requests and the worker's tasks run in the measuring process, view-less; what they
   enqueue besides (e-mails, the rendering, the certificate: tasks of their own) goes to a
   real Redis broker (CHORUS_BENCH_REDIS_URL), purged at the end. Against the floor of
   bench/formats.py measured in the same run and the same way (lxml parse + XSD +
   schematrons, loaded once): two processes at once, then one process interleaved.
   Targets: ≥ 40 invoices/s on this 2-core machine, ≤ 2× the floor per invoice.
3. Rendering one typed invoice as Factur-X (`facture_rendre`) against bare WeasyPrint on the
   same HTML (bench/rendu.py's invoice and page). Target: ≤ 1.2×.
"""

import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-emises-")  # removed at the end

import django

django.setup()

import logging  # noqa: E402

from commun import comme_en_production, copie_de_factures  # noqa: E402  (bench/commun.py)
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

TOTAL = int(os.environ.get("BENCH_EMISES_FACTURES", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
TOURS = int(os.environ.get("BENCH_TOURS", "3"))
MESURES = os.environ.get("BENCH_EMISES_MESURES", "pages,depots,rendu").split(",")
# The broker the deposits' other tasks (e-mails, rendering, certificate) are sent to, purged
# at the end, as in bench/recues.py and bench/travaux.py.
REDIS = os.environ.get("CHORUS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
STRUCTURES = 10_000
ENTITES = 500
GRAND = min(20_000, TOTAL // 5)

COLONNES = [
    "fournisseur_id",
    "destinataire_id",
    "service_destinataire_id",
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
]
# What a supplier's invoices look like over two years, with weights.
STATUTS = [
    ("BROUILLON", 2),
    ("MISE_A_DISPOSITION", 8),
    ("SUSPENDUE", 1),
    ("A_RECYCLER", 1),
    ("REJETEE", 3),
    ("SERVICE_FAIT", 6),
    ("MANDATEE", 6),
    ("COMPTABILISEE", 5),
    ("MISE_EN_PAIEMENT", 68),
]


def p95(valeurs):
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, round(0.95 * (len(ordonnees) - 1)))]


# --- 1. The data set and the pages ---------------------------------------------------------


def generer():
    """10,000 structures, 1,000,000 invoices (the first supplier has 20,000), one history row
    per sent invoice; returns (the big supplier's GP, one of its invoices)."""
    from factures.models import Facture, LigneFacture, LigneTva
    from habilitations.models import Utilisateur
    from structures.models import Service, Structure

    rng = random.Random(4)
    debut = time.perf_counter()
    Structure.objects.bulk_create(
        [
            Structure(
                type_identifiant="SIRET",
                identifiant=f"E{n:013d}",
                raison_sociale=f"{'Entreprise' if n >= ENTITES else 'Commune'} {n}",
                categorie="PUBLIQUE" if n < ENTITES else "PRIVEE",
            )
            for n in range(STRUCTURES)
        ],
        batch_size=2000,
    )
    ids = list(Structure.objects.order_by("pk").values_list("pk", flat=True))
    entites, fournisseurs = ids[:ENTITES], ids[ENTITES:]
    Service.objects.bulk_create(
        [
            Service(structure_id=e, code=f"S{k}", libelle=f"Service {k}")
            for e in entites
            for k in (1, 2)
        ]
    )
    services = {}
    for pk, structure_id in Service.objects.values_list("pk", "structure_id"):
        services.setdefault(structure_id, []).append(pk)
    grand = Structure.objects.get(pk=fournisseurs[0])
    gp = Utilisateur.objects.create_user("gp@bench.test", "x", prenom="G", nom="P")
    grand.gestionnaire_principal = gp
    grand.save(update_fields=["gestionnaire_principal"])

    maintenant = timezone.now()
    noms, poids = zip(*STATUTS, strict=True)

    def lignes():
        for n in range(TOTAL):
            fournisseur = (
                fournisseurs[0] if n < GRAND else fournisseurs[1 + n % (len(fournisseurs) - 1)]
            )
            entite = entites[n % ENTITES]
            statut = rng.choices(noms, poids)[0]
            cree = maintenant - timedelta(days=rng.randint(0, 720), seconds=n % 86400)
            jour = cree.date()
            ht = Decimal(rng.randint(10_000, 10_000_000)) / 100
            tva = (ht * Decimal("0.2")).quantize(Decimal("0.01"))
            envoyee = statut != "BROUILLON"
            yield (
                fournisseur,
                entite,
                services[entite][n % 2],
                "A1_FACTURE_FOURNISSEUR",
                statut,
                "FACTURE",
                f"F{n:09d}",
                jour,
                jour.year,
                "EUR",
                "TVA_SUR_DEBIT",
                "",
                "VIREMENT",
                "",
                f"EJ{n % 9999:04d}",
                "",
                "",
                "",
                ht,
                tva,
                ht + tva,
                Decimal("0"),
                "",
                ht + tva,
                "SAISIE_PORTAIL" if n % 3 else "UPLOAD_PORTAIL",
                "" if n % 3 else "UBL",
                "SANS_OBJET",
                cree,
                cree,
                cree if envoyee else None,
                cree + timedelta(minutes=1) if envoyee else None,
            )

    with copie_de_factures(COLONNES) as ecrire:
        for ligne in lignes():
            ecrire(ligne)
    print(f"  {TOTAL:,} invoices written by COPY in {time.perf_counter() - debut:.0f} s")

    debut = time.perf_counter()
    with connection.cursor() as curseur:
        # One history row per sent invoice: the last status change, by the system.
        curseur.execute(
            """
            INSERT INTO factures_facturehistorique
                (objet_id, acteur_id, role, date, action, motif, statut_avant, statut_apres)
            SELECT id, NULL, 'SYSTEME', mise_a_disposition_le, 'METTRE_A_DISPOSITION', '',
                   'EN_COURS_ACHEMINEMENT', statut
            FROM factures_facture WHERE deposee_le IS NOT NULL
            """
        )
        curseur.execute("ANALYZE")
    print(f"  history rows and ANALYZE in {time.perf_counter() - debut:.0f} s")

    facture = Facture.objects.filter(fournisseur=grand, statut="MISE_A_DISPOSITION").first()
    LigneFacture.objects.bulk_create(
        LigneFacture(
            facture=facture,
            ordre=i,
            designation=f"Prestation {i}",
            quantite=Decimal(i),
            unite="C62",
            prix_unitaire_ht=Decimal("12.50"),
            taux_tva=Decimal("20"),
            montant_ht=Decimal(i) * Decimal("12.50"),
        )
        for i in range(1, 21)
    )
    LigneTva.objects.create(
        facture=facture, taux=Decimal("20"), base_ht=Decimal("2625"), montant_tva=Decimal("525")
    )
    return gp, facture


def mesurer_pages(gp, facture) -> list[tuple]:
    client = Client()
    client.force_login(gp)
    pages = [
        ("Synthèse (20,000 invoices)", "/factures-emises/", {}),
        ("Rechercher, default sort, page 1", "/factures-emises/rechercher/", {}),
        (
            "Rechercher, status + dates, by amount, page 3",
            "/factures-emises/rechercher/",
            {
                "statut": "MISE_EN_PAIEMENT",
                "date_du": str(date.today() - timedelta(days=365)),
                "tri": "-montant",
                "page": "3",
            },
        ),
        (
            "Rechercher, recipient name",
            "/factures-emises/rechercher/",
            {"destinataire": "commune 42"},
        ),
        ("Tableau de bord (20,000 invoices)", "/factures-emises/tableau-de-bord/", {}),
        ("Invoice page (20 lines, history)", f"/factures-emises/{facture.pk}/", {}),
    ]
    resultats = []
    for libelle, url, parametres in pages:
        assert client.get(url, parametres).status_code == 200, url  # warm-up
        durees, cpu = [], []
        for _ in range(RUNS):
            debut, debut_cpu = time.perf_counter(), time.process_time()
            reponse = client.get(url, parametres)
            durees.append((time.perf_counter() - debut) * 1000)
            cpu.append((time.process_time() - debut_cpu) * 1000)
            assert reponse.status_code == 200
        resultats.append(
            (
                libelle,
                statistics.median(durees),
                p95(durees),
                f"p95 ≤ 100 ms (web process CPU {statistics.median(cpu):.0f} ms)",
                p95(durees) <= 100,
            )
        )
    return resultats


# --- 2. Deposits through the whole pipeline -------------------------------------------------


def _echantillons_et_parties(gp):
    """The structured samples, their seller among the GP's structures, their buyer in the
    directory (with its service): every deposit goes through."""
    import formats as bench_formats  # bench/formats.py

    from factures.formats.controles import lire
    from factures.formats.detection import detecter
    from factures.formats.lecture import SCHEMAS_SIRET
    from habilitations.models import Habilitation
    from structures.annuaire.recherche import compacter_identifiant
    from structures.models import Service, Structure

    def structure(identifiant, **champs):
        valeur = compacter_identifiant(identifiant.valeur)
        type_ = "SIRET" if identifiant.schema in SCHEMAS_SIRET else "AUTRE"
        return Structure.objects.get_or_create(
            type_identifiant=type_, identifiant=valeur, defaults=champs
        )[0]

    retenus = []
    for nom, data in bench_formats.echantillons():
        nom = "facture" + Path(nom).suffix.lower()
        lue = lire(data, detecter(data, nom).format)
        if not lue.identifiants_destinataire:
            continue  # names no buyer: refused at the deposit, not a pipeline run
        vendeur = structure(lue.identifiants_fournisseur[0], raison_sociale=lue.nom_fournisseur)
        Habilitation.objects.get_or_create(
            utilisateur=gp,
            structure=vendeur,
            service=None,
            application="FACTURES_EMISES",
            defaults={"niveau": "MODIFICATION"},
        )
        acheteur = structure(
            lue.identifiants_destinataire[0],
            raison_sociale=lue.nom_destinataire,
            categorie="PUBLIQUE",
        )
        if lue.code_service:
            Service.objects.get_or_create(
                structure=acheteur, code=lue.code_service, defaults={"libelle": "x"}
            )
        cle = (vendeur.pk, lue.numero, lue.date_facture.year if lue.date_facture else 0)
        retenus.append((cle, (nom, data, vendeur.pk)))
    # Files of one invoice (the same example in CII and UBL) side by side: the other process
    # works half a round away from them (`_processus`), never on the same number at once.
    return [fichier for _cle, fichier in sorted(retenus, key=lambda r: r[0])]


def _envoyables(gp, fichiers):
    """Each sample once through the whole pipeline (the warm-up): whether "Valider et
    envoyer" lets it go, or a blocking finding of the portal keeps it a draft."""
    from django.core.exceptions import ValidationError

    retenus = []
    for nom, data, vendeur in fichiers:
        try:
            deposer(gp, nom, data, vendeur, True)
        except ValidationError:
            retenus.append((nom, data, vendeur, False))
        else:
            retenus.append((nom, data, vendeur, True))
    return retenus


def deposer(gp, nom, data, vendeur_id, envoyable):
    """One invoice from file to recipient, as a user and the worker take it: the deposit
    (a request), the checks task, then for an invoice its findings let go, "Valider et
    envoyer" (another request: DEPOSEE and its history row) and the routing task
    (EN_COURS_ACHEMINEMENT, MISE_A_DISPOSITION, their history rows), and the sweep that
    tells the changes when it is due (`annoncer`). The worker's tasks run here, called as
    the worker calls them; what they and the requests enqueue besides (e-mails, rendering,
    certificate, the sweep's own message) goes to the broker."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from factures import tasks
    from factures.models import Facture
    from factures.services.depot import facture_deposer
    from factures.services.envoi import facture_envoyer
    from habilitations import acces
    from structures.models import Structure

    debut = time.perf_counter()
    acces.oublier_droits(gp)
    facture = facture_deposer(
        acting_user=gp,
        fournisseur=Structure.objects.get(pk=vendeur_id),
        fichier=SimpleUploadedFile(nom, data),
    )
    tasks.controler_facture(facture.pk)
    brouillon = time.perf_counter() - debut  # the checked draft: what the user reads
    if not envoyable:
        return brouillon  # stopped by a blocking finding: the user reads it on the draft
    acces.oublier_droits(gp)
    facture_envoyer(facture=facture, acting_user=gp)
    tasks.acheminer_facture(facture.pk, facture.cadre)  # as `facture_envoyer` enqueues it
    # The same file is deposited again in the next round (and by the other process half a
    # round later): its sent invoice takes another number, else it would be a duplicate.
    Facture.objects.filter(pk=facture.pk).update(numero=f"B{facture.pk}")
    annoncer()
    return brouillon


_dernier_balayage = [0.0]


def annoncer(*, maintenant=False) -> None:
    """The worker's sweep of the changes to announce (`annoncer_changements`: the
    notifications of the supplier and of the recipient), as it runs a second after the
    commit that schedules it: in this process, once a second at most, or `maintenant` (the
    end of a round: no change is left for an uncounted sweep)."""
    from factures import tasks
    from factures.services.notifications import DELAI_ANNONCE

    instant = time.perf_counter()
    if maintenant or instant - _dernier_balayage[0] >= DELAI_ANNONCE:
        tasks.annoncer_changements()
        _dernier_balayage[0] = instant


def _cpu_postgres() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (a local server whose
    /proc this process can read), or 0 when it cannot be read."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT pg_backend_pid()")
        pid = curseur.fetchone()[0]
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def _processus(gp_id, fichiers, prepares, decalage, canal):
    """One of the two processes: on each order, one round over the samples, of invoices
    through the whole pipeline (`deposer`: the requests and the worker's tasks, in this
    process) or of the floor alone (stylesheets compiled once in this process); answers
    (invoices, wall s, CPU s, PostgreSQL CPU s). `decalage`: where in the samples its rounds
    start, so that the two processes never deposit the same file at the same time."""
    import formats as bench_formats

    from factures.formats.controles import analyser
    from habilitations.models import Utilisateur

    connections.close_all()  # each process its own connection
    gp = Utilisateur.objects.get(pk=gp_id)
    plancher = bench_formats.Plancher()
    travaux = {
        "depots": [partial(deposer, gp, *fichier) for fichier in fichiers],
        "plancher": [partial(plancher.executer, *arguments) for arguments in prepares],
    }
    travaux = {ordre: appels[decalage:] + appels[:decalage] for ordre, appels in travaux.items()}
    # Warm-up, without the database: this process's schemas and stylesheets (the pipeline's
    # and the floor's). The first, untimed round of each kind then runs in step with the
    # other process, as the measured ones do.
    for nom, data, *_ in fichiers:
        analyser(data, nom)
    for appel in travaux["plancher"]:
        appel()
    canal.send("pret")
    while (ordre := canal.recv()) is not None:
        debut, cpu, cpu_pg = time.perf_counter(), time.process_time(), _cpu_postgres()
        for appel in travaux[ordre]:
            appel()
        if ordre == "depots":
            annoncer(maintenant=True)
        duree = time.perf_counter() - debut
        canal.send(
            (len(travaux[ordre]), duree, time.process_time() - cpu, _cpu_postgres() - cpu_pg)
        )
    connections.close_all()


def _deux_processus(gp, fichiers, prepares) -> dict[str, tuple[float, float, float]]:
    """Per kind ("depots", "plancher"): (invoices/s, client CPU ms and PostgreSQL CPU ms per
    invoice) of two processes doing the same round at once, as a Celery worker with
    --concurrency=2 on this 2-core machine. Rounds of both kinds alternate, so that a change
    of load on the shared machine hits both alike; a round lasts as long as the slower one."""
    connections.close_all()
    contexte = multiprocessing.get_context("fork")
    canaux, processus = [], []
    for decalage in (0, len(fichiers) // 2):
        parent, enfant = contexte.Pipe()
        p = contexte.Process(target=_processus, args=(gp.pk, fichiers, prepares, decalage, enfant))
        p.start()
        canaux.append(parent)
        processus.append(p)
    totaux = {ordre: [0, 0.0, 0.0, 0.0] for ordre in ("depots", "plancher")}
    try:
        for canal in canaux:
            canal.recv()
        for tour in range(TOURS + 1):  # the first round warms up: not counted
            for ordre in totaux:
                for canal in canaux:
                    canal.send(ordre)
                resultats = [canal.recv() for canal in canaux]
                if tour == 0:
                    continue
                total = totaux[ordre]
                total[0] += sum(r[0] for r in resultats)
                total[1] += max(r[1] for r in resultats)
                total[2] += sum(r[2] for r in resultats)
                total[3] += sum(r[3] for r in resultats)
        for canal in canaux:
            canal.send(None)
    finally:
        for p in processus:
            p.join(timeout=60)
            if p.is_alive():  # the other one failed: its connection must go too
                p.terminate()
                p.join()
    return {
        ordre: (n / duree, cpu * 1000 / n, cpu_pg * 1000 / n)
        for ordre, (n, duree, cpu, cpu_pg) in totaux.items()
    }


def mesurer_depots(gp) -> list[tuple]:
    import formats as bench_formats

    fichiers = _envoyables(gp, _echantillons_et_parties(gp))
    prepares = [bench_formats.Plancher.preparer(nom, data) for nom, data, *_ in fichiers]
    envoyees = sum(1 for *_, envoyable in fichiers if envoyable)
    print(
        f"  {len(fichiers)} samples: {envoyees} go to their recipient, "
        f"{len(fichiers) - envoyees} stop at a blocking finding of the portal's rules"
    )
    # The same way for both: two processes at once, then one process, interleaved.
    deux = _deux_processus(gp, fichiers, prepares)
    debit_2, cpu_2, cpu_pg_2 = deux["depots"]
    plancher_2, cpu_plancher_2, _ = deux["plancher"]

    plancher = bench_formats.Plancher()
    for args in prepares:
        plancher.executer(*args)
    for fichier in fichiers:
        deposer(gp, *fichier)
    temps_plancher, temps_depot, cpu_plancher, cpu_depot = [], [], [], []
    temps_brouillon = []  # of each deposit, up to its checked draft
    for _ in range(TOURS):
        for fichier, args in zip(fichiers, prepares, strict=True):
            for liste, cpu, appel in (
                (temps_depot, cpu_depot, partial(deposer, gp, *fichier)),
                (temps_plancher, cpu_plancher, partial(plancher.executer, *args)),
            ):
                debut, debut_cpu = time.perf_counter(), time.process_time()
                brouillon = appel()
                liste.append((time.perf_counter() - debut) * 1000)
                cpu.append((time.process_time() - debut_cpu) * 1000)
                if liste is temps_depot:
                    temps_brouillon.append(brouillon * 1000)
        # The round's last changes, told now: counted with its last invoice.
        debut, debut_cpu = time.perf_counter(), time.process_time()
        annoncer(maintenant=True)
        temps_depot[-1] += (time.perf_counter() - debut) * 1000
        cpu_depot[-1] += (time.process_time() - debut_cpu) * 1000
    debit_1 = len(temps_depot) / (sum(temps_depot) / 1000)
    plancher_1 = len(temps_plancher) / (sum(temps_plancher) / 1000)
    # On the totals, not the medians: the sweeps of notifications land in one invoice out
    # of a dozen, and their cost is every invoice's share.
    rapport = sum(temps_depot) / sum(temps_plancher)
    rapport_cpu = sum(cpu_depot) / sum(cpu_plancher)
    rapport_2 = plancher_2 / debit_2
    print(
        f"  file to recipient, 2 processes: {debit_2:.1f} invoices/s against the floor's "
        f"{plancher_2:.1f}/s ({rapport_2:.2f}× the floor per invoice); CPU per invoice: "
        f"{cpu_2:.1f} ms + PostgreSQL {cpu_pg_2:.1f} ms, floor {cpu_plancher_2:.1f} ms"
    )
    return [
        (
            f"Floor: lxml + XSD + schematrons ({len(fichiers)} samples), 1 process",
            statistics.median(temps_plancher),
            p95(temps_plancher),
            f"{plancher_1:.1f} invoices/s",
            None,
        ),
        (
            "File to recipient, whole pipeline, 1 process",
            statistics.median(temps_depot),
            p95(temps_depot),
            f"{debit_1:.1f} invoices/s; {rapport:.2f}× floor on average (CPU {rapport_cpu:.2f}×)",
            rapport <= 2,
        ),
        (
            "  of which deposit and checks (the checked draft)",
            statistics.median(temps_brouillon),
            p95(temps_brouillon),
            f"{statistics.median(temps_brouillon) / statistics.median(temps_plancher):.2f}× floor",
            None,
        ),
        (
            "Floor, 2 processes",
            None,
            None,
            f"{plancher_2:.1f} invoices/s (CPU {cpu_plancher_2:.1f} ms/invoice)",
            None,
        ),
        (
            "File to recipient, whole pipeline, 2 processes",
            None,
            None,
            f"{debit_2:.1f} invoices/s (≥ 40), {rapport_2:.2f}× floor (≤ 2)",
            debit_2 >= 40 and rapport_2 <= 2,
        ),
    ]


# --- 3. Rendering ----------------------------------------------------------------------------


def mesurer_rendu() -> list[tuple]:
    import rendu as bench_rendu  # bench/rendu.py
    from weasyprint import HTML

    from factures.models import Facture
    from factures.rendu import page, totaux
    from factures.services import rendu

    facture = bench_rendu.creer_facture(3, "RENDU-0001")
    complete = rendu._charger(facture.pk)
    lignes, lignes_tva = list(complete.lignes.all()), list(complete.lignes_tva.all())
    from django.utils import translation

    with translation.override("fr"):
        html = page.html(
            complete, lignes, lignes_tva, totaux=totaux.calculer(complete, lignes, lignes_tva)
        )
    autonome = bench_rendu.page_autonome(html)

    def factur_x():
        Facture.objects.filter(pk=facture.pk).update(document_rendu=None)
        debut = time.perf_counter()
        rendu.facture_rendre(facture=Facture.objects.get(pk=facture.pk))
        return (time.perf_counter() - debut) * 1000

    def nue():
        debut = time.perf_counter()
        HTML(string=autonome).write_pdf()
        return (time.perf_counter() - debut) * 1000

    factur_x(), nue()  # warm-up
    temps_nue, temps_fx = [], []
    for _ in range(max(10, RUNS // 3)):
        temps_nue.append(nue())
        temps_fx.append(factur_x())
    rapport = statistics.median(temps_fx) / statistics.median(temps_nue)
    return [
        (
            "Bare WeasyPrint, same HTML (3 lines)",
            statistics.median(temps_nue),
            p95(temps_nue),
            "",
            None,
        ),
        (
            "Factur-X of a typed invoice (facture_rendre)",
            statistics.median(temps_fx),
            p95(temps_fx),
            f"{rapport:.2f}× bare WeasyPrint (target ≤ 1.2×)",
            rapport <= 1.2,
        ),
    ]


def main():
    logging.getLogger("factures").setLevel(logging.WARNING)
    logging.getLogger("celery").setLevel(logging.WARNING)
    comme_en_production()
    ancien_nom = connection.settings_dict["NAME"]
    base = Path(str(ancien_nom)).name or "chorus"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_emises_{base}"
    if connection.vendor != "postgresql":
        print("bench/factures.py needs PostgreSQL (COPY, 1,000,000 invoices): skipped.")
        print("Run it with DATABASE_URL=postgres://…")
        shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)
        return
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"Factures émises — load average before the run: {charge}")
        gp, facture = generer()
        lignes = mesurer_pages(gp, facture) if "pages" in MESURES else []
        if "depots" in MESURES:
            from chorus.celery import app

            app.conf.task_always_eager = False
            app.conf.broker_url = REDIS
            try:
                lignes += mesurer_depots(gp)
            finally:
                app.control.purge()
        lignes += mesurer_rendu() if "rendu" in MESURES else []
        print()
        print(f"| {'measure':<52} | median ms | p95 ms | {'figure / target':<52} | ok |")
        print(f"|{'-' * 54}|-----------|--------|{'-' * 54}|----|")
        for libelle, mediane, q95, cible, ok in lignes:
            m = f"{mediane:9.1f}" if mediane is not None else " " * 9
            q = f"{q95:6.1f}" if q95 is not None else " " * 6
            verdict = "" if ok is None else ("yes" if ok else "NO")
            print(f"| {libelle:<52} | {m} | {q} | {cible:<52} | {verdict:<2} |")
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
