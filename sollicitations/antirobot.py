"""The public contact form's defences against robots, working offline (no third-party captcha):

- a signed, time-stamped token (django.core.signing) carried by the form: a submission sooner
  than `DELAI_MIN` after the form was shown (no human types that fast), later than
  `DELAI_MAX`, or with a forged token is refused;
- a simple sum to answer, whose operands travel inside that signed token;
- a honeypot field hidden from people (and from assistive technologies): filled means robot;
- a rate limit per client address and per contact address (`LIMITE_PAR_HEURE`), in the cache.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SEL = "sollicitations.contact"
DELAI_MAX = 2 * 60 * 60
FENETRE = 60 * 60


def delai_min() -> int:
    return getattr(settings, "SOLLICITATIONS_CONTACT_DELAI_MIN", 3)


def limite_par_heure() -> int:
    return getattr(settings, "SOLLICITATIONS_CONTACT_LIMITE_PAR_HEURE", 5)


@dataclass(frozen=True)
class Question:
    a: int
    b: int
    jeton: str


def nouvelle_question() -> Question:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    jeton = signing.dumps({"a": a, "b": b, "t": int(time.time())}, salt=SEL)
    return Question(a, b, jeton)


def question_du_jeton(jeton: str) -> Question | None:
    """The question a token carries (to show it again), or None if the token is not ours."""
    try:
        donnees = signing.loads(jeton, salt=SEL)
    except signing.BadSignature:
        return None
    return Question(donnees["a"], donnees["b"], jeton)


class Refus(Exception):
    """A submission that looks automated; the message is for the person. `champ`: the form
    field it concerns (None: the whole form)."""

    def __init__(self, message, champ=None):
        super().__init__(message)
        self.message = message
        self.champ = champ


def verifier(*, jeton: str, reponse: str, pot_de_miel: str) -> None:
    """Raises `Refus` with the reason to show; returns if the submission looks human."""
    from django.utils.translation import gettext as _

    if pot_de_miel:
        raise Refus(_("Votre demande n'a pas pu être enregistrée. Réessayez."))
    try:
        donnees = signing.loads(jeton, salt=SEL)
        a, b, t = int(donnees["a"]), int(donnees["b"]), int(donnees["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refus(_("Le formulaire n'est pas valide : rechargez la page.")) from None
    ecoule = time.time() - t
    if ecoule > DELAI_MAX:
        raise Refus(_("Le formulaire a expiré : la page a été rechargée, envoyez-le à nouveau."))
    if ecoule < delai_min():
        raise Refus(_("Le formulaire a été envoyé trop vite. Relisez-le et envoyez-le à nouveau."))
    if (reponse or "").strip() != str(a + b):
        raise Refus(_("La réponse au calcul est inexacte."), champ="reponse")


def _cles(adresse_ip: str, email: str) -> list[str]:
    empreinte = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"sollicitations:contact:ip:{adresse_ip}", f"sollicitations:contact:email:{empreinte}"]


def limite_atteinte(*, adresse_ip: str, email: str) -> bool:
    return any((cache.get(cle) or 0) >= limite_par_heure() for cle in _cles(adresse_ip, email))


def compter(*, adresse_ip: str, email: str) -> None:
    """Counts one accepted submission for the address and the e-mail (one hour window)."""
    for cle in _cles(adresse_ip, email):
        if not cache.add(cle, 1, FENETRE):
            try:
                cache.incr(cle)
            except ValueError:  # expired between add and incr
                cache.set(cle, 1, FENETRE)
