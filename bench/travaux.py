"""Benchmark of Factures de travaux on a large data set (issue 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus .venv/bin/python bench/travaux.py

Its own throwaway database ("bench_travaux_<name of DATABASE_URL's database>"), created and
destroyed here, filled with COPY: BENCH_TRAVAUX_DOSSIERS dossiers (default 4,000) of 48
pieces each (16 months of A4 → A15 → A19, linked by their pièce précédente), 192,000 pieces;
one maîtrise d'œuvre is party to 400 dossiers (19,200 pieces), and BENCH_TRAVAUX_EN_RETARD
projets de décompte (default 2,000) wait at MOEs past their 7 days. Measured:
- the MOE's Synthèse and Rechercher (its 19,200 pieces), p95;
- a dossier's timeline (48 pieces and their amounts), p95;
- the deadline sweep flagging the overdue projets.
E-mail tasks are published to Redis (CHORUS_BENCH_REDIS_URL, default db 6), then purged.
"""

import os
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

DOSSIERS = int(os.environ.get("BENCH_TRAVAUX_DOSSIERS", "4000"))
EN_RETARD = int(os.environ.get("BENCH_TRAVAUX_EN_RETARD", "2000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
REDIS = os.environ.get("CHORUS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
MOIS = 16
TITULAIRES, MOES, MOAS = 1000, 200, 100
DOSSIERS_DE_LA_GRANDE_MOE = 400

COLONNES = [
    "id",
    "fournisseur_id",
    "destinataire_id",
    "dossier_id",
    "piece_precedente_id",
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
    "echeance_action",
]


def generer():
    from habilitations.models import Utilisateur
    from structures.models import Structure
    from travaux.models import DossierFacturation

    def structures(prefixe, nombre, **valeurs):
        return Structure.objects.bulk_create(
            [
                Structure(
                    type_identifiant="SIRET",
                    identifiant=f"{prefixe}{n:012d}",
                    raison_sociale=f"{prefixe} {n}",
                    **valeurs,
                )
                for n in range(nombre)
            ],
            batch_size=1000,
        )

    titulaires = structures("T", TITULAIRES)
    moes = structures("E", MOES)
    moas = structures("O", MOAS, categorie="PUBLIQUE", presence_moa="AVEC_MOA")
    grande_moe = moes[0]
    gp = Utilisateur.objects.create_user("moe@bench.test", "x", prenom="M", nom="OE")
    grande_moe.gestionnaire_principal = gp
    grande_moe.save(update_fields=["gestionnaire_principal"])
    dossiers = DossierFacturation.objects.bulk_create(
        [
            DossierFacturation(
                numero=f"DF-2026-{i:06d}",
                numero_marche=f"M-{i}",
                titulaire=titulaires[i % TITULAIRES],
                moe=grande_moe if i < DOSSIERS_DE_LA_GRANDE_MOE else moes[1 + i % (MOES - 1)],
                moa=moas[i % MOAS],
                structure_financiere=moas[i % MOAS],
            )
            for i in range(DOSSIERS)
        ],
        batch_size=1000,
    )

    maintenant = timezone.now()
    debut = time.perf_counter()
    pk = 0
    retards = 0
    with connection.cursor() as curseur:
        with copie_de_factures(COLONNES) as ecrire:
            for i, dossier in enumerate(dossiers):
                for mois in range(MOIS):
                    depot = maintenant - timedelta(days=30 * (MOIS - mois), minutes=i % 1440)
                    ht = 10_000 + (i * 7 + mois * 13) % 90_000
                    dernier = mois == MOIS - 1
                    en_retard = dernier and retards < EN_RETARD and i % 2 == 0
                    retards += en_retard
                    chaine = [
                        # cadre, status, recipient, HT
                        (
                            "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
                            "MISE_A_DISPOSITION_MOE" if dernier else "ASSOCIEE",
                            dossier.moe_id,
                            ht,
                        ),
                        ("A15_ETAT_ACOMPTE_MOE", "ASSOCIEE", dossier.moa_id, ht - ht // 20),
                        (
                            "A19_ETAT_ACOMPTE_VALIDE_MOA",
                            "MISE_EN_PAIEMENT",
                            dossier.moa_id,
                            ht - ht // 20,
                        ),
                    ]
                    precedente = None
                    for rang, (cadre, statut, destinataire, montant) in enumerate(chaine):
                        if dernier and rang:
                            statut = "ASSOCIEE"  # shape only: the last month's answers
                        pk += 1
                        tva = montant // 5
                        echeance = None
                        if dernier and rang == 0:
                            # The MOE's 7 days: running, or past for the overdue ones.
                            echeance = maintenant + timedelta(days=1 + i % 6)
                            if en_retard:
                                echeance = maintenant - timedelta(hours=1 + i % 48)
                        ecrire(
                            [
                                pk,
                                dossier.titulaire_id,
                                destinataire,
                                dossier.pk,
                                precedente,
                                cadre,
                                statut,
                                "FACTURE",
                                f"P{i:05d}-{mois:02d}-{rang}",
                                date(2026, 1 + mois % 12, 1 + i % 28),
                                2026,
                                "EUR",
                                "TVA_SUR_DEBIT",
                                "",
                                "",
                                dossier.numero_marche,
                                "",
                                "",
                                "",
                                "",
                                f"{montant}.00",
                                f"{tva}.00",
                                f"{montant + tva}.00",
                                "0.00",
                                "",
                                f"{montant + tva}.00",
                                "SAISIE_PORTAIL",
                                "",
                                "SANS_OBJET",
                                depot,
                                depot,
                                depot + timedelta(minutes=rang),
                                depot + timedelta(minutes=rang),
                                echeance,
                            ]
                        )
                        precedente = pk
        curseur.execute("SELECT setval('factures_facture_id_seq', %s)", [pk])
        # Every table written here, dossiers included, as autovacuum would have by then:
        # with the dossiers' statistics missing, PostgreSQL expects 7 dossiers of a MOE
        # instead of 400 and picks a plan fit for 7.
        curseur.execute("ANALYZE")
    print(
        f"{pk:,} works pieces in {DOSSIERS:,} dossiers, "
        f"by COPY in {time.perf_counter() - debut:.1f} s"
    )
    return gp, dossiers[0]


def p95(durees):
    return sorted(durees)[max(0, int(len(durees) * 0.95) - 1)]


def mesurer(client, nom, url):
    assert client.get(url).status_code == 200  # warm-up
    durees = []
    for _ in range(RUNS):
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200
    print(f"{nom:<52} median {statistics.median(durees):7.1f} ms, p95 {p95(durees):7.1f} ms")


def mesurer_balayage():
    from factures.models import Facture
    from factures.services import delais

    debut = time.perf_counter()
    traitees = delais.balayer_echeances()
    duree = time.perf_counter() - debut
    signalees = Facture.objects.filter(statut="ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE").count()
    print(f"Deadline sweep: {traitees:,} overdue projets flagged ({signalees:,}) in {duree:.1f} s")


def main():
    from chorus.celery import app

    comme_en_production()
    if connection.vendor != "postgresql":
        print("bench/travaux.py needs PostgreSQL (COPY, SKIP LOCKED): skipped.")
        return
    nom_test = f"bench_travaux_{connection.settings_dict['NAME']}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = nom_test
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS
    try:
        gp, dossier = generer()
        client = Client()
        client.force_login(gp)
        mesurer(client, "MOE Synthèse (19,200 pieces)", "/factures-travaux/moe/")
        mesurer(client, "MOE Rechercher, first page", "/factures-travaux/moe/rechercher/")
        mesurer(
            client,
            "MOE Rechercher, hide old refusals and downloads",
            "/factures-travaux/moe/rechercher/?masquer_rejetees=on&masquer_telechargees=on",
        )
        mesurer(
            client, "Dossier timeline (48 pieces)", f"/factures-travaux/moe/dossiers/{dossier.pk}/"
        )
        mesurer(client, "MOE's dossiers (400)", "/factures-travaux/moe/dossiers/")
        mesurer_balayage()
    finally:
        try:
            app.control.purge()
        except Exception as exc:  # Redis absent: nothing was queued
            print(f"(queue not purged: {exc.__class__.__name__})")
        connection.creation.destroy_test_db(nom_test, verbosity=0)


if __name__ == "__main__":
    main()
