"""Benchmark of the sollicitations desk and of the help centre's search.

    .venv/bin/python bench/sollicitations.py                                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus .venv/bin/python bench/sollicitations.py

Its own throwaway database (TEST NAME "bench_sollicitations"), created and destroyed here.
Knobs: BENCH_SOLLICITATIONS (requests generated, default 20000), BENCH_RUNS (default 30).
Generated rows are written in bulk (data, not behaviour: the tests cover the circuit).
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")

import django

django.setup()

from commun import comme_en_production  # noqa: E402  (bench/commun.py)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

NOMBRE = int(os.environ.get("BENCH_SOLLICITATIONS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
OBJETS = [
    "Facture rejetée pour erreur de service",
    "Compte verrouillé après plusieurs essais",
    "Code service introuvable dans l'annuaire",
    "Rattachement à une structure existante",
    "Dépôt Factur-X refusé",
    "Date de paiement d'une facture",
]


def mesurer(nom, fonction, runs=RUNS):
    fonction()  # warm-up
    durees = []
    for _ in range(runs):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    print(
        f"{nom:<60} median {statistics.median(durees):7.2f} ms  (p90 "
        f"{sorted(durees)[int(len(durees) * 0.9) - 1]:.2f} ms, n={runs})"
    )


def generer(agents, structures):
    from sollicitations.enums import VISIBLES_PAR_LE_DESK
    from sollicitations.models import Sollicitation, SousCategorie

    sous_categories = list(SousCategorie.objects.filter(destination="SUPPORT"))
    maintenant = timezone.now()
    hasard = random.Random(7)
    lot = []
    for n in range(NOMBRE):
        envoyee = maintenant - timedelta(minutes=hasard.randint(0, 60 * 24 * 365))
        statut = hasard.choice(VISIBLES_PAR_LE_DESK)
        lot.append(
            Sollicitation(
                numero=f"SOL-2026-{n + 1:06d}",
                statut=statut,
                sous_categorie=hasard.choice(sous_categories),
                destination="SUPPORT",
                email_contact=f"demandeur{n}@exemple.fr",
                structure_emettrice=hasard.choice(structures),
                objet=f"{hasard.choice(OBJETS)} n° {n}",
                description="Description de la demande.",
                assigne_a=None if statut in ("ENVOYEE", "RENVOYEE") else hasard.choice(agents),
                envoyee_le=envoyee,
                en_attente_depuis=envoyee,
            )
        )
        if len(lot) == 5000:
            Sollicitation.objects.bulk_create(lot)
            lot = []
    Sollicitation.objects.bulk_create(lot)


def main():
    comme_en_production()
    ancien_nom = connection.settings_dict["NAME"]
    dossier = Path(tempfile.mkdtemp(prefix="bench_sollicitations_"))
    nom_test = "bench_sollicitations"
    if connection.vendor == "sqlite":
        nom_test = str(dossier / "bench_sollicitations.sqlite3")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = nom_test
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from habilitations.models import Utilisateur
        from sollicitations.services import aide
        from structures.models import Structure

        print(f"Database: {connection.vendor}")
        agents = [
            Utilisateur.objects.create_user(f"agent{i}@support.fr", prenom="A", nom=str(i))
            for i in range(5)
        ]
        for agent in agents:
            agent.est_agent_support = True
            agent.save(update_fields=["est_agent_support"])
        structures = Structure.objects.bulk_create(
            Structure(
                type_identifiant="AUTRE",
                identifiant=f"BENCH{i:05d}",
                raison_sociale=f"Entreprise {i}",
            )
            for i in range(500)
        )
        debut = time.perf_counter()
        generer(agents, structures)
        print(f"Generated {NOMBRE} requests to support in {time.perf_counter() - debut:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute("VACUUM ANALYZE sollicitations_sollicitation")

        client = Client()
        client.force_login(agents[0])
        pages = {
            "desk, Actions requises, page 1": {},
            "desk, Actions requises, page 20": {"page": 20},
            "desk, Clôturés, oldest first": {"onglet": "cloturees", "tri": "envoyee_le"},
            "desk, assigned to me": {"assignation": "moi"},
            "desk, search a word of the subject": {"q": "verrouillé"},
            "desk, search a full number": {"q": "SOL-2026-012345"},
            "desk, structure + dates": {"structure": "Entreprise 42", "du": "2026-01-01"},
        }
        for nom, criteres in pages.items():
            assert client.get("/sollicitations/desk/", criteres).status_code == 200, nom
            mesurer(
                f"GET {nom}",
                lambda criteres=criteres: client.get("/sollicitations/desk/", criteres),
            )
        mesurer(
            "GET desk CSV export of Clôturés (≤ 10,000 rows)",
            lambda: client.get("/sollicitations/desk/export.csv", {"onglet": "cloturees"}),
            runs=5,
        )
        mesurer(
            "help suggestions for a summary (service)",
            lambda: list(aide.rechercher("Ma facture a été rejetée, que faire ?")),
        )
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        for chemin in dossier.iterdir():
            chemin.unlink()
        dossier.rmdir()


if __name__ == "__main__":
    main()
