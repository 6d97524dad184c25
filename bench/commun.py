"""What every benchmark sets before it measures: the server as it runs in production.

- DEBUG off: with it on, Django composes the text of every SQL statement and logs it, and
  templates keep debug information, which no production server pays for. It is set here, at
  runtime, rather than through the environment, which would also turn on the HTTPS redirects
  the test client cannot follow.
- No `setup_test_environment()`: its instrumentation copies every template's context for the
  test client. The client only needs its host allowed; e-mails stay in memory.
- A fast password hasher: the benches log users in, they do not measure hashing.
"""

from django.conf import settings


def comme_en_production() -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
