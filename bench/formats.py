"""Benchmark of the deposit pipeline's checks over the real samples of ../shared/samples.

    make bench            (or: .venv/bin/python bench/formats.py)

For every structured sample (UBL, CII, Factur-X PDF), after a warm-up:
- the floor: lxml parse + XSD + the same schematrons with the stylesheets as shipped, each
  loaded and compiled once, nothing else (no reading, no French messages, no business rules);
- `analyser()`: detection, reading, XSD, schematrons, findings, business rules;
- the throughput of `analyser()` on one process, and on two processes (as a Celery worker
  with --concurrency=2 would run on this 2-core machine).
Targets (issue 4): ≥ 40 invoices/s, and ≤ 2× the floor per invoice. No database is used.
"""

import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")

import django

django.setup()

from lxml import etree  # noqa: E402

from factures.formats import controles, facturx, schematrons  # noqa: E402
from factures.formats.controles import analyser  # noqa: E402
from factures.formats.schemas import schema  # noqa: E402
from tests.echantillons import ECHANTILLONS  # noqa: E402

TOURS = int(os.environ.get("BENCH_TOURS", "5"))


def echantillons() -> list[tuple[str, bytes]]:
    """The samples the pipeline accepts as structured invoices (refused files are left out)."""
    fichiers = sorted(ECHANTILLONS.glob("en16931/*/*.*"))
    fichiers += sorted(ECHANTILLONS.glob("facturx/*.pdf"))
    retenus = []
    for fichier in fichiers:
        if fichier.suffix.lower() not in (".xml", ".pdf"):
            continue
        data = fichier.read_bytes()
        try:
            format_, _, _ = analyser(data, fichier.name[-50:])
        except Exception:
            continue
        if format_ in controles.FORMATS_STRUCTURES:
            retenus.append((fichier.name, data))
    return retenus


class Plancher:
    """lxml parse + XSD + stock schematrons (compiled once), and nothing else."""

    def __init__(self):
        from saxonche import PySaxonProcessor

        self.processeur = PySaxonProcessor(license=False)
        self.compilateur = self.processeur.new_xslt30_processor()
        self.feuilles = {}

    def feuille(self, nom):
        if nom not in self.feuilles:
            chemin = schematrons.RESSOURCES / schematrons.FEUILLES[nom][0]
            self.feuilles[nom] = self.compilateur.compile_stylesheet(stylesheet_file=str(chemin))
        return self.feuilles[nom]

    @staticmethod
    def preparer(nom, data):
        """The invoice XML (extracted beforehand for Factur-X) and what to run on it."""
        xml = data
        if data[:5] == b"%PDF-":
            xml = facturx.extraire_xml(data)[1]
        nom_schema, feuilles = controles.ressources(etree.fromstring(xml).getroottree())
        return xml, nom_schema, [f for f, _source in feuilles]

    def executer(self, xml, nom_schema, feuilles):
        arbre = etree.fromstring(xml)
        schema(nom_schema).validate(arbre)
        noeud = self.processeur.parse_xml(xml_text=xml.decode("utf-8-sig"))
        for feuille in feuilles:
            self.feuille(feuille).transform_to_string(xdm_node=noeud)


def chronometrer(fonction, *args, cpu: list | None = None) -> float:
    """Wall time of one call, in ms; its CPU time (this process) appended to `cpu`."""
    debut, debut_cpu = time.perf_counter(), time.process_time()
    fonction(*args)
    if cpu is not None:
        cpu.append((time.process_time() - debut_cpu) * 1000)
    return (time.perf_counter() - debut) * 1000


def p95(valeurs):
    ordonnees = sorted(valeurs)
    return ordonnees[max(0, int(len(ordonnees) * 0.95) - 1)]


def _travailleur(args):
    fichiers, tours = args
    for nom, data in fichiers:  # warm-up: compile this process's stylesheets
        analyser(data, nom)
    debut = time.perf_counter()
    for _ in range(tours):
        for nom, data in fichiers:
            analyser(data, nom)
    return len(fichiers) * tours, time.perf_counter() - debut


def debit_parallele(fichiers, processus: int) -> float:
    contexte = multiprocessing.get_context("fork")
    with contexte.Pool(processus) as pool:
        resultats = pool.map(_travailleur, [(fichiers, TOURS)] * processus)
    # Each process ran the same work; throughput counts the slowest one's wall time.
    total = sum(n for n, _ in resultats)
    return total / max(d for _, d in resultats)


def main():
    fichiers = echantillons()
    charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(fichiers)} structured samples, {TOURS} rounds each, after a warm-up")
    print(f"load average before the run: {charge} (other work on the machine skews figures)")
    # Two processes first, before this process ever starts Saxon (forked children start clean).
    debit_2 = debit_parallele(fichiers, 2)

    plancher = Plancher()
    prepares = [(nom, *plancher.preparer(nom, data)) for nom, data in fichiers]
    for _nom, *args in prepares:
        plancher.executer(*args)
    for nom, data in fichiers:
        analyser(data, nom)

    # Interleaved, file by file, so that a change of load on the machine hits both alike.
    temps_plancher = {nom: [] for nom, _ in fichiers}
    temps_analyse = {nom: [] for nom, _ in fichiers}
    cpu_analyse, cpu_plancher = [], []
    for _ in range(TOURS):
        for (nom, data), (_nom, *args) in zip(fichiers, prepares, strict=True):
            temps_analyse[nom].append(chronometrer(analyser, data, nom, cpu=cpu_analyse))
            temps_plancher[nom].append(chronometrer(plancher.executer, *args, cpu=cpu_plancher))
    duree_analyse = sum(sum(liste) for liste in temps_analyse.values()) / 1000
    duree_plancher = sum(sum(liste) for liste in temps_plancher.values()) / 1000

    tous_plancher = [t for liste in temps_plancher.values() for t in liste]
    tous_analyse = [t for liste in temps_analyse.values() for t in liste]
    n = len(tous_analyse)
    # ZUGFeRD 1.0 has no schematron: its floor is an XSD check alone (< 1 ms), so its ratio
    # says nothing about the pipeline; it is left out of the ratios.
    avec_schematron = [nom for nom, _xml, _schema, feuilles in prepares if feuilles]
    ratios = [
        statistics.median(temps_analyse[nom]) / statistics.median(temps_plancher[nom])
        for nom in avec_schematron
    ]
    print()
    print(f"| {'measure':<48} | median ms | p95 ms | invoices/s |")
    print(f"|{'-' * 50}|-----------|--------|------------|")
    lignes = [
        ("floor: lxml + XSD + stock schematrons", tous_plancher, n / duree_plancher),
        ("analyser(), 1 process", tous_analyse, n / duree_analyse),
    ]
    for libelle, temps, debit in lignes:
        print(
            f"| {libelle:<48} | {statistics.median(temps):9.1f} | {p95(temps):6.1f} "
            f"| {debit:10.1f} |"
        )
    print(f"| {'analyser(), 2 processes (prefork -c 2)':<48} | {'':9} | {'':6} | {debit_2:10.1f} |")
    # CPU time does not depend on what else runs on the machine: two processes on two idle
    # cores would check 2 / (mean CPU time) invoices per second.
    for libelle, cpu in (("floor", cpu_plancher), ("analyser()", cpu_analyse)):
        moyenne = statistics.mean(cpu)
        print(
            f"{libelle}: CPU {statistics.median(cpu):.1f} ms median, {moyenne:.1f} ms mean per "
            f"invoice -> {2000 / moyenne:.1f} invoices/s on 2 idle cores"
        )
    print()
    print(
        f"analyser / floor per invoice (ratio of medians): median {statistics.median(ratios):.2f}"
        f", worst {max(ratios):.2f} ({avec_schematron[ratios.index(max(ratios))]}); "
        f"total time ratio {duree_analyse / duree_plancher:.2f}"
    )


if __name__ == "__main__":
    main()
