"""Signed links for requesters without an account (django.core.signing).

The link e-mailed to the contact address carries the request's id, signed with the site's
secret and time-stamped: whoever holds it may read the conversation (never internal notes)
and answer, for `DUREE_DE_VALIDITE`. A forged or altered token is refused, an old one too.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SEL = "sollicitations.suivi"
DUREE_DE_VALIDITE = timedelta(days=180)


class LienInvalide(Exception):
    """The token is forged, altered or too old. `expire` tells the last case."""

    def __init__(self, *, expire: bool = False):
        super().__init__("expired" if expire else "invalid")
        self.expire = expire


def jeton(sollicitation) -> str:
    return signing.dumps({"s": sollicitation.pk}, salt=SEL)


def lire_jeton(valeur: str) -> int:
    """The id of the request a token names; raises `LienInvalide`."""
    try:
        donnees = signing.loads(valeur, salt=SEL, max_age=DUREE_DE_VALIDITE)
    except signing.SignatureExpired as erreur:
        raise LienInvalide(expire=True) from erreur
    except signing.BadSignature as erreur:
        raise LienInvalide from erreur
    if not isinstance(donnees, dict) or not isinstance(donnees.get("s"), int):
        raise LienInvalide
    return donnees["s"]


def chemin_suivi(sollicitation) -> str:
    return reverse("sollicitations:suivi", args=[jeton(sollicitation)])


def lien_suivi(sollicitation) -> str:
    """The absolute URL of the follow-up page, for e-mails."""
    return settings.SITE_URL + chemin_suivi(sollicitation)
