"""/sante/: health of the database, Redis and storage, for load balancers and compose."""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _base_de_donnees():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis():
    if not settings.REDIS_URL:
        return "non configuré"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return None


def _stockage():
    nom = default_storage.save(f"sante/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(nom) as f:
            if f.read() != b"ok":
                raise OSError("storage read back different content")
    finally:
        default_storage.delete(nom)


VERIFICATIONS = {"base_de_donnees": _base_de_donnees, "redis": _redis, "stockage": _stockage}


@login_not_required
@never_cache
def sante(request):
    resultats = {}
    for nom, verifier in VERIFICATIONS.items():
        try:
            detail = verifier()
            resultats[nom] = {"ok": True, **({"detail": detail} if detail else {})}
        except Exception as exc:  # a health check reports every failure, whatever it is
            resultats[nom] = {"ok": False, "erreur": exc.__class__.__name__}
    ok = all(r["ok"] for r in resultats.values())
    return JsonResponse(
        {"statut": "ok" if ok else "degrade", "verifications": resultats},
        status=200 if ok else 503,
    )
