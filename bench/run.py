"""Benchmarks of the foundation: medians over repeated runs, on a throwaway database.

    make bench                       # SQLite in memory
    DATABASE_URL=postgres://… make bench

Timings live here, never in tests. Each figure is the median of N runs after a warm-up.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")

import django

django.setup()

from commun import comme_en_production  # noqa: E402  (bench/commun.py)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "50"))


def mesurer(nom, fonction, runs=RUNS):
    fonction()  # warm-up
    durees = []
    for _ in range(runs):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    print(
        f"{nom:<55} median {statistics.median(durees):7.2f} ms  (p90 "
        f"{sorted(durees)[int(len(durees) * 0.9) - 1]:.2f} ms, n={runs})"
    )


def main():
    comme_en_production()
    ancien_nom = connection.settings_dict["NAME"]
    # Its own database: never the test suite's, which may be running at the same time.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_chorus"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from habilitations import acces
        from habilitations.circuits import RATTACHEMENT
        from habilitations.enums import Application, Niveau
        from habilitations.models import Habilitation, Rattachement, Utilisateur
        from structures.models import Service, Structure

        print(f"Database: {connection.vendor}")
        entite = Structure.objects.create(
            type_identifiant="SIRET",
            identifiant="bench-1",
            raison_sociale="Bench",
            categorie="PUBLIQUE",
        )
        gp = Utilisateur.objects.create_user("gp@bench.test", "x", prenom="G", nom="P")
        entite.gestionnaire_principal = gp
        entite.save()
        agent = Utilisateur.objects.create_user("agent@bench.test", "x", prenom="A", nom="B")
        services = Service.objects.bulk_create(
            Service(structure=entite, code=f"S{i}", libelle=f"Service {i}") for i in range(200)
        )
        Habilitation.objects.bulk_create(
            Habilitation(
                utilisateur=agent,
                structure=entite,
                service=s,
                application=Application.FACTURES_RECUES,
                niveau=Niveau.MODIFICATION,
            )
            for s in services
        )

        def droits_frais():
            acces.oublier_droits(agent)
            acces.can(agent, Application.FACTURES_RECUES, Niveau.CONSULTATION, entite, services[-1])

        mesurer("access core: load 200 rights + one can()", droits_frais)

        client = Client()
        client.force_login(gp)
        mesurer("GET / (connected home page, GP of a public entity)", lambda: client.get("/"))
        anonyme = Client()
        mesurer("GET / (public home page)", lambda: anonyme.get("/"))

        demandeurs = [
            Utilisateur.objects.create_user(f"d{i}@bench.test", "x", prenom="D", nom=str(i))
            for i in range(RUNS + 1)
        ]
        demandes = iter(
            Rattachement.objects.create(utilisateur=u, structure=entite) for u in demandeurs
        )
        mesurer(
            "workflow: approve one attachment request (lock+history)",
            lambda: RATTACHEMENT.appliquer(next(demandes), action="APPROUVER", acteur=gp),
        )
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)


if __name__ == "__main__":
    main()
