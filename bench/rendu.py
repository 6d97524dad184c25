"""Benchmark of the rendering (issue 4): one typed invoice as Factur-X against bare WeasyPrint
on the same HTML (target ≤ 1.2×), a 20-page invoice, and the certificat de dépôt.

    .venv/bin/python bench/rendu.py                                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus .venv/bin/python bench/rendu.py

Its own throwaway database (TEST NAME "bench_rendu") and storage folder, created and destroyed
here. Knobs: BENCH_RUNS (renderings per figure, default 30), BENCH_RUNS_LONGS (for the 20-page
invoice, default 5). Each figure: median and p95 after one warm-up, in milliseconds.

What is compared, on the very HTML the portal renders for a 3-line, 2-rate invoice:
- "bare WeasyPrint": `HTML(string=page).write_pdf()`, the page carrying its stylesheet and
  @font-face rules, as anyone would first write it;
- "WeasyPrint, fonts loaded once": the portal's engine (stylesheet parsed and fonts loaded
  once per process), PDF/A-3b: the share of WeasyPrint inside the portal's rendering;
- "Factur-X": the portal's whole rendering from the model: figures, CII XML, page, PDF/A-3b,
  the factur-x library attaching the XML and checking its XSD;
- "facture_rendre": the service a Celery task runs: the above, plus reading the invoice from
  the database and storing the file (documents core).
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-rendu-")  # removed at the end

import django

django.setup()

import io  # noqa: E402
import logging  # noqa: E402

import pypdf  # noqa: E402
from commun import comme_en_production  # noqa: E402  (bench/commun.py)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from weasyprint import HTML  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
RUNS_LONGS = int(os.environ.get("BENCH_RUNS_LONGS", "5"))
LIGNES_20_PAGES = 730
CENT = Decimal("0.01")


def mesurer(candidats: dict, runs: int) -> dict:
    """Wall-clock and CPU durations (ms) of each candidate, over `runs` rounds after a warm-up.

    Candidates run in turn within each round, so that a busy machine (2 shared cores) weighs
    on all of them alike; CPU time, which other processes do not inflate, is kept too.
    `candidats`: name -> (function, preparation run before each call, outside the timing)."""
    mesures = {nom: ([], []) for nom in candidats}
    for rang in range(runs + 1):
        for nom, (fonction, preparer) in candidats.items():
            if preparer:
                preparer()
            debut, debut_cpu = time.perf_counter(), time.process_time()
            fonction()
            murale, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
            if rang:  # the first round warms up
                mesures[nom][0].append(murale * 1000)
                mesures[nom][1].append(cpu * 1000)
    return mesures


def p95(durees):
    ordonnees = sorted(durees)
    return ordonnees[min(len(ordonnees) - 1, round(0.95 * (len(ordonnees) - 1)))]


def tableau(titre, mesures, reference=None):
    """One row per candidate: wall-clock median and p95, CPU median, ratios to `reference`."""
    print(titre)
    base = mesures[reference] if reference else None
    for nom, (murales, cpus) in mesures.items():
        ratios = ""
        if base and nom != reference:
            ratios = (
                f"{statistics.median(murales) / statistics.median(base[0]):5.2f}×"
                f" {statistics.median(cpus) / statistics.median(base[1]):5.2f}×"
            )
        print(
            f"  {nom:<56} {statistics.median(murales):8.1f} {p95(murales):8.1f}"
            f" {statistics.median(cpus):8.1f} {len(murales):4d}  {ratios}"
        )


def creer_facture(nombre_de_lignes: int, numero: str):
    from chorus import documents
    from factures.models import Facture, LigneFacture, LigneTva
    from structures.models import CoordonneeBancaire, Service, Structure

    suffixe = f"{Structure.objects.count():04d}"
    fournisseur = Structure.objects.create(
        type_identifiant="SIRET",
        identifiant=f"3000000070{suffixe}",
        raison_sociale="Bureau d'études Lumière",
        adresse="12 rue des Lilas",
        code_postal="69003",
        ville="Lyon",
        tva_intracommunautaire="FR32300000007",
    )
    entite = Structure.objects.create(
        type_identifiant="SIRET",
        identifiant=f"2138000150{suffixe}",
        raison_sociale="Commune de Saint-Éloi",
        categorie="PUBLIQUE",
        adresse="1 place de la Mairie",
        code_postal="38000",
        ville="Grenoble",
    )
    service = Service.objects.create(structure=entite, code="SERV-FIN", libelle="Finances")
    rib = documents.enregistrer_contenu(b"%PDF-1.7 rib", nom="rib.pdf", type_mime="application/pdf")
    coordonnee = CoordonneeBancaire.objects.create(
        structure=fournisseur,
        libelle="Compte courant",
        iban="FR7630004000031234567890143",
        bic="BNPAFRPP",
        document_rib=rib,
    )
    facture = Facture.objects.create(
        fournisseur=fournisseur,
        destinataire=entite,
        service_destinataire=service,
        numero=numero,
        date_facture=date(2026, 11, 2),
        date_echeance=date(2026, 12, 2),
        statut="DEPOSEE",
        deposee_le=timezone.now(),
        mode_depot="SAISIE_PORTAIL",
        mode_paiement="VIREMENT",
        coordonnee_bancaire=coordonnee,
        numero_engagement="EJ-2026-0042",
        numero_marche="MARCHE-2025-17",
    )
    modeles = [
        ("Conseil en organisation", Decimal("3"), Decimal("250"), Decimal("20")),
        ("Formation des agents", Decimal("2"), Decimal("480.50"), Decimal("20")),
        ("Guides imprimés", Decimal("12"), Decimal("18.90"), Decimal("5.5")),
    ]
    lignes, bases = [], {}
    for rang in range(nombre_de_lignes):
        designation, quantite, prix, taux = modeles[rang % 3]
        montant = (quantite * prix).quantize(CENT, rounding=ROUND_HALF_UP)
        lignes.append(
            LigneFacture(
                facture=facture,
                ordre=rang + 1,
                designation=f"{designation} (lot {rang + 1})",
                quantite=quantite,
                unite="C62",
                prix_unitaire_ht=prix,
                taux_tva=taux,
                montant_ht=montant,
            )
        )
        bases[taux] = bases.get(taux, Decimal("0")) + montant
    LigneFacture.objects.bulk_create(lignes)
    tva = {t: (b * t / 100).quantize(CENT, rounding=ROUND_HALF_UP) for t, b in bases.items()}
    LigneTva.objects.bulk_create(
        LigneTva(facture=facture, taux=t, base_ht=b, montant_tva=tva[t]) for t, b in bases.items()
    )
    facture.montant_ht = sum(bases.values())
    facture.montant_tva = sum(tva.values())
    facture.montant_ttc = facture.montant_a_payer = facture.montant_ht + facture.montant_tva
    facture.save()
    return facture


def page_autonome(html: str) -> str:
    """The page with its stylesheet and fonts inside: what bare WeasyPrint renders."""
    from factures.rendu.moteur import moteur

    style = f"<style>\n{moteur().css_polices}\n{moteur().css_feuille}\n</style>"
    return html.replace("</head>", f"{style}\n</head>", 1)


def main():
    logging.getLogger("factures").setLevel(logging.WARNING)  # one line per rendering
    comme_en_production()
    ancien_nom = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_rendu"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.utils import translation

        from factures.models import Facture
        from factures.rendu import certificat, facturx, page, totaux
        from factures.rendu.moteur import PDF_A_FACTURX, moteur
        from factures.services import rendu

        def donnees(facture):
            complete = rendu._charger(facture.pk)
            return complete, list(complete.lignes.all()), list(complete.lignes_tva.all())

        def html_de(complete, lignes, lignes_tva):
            with translation.override("fr"):
                chiffres = totaux.calculer(complete, lignes, lignes_tva)
                return page.html(complete, lignes, lignes_tva, totaux=chiffres)

        courte = creer_facture(3, "F2026-0001")
        longue = creer_facture(LIGNES_20_PAGES, "F2026-0002")
        c_complete, c_lignes, c_tva = donnees(courte)
        l_complete, l_lignes, l_tva = donnees(longue)
        html_courte, html_longue = (
            html_de(c_complete, c_lignes, c_tva),
            html_de(l_complete, l_lignes, l_tva),
        )
        autonome_courte, autonome_longue = page_autonome(html_courte), page_autonome(html_longue)
        pages = len(pypdf.PdfReader(io.BytesIO(facturx.facturx(l_complete, l_lignes, l_tva))).pages)

        def sans_rendu(facture):
            return lambda: Facture.objects.filter(pk=facture.pk).update(document_rendu=None)

        def sans_certificat():
            Facture.objects.filter(pk=courte.pk).update(document_certificat=None)

        print("\nRendering; times in ms; ratios to bare WeasyPrint (wall-clock, then CPU)")
        print(f"  {'':<56} {'median':>8} {'p95':>8} {'cpu':>8} {'n':>4}  ratios")
        nue = "bare WeasyPrint on the same HTML (reference)"
        courtes = mesurer(
            {
                nue: (lambda: HTML(string=autonome_courte).write_pdf(), None),
                "WeasyPrint, fonts loaded once, PDF/A-3b": (
                    lambda: moteur().pdf(html_courte, variante=PDF_A_FACTURX),
                    None,
                ),
                "Factur-X: figures, XML, page, PDF/A-3b, factur-x + XSD": (
                    lambda: facturx.facturx(c_complete, c_lignes, c_tva),
                    None,
                ),
                "facture_rendre: + database read and storage": (
                    lambda: rendu.facture_rendre(facture=Facture.objects.get(pk=courte.pk)),
                    sans_rendu(courte),
                ),
            },
            RUNS,
        )
        tableau("— one typed invoice, 3 lines, 2 VAT rates —", courtes, nue)
        longues = mesurer(
            {
                nue: (lambda: HTML(string=autonome_longue).write_pdf(), None),
                "facture_rendre": (
                    lambda: rendu.facture_rendre(facture=Facture.objects.get(pk=longue.pk)),
                    sans_rendu(longue),
                ),
            },
            RUNS_LONGS,
        )
        tableau(f"— a {pages}-page invoice ({LIGNES_20_PAGES} lines) —", longues, nue)
        rendu.facture_rendre(facture=Facture.objects.get(pk=courte.pk))
        fichier = Facture.objects.get(pk=courte.pk).document_rendu
        certificats = mesurer(
            {
                "certificate, PDF/A-2b": (
                    lambda: certificat.pdf(c_complete, fichier=fichier),
                    None,
                ),
                "facture_etablir_certificat: + database read and storage": (
                    lambda: rendu.facture_etablir_certificat(
                        facture=Facture.objects.get(pk=courte.pk)
                    ),
                    sans_certificat,
                ),
            },
            RUNS,
        )
        tableau("— the certificat de dépôt —", certificats)
        service = courtes["facture_rendre: + database read and storage"]
        ratio = statistics.median(service[0]) / statistics.median(courtes[nue][0])
        ratio_cpu = statistics.median(service[1]) / statistics.median(courtes[nue][1])
        print(
            f"\nTarget ≤ 1.2× bare WeasyPrint: facture_rendre takes {ratio:.2f}× its time "
            f"({ratio_cpu:.2f}× its CPU time)"
        )
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
