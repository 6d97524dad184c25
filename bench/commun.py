"""What every benchmark sets before it measures: the server as it runs in production.

- DEBUG off: with it on, Django composes the text of every SQL statement and logs it, and
  templates keep debug information, which no production server pays for. It is set here, at
  runtime, rather than through the environment, which would also turn on the HTTPS redirects
  the test client cannot follow.
- No `setup_test_environment()`: its instrumentation copies every template's context for the
  test client. The client only needs its host allowed; e-mails stay in memory.
- A fast password hasher: the benches log users in, they do not measure hashing.

And what their generators share: `copie_de_factures`, the COPY of invoices.
"""

from collections.abc import Sequence
from contextlib import contextmanager

from django.conf import settings


def comme_en_production() -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def copie_de_factures(colonnes: Sequence[str]):
    """COPY into the invoices' table: yields a function writing one row of `colonnes` (in
    that order). The model's other NOT NULL columns that have a default (an empty text, a
    flag…) get it on every row, so that a column added later does not break the generators;
    one without a default is a value the generator must write."""
    from django.db import connection

    from factures.models import Facture

    autres = [
        champ
        for champ in Facture._meta.concrete_fields
        if champ.column not in colonnes
        and not champ.primary_key
        and not champ.null
        and (champ.has_default() or champ.empty_strings_allowed)
    ]
    suite = tuple(champ.get_db_prep_save(champ.get_default(), connection) for champ in autres)
    noms = ", ".join([*colonnes, *(champ.column for champ in autres)])
    with (
        connection.cursor() as curseur,
        curseur.cursor.copy(f"COPY {Facture._meta.db_table} ({noms}) FROM STDIN") as flux,
    ):
        yield lambda ligne: flux.write_row((*ligne, *suite))
