"""The interface language: one cookie, remembered on the user's account too."""

from django.conf import settings

LANGUES = ("fr", "en")


def poser_cookie_langue(response, langue: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        langue,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
