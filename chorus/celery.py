"""The Celery application and its beat schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")

app = Celery("chorus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Re-sends e-mails whose task never ran (broker down at commit time, worker lost).
    "notifications-relancer-emails": {
        "task": "chorus.tasks.relancer_emails_en_attente",
        "schedule": 300.0,
    },
    # Files stored by a deposit whose transaction rolled back afterwards (chorus.menage).
    "documents-supprimer-fichiers-orphelins": {
        "task": "chorus.tasks.supprimer_fichiers_orphelins",
        "schedule": 24 * 3600.0,
    },
    # Renders invoices and certificates whose task was lost (worker crash, broker down).
    "factures-relancer-rendus": {
        "task": "factures.tasks.relancer_rendus_en_attente",
        "schedule": 600.0,
    },
    # Sollicitations: e-mails to requesters without an account, and the closing of answered
    # requests left without a reaction.
    "sollicitations-relancer-courriels": {
        "task": "sollicitations.tasks.relancer_courriels_publics",
        "schedule": 300.0,
    },
    "sollicitations-cloturer-sans-suite": {
        "task": "sollicitations.tasks.cloturer_sollicitations_sans_suite",
        "schedule": 3600.0,
    },
    # Checks of deposited files whose task was lost.
    "factures-relancer-controles": {
        "task": "factures.tasks.relancer_controles_en_attente",
        "schedule": 300.0,
    },
    # Status changes of invoices whose sweep was not scheduled (broker down at commit time)
    # or was lost with a worker: each is told once, a minute later at most.
    "factures-annoncer-changements": {
        "task": "factures.tasks.annoncer_changements",
        "schedule": 60.0,
    },
    # Sign-ups never activated within 7 days: their address and identifier are freed.
    "habilitations-effacer-inscriptions-abandonnees": {
        "task": "habilitations.tasks.effacer_inscriptions_abandonnees",
        "schedule": 24 * 3600.0,
    },
    # Deadlines of invoices (validators' 15 days…): tacit validation, then routing.
    "factures-appliquer-delais-echus": {
        "task": "factures.tasks.appliquer_delais_echus",
        "schedule": 60.0,
    },
}
