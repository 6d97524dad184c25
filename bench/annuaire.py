"""Benchmark of the public directory: the import of a generated 100,000-row file, then the
search, server-side, on 100,000 public structures.

    .venv/bin/python bench/annuaire.py                                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus .venv/bin/python bench/annuaire.py

Its own throwaway database ("bench_annuaire_<NAME>" on PostgreSQL, NAME being the configured
one), created and destroyed here. Knobs: BENCH_ANNUAIRE_LIGNES (rows in the file, default
100000), BENCH_RUNS (requests per search, default 50).

Targets (issue 3): the import in a minute or less, a second run changing nothing; each search
under 50 ms median with 100,000 structures on PostgreSQL, through Django's test Client, page
rendering included. Each figure is the median of BENCH_RUNS requests after a warm-up; on a
shared machine, run it twice and compare.

What the searches exercise (structures/annuaire/recherche.py): without an « any part »
criterion, a walk of the structures table's btree indexes (a page costs its rows); with one,
the narrow search table (EntreeAnnuaire): the trigram index finds the matches, and a search
with up to 1,000 of them is counted and paged from one scan, a broader one sorted by
PostgreSQL on byte-compared keys. A word in 20 % of the names ('commune') is the costliest
case: 20,000 rows read and sorted, or 1,000 kept for page 50.

Measured on the 2-core development machine, shared (load ≈ 2), PostgreSQL 15: import 19-22 s,
second run 11-14 s; searches 6-25 ms ('commune' 21 ms, its page 50 by city 25 ms, 'mairie'
in 'orleans' 10 ms), the structure's page 6 ms. Before the search table, on the same runs:
'commune' 41-51 ms, 'mairie' in 'orleans' 30 ms.
"""

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")

import django

django.setup()

from commun import comme_en_production  # noqa: E402  (bench/commun.py)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from stdnum import luhn  # noqa: E402

LIGNES = int(os.environ.get("BENCH_ANNUAIRE_LIGNES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "50"))

GENRES = [
    "Commune de",
    "Mairie de",
    "Centre hospitalier de",
    "Centre communal d'action sociale de",
    "Lycée Jean Moulin de",
    "Collège Victor Hugo de",
    "Syndicat intercommunal des eaux de",
    "Office public de l'habitat de",
    "Établissement public foncier de",
    "Communauté de communes de",
]
RACINES = [
    "Saint-Étienne",
    "Orléans",
    "Besançon",
    "Châlons",
    "Évreux",
    "Montélimar",
    "Bourg",
    "Villeneuve",
    "Beaumont",
    "Fontaine",
    "Aix",
    "Mont",
    "Val",
    "Château",
    "Pont",
]
SUFFIXES = ["", "-sur-Loire", "-les-Bains", "-en-Provence", "-la-Forêt", "-le-Vieux", "-d'Azur"]
SERVICES = [
    ("FIN", "Direction des finances"),
    ("RH", "Ressources humaines"),
    ("ACHATS", "Service des achats"),
    ("TECH", "Services techniques"),
]


def siret(n: int) -> str:
    """A valid SIRET of a public entity (SIREN starting with 2) from a sequence number."""
    siren8 = f"{20000000 + n:08d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    corps = siren + "0001"
    return corps + luhn.calc_check_digit(corps)


def generer(chemin: Path, lignes: int) -> list[dict]:
    """One structure per row, each with one service; returns a few rows to search for."""
    alea = random.Random(20260101)
    villes = [f"{r}{s}" for r in RACINES for s in SUFFIXES]
    colonnes = [
        "identifiant",
        "type_identifiant",
        "raison_sociale",
        "adresse",
        "code_postal",
        "ville",
        "pays",
        "statut",
        "code_service_obligatoire",
        "numero_ej_obligatoire",
        "code_service_ou_ej_obligatoire",
        "mise_en_paiement_non_remontee",
        "reception_edi",
        "presence_moa",
        "code_service",
        "libelle_service",
        "statut_service",
        "engagement_obligatoire_service",
    ]
    exemples = []
    with chemin.open("w", encoding="utf-8", newline="") as sortie:
        ecrivain = csv.writer(sortie, delimiter=";")
        ecrivain.writerow(colonnes)
        for n in range(lignes):
            ville = alea.choice(villes)
            code, libelle = alea.choice(SERVICES)
            ligne = [
                siret(n),
                "SIRET",
                f"{alea.choice(GENRES)} {ville} {n}",
                f"{alea.randint(1, 200)} rue de la République",
                f"{alea.randint(1000, 97600):05d}",
                ville,
                "FR",
                "ACTIVE" if alea.random() < 0.95 else "INACTIVE",
                alea.choice("01"),
                alea.choice("01"),
                alea.choice("01"),
                "0",
                "0",
                alea.choice(["SANS_MOA", "AVEC_MOA"]),
                code,
                libelle,
                "ACTIF",
                alea.choice("01"),
            ]
            ecrivain.writerow(ligne)
            if n % (lignes // 5 or 1) == 17:
                exemples.append(dict(zip(colonnes, ligne, strict=True)))
    return exemples


def mesurer(nom, fonction, runs=RUNS):
    fonction()  # warm-up
    durees = []
    for _ in range(runs):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    print(
        f"{nom:<62} median {statistics.median(durees):7.2f} ms  (p90 "
        f"{sorted(durees)[int(len(durees) * 0.9) - 1]:.2f} ms, n={runs})"
    )


def importer(chemin: Path, titre: str):
    sortie = io.StringIO()
    debut = time.perf_counter()
    call_command("import_annuaire", str(chemin), stdout=sortie)
    duree = time.perf_counter() - debut
    resume = " | ".join(
        ligne for ligne in sortie.getvalue().splitlines() if ligne.startswith(("Str", "Ser", "Lig"))
    )
    print(f"{titre:<28} {duree:6.1f} s   {resume}")


def main():
    setup_test_environment()  # the searches read their paginator from the page's context
    comme_en_production()
    ancien_nom = connection.settings_dict["NAME"]
    dossier = Path(tempfile.mkdtemp(prefix="bench_annuaire_"))
    nom_test = f"bench_annuaire_{ancien_nom}"
    if connection.vendor == "sqlite":
        nom_test = str(dossier / "bench_annuaire.sqlite3")
    # Its own database, named after the configured one: never the test suite's, nor that of
    # another checkout benchmarking at the same time.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = nom_test
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor}")
        fichier = dossier / "annuaire.csv"
        debut = time.perf_counter()
        exemples = generer(fichier, LIGNES)
        print(
            f"Generated {LIGNES} rows ({fichier.stat().st_size / 1e6:.1f} Mo) in "
            f"{time.perf_counter() - debut:.1f} s"
        )
        importer(fichier, "import_annuaire, 1st run")
        importer(fichier, "import_annuaire, 2nd run")
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: fresh statistics and visibility map.
            with connection.cursor() as curseur:
                curseur.execute("VACUUM ANALYZE structures_structure")
                curseur.execute("VACUUM ANALYZE structures_entreeannuaire")
                curseur.execute("VACUUM ANALYZE structures_service")

        from structures.models import Structure

        exemple = exemples[1]
        client = Client()
        recherches = {
            "no criterion (page 1 of all public structures)": {},
            "identifiant: a full SIRET": {"identifiant": exemple["identifiant"]},
            "identifiant: its SIREN (9 digits)": {"identifiant": exemple["identifiant"][:9]},
            "identifiant: 5 middle digits": {"identifiant": exemple["identifiant"][4:9]},
            "raison_sociale: an exact name, typed without accents": {
                "raison_sociale": exemple["raison_sociale"].lower().replace("é", "e")
            },
            "raison_sociale: a less common phrase (≈ 2 %)": {"raison_sociale": "chateau-le"},
            "raison_sociale: a common word ('commune', ≈ 20 %)": {"raison_sociale": "commune"},
            "raison_sociale: common word, sorted by ville, page 50": {
                "raison_sociale": "commune",
                "tri": "-ville",
                "page": 50,
            },
            "ville: 'saint etienne sur loire'": {"ville": "saint etienne sur loire"},
            "code_postal: '69' + statut ACTIVE": {"code_postal": "69", "statut": "ACTIVE"},
            "raison_sociale 'mairie' + ville 'orleans'": {
                "raison_sociale": "mairie",
                "ville": "orleans",
            },
        }
        print(f"Public structures: {Structure.objects.publiques().count()} [matches in brackets]")
        for nom, criteres in recherches.items():
            reponse = client.get("/annuaire/", criteres)
            assert reponse.status_code == 200, nom
            paginateur = reponse.context["page_obj"].paginator
            nombre = f"{'> ' if paginateur.depasse_le_plafond else ''}{paginateur.count}"
            mesurer(
                f"GET /annuaire/ {nom} [{nombre}]",
                lambda criteres=criteres: client.get("/annuaire/", criteres),
            )
        structure = Structure.objects.get(identifiant=exemple["identifiant"])
        mesurer(
            "GET /annuaire/<pk>/ (detail, parameters and services)",
            lambda: client.get(f"/annuaire/{structure.pk}/"),
        )
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        for chemin in dossier.iterdir():
            chemin.unlink()
        dossier.rmdir()


if __name__ == "__main__":
    main()
