"""The English catalogue: complete, without fuzzy entries, placeholders kept, and loaded by Django.

French is the source language; `make makemessages` refreshes locale/en/LC_MESSAGES/django.po,
and any new or changed message then makes these tests fail until it is translated.
"""

import os
import re
import tempfile

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import override_settings
from django.utils import translation

CATALOGUE_PO = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
CATALOGUE_MO = CATALOGUE_PO.with_suffix(".mo")

# Named python-format placeholders: %(nom)s, %(nombre)d, %(montant).2f...
PARAMETRE_NOMME = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])")


def lire_catalogue():
    with CATALOGUE_PO.open("rb") as fichier:
        return read_po(fichier, locale="en")


def en_tuple(valeur):
    if isinstance(valeur, (list, tuple)):
        return tuple(valeur)
    return (valeur,)


def parametres(textes):
    return {parametre for texte in textes for parametre in PARAMETRE_NOMME.findall(texte or "")}


def test_catalogue_anglais_complet_sans_flou_et_parametres_conserves():
    catalogue = lire_catalogue()
    problemes = []
    if catalogue.fuzzy:
        problemes.append("header: flagged fuzzy")
    messages = [message for message in catalogue if message.id]
    assert messages, f"no message read from {CATALOGUE_PO}"
    for message in messages:
        sources = en_tuple(message.id)
        traductions = en_tuple(message.string)
        libelle = repr(sources[0])
        if message.context:
            libelle += f" (context {message.context!r})"
        if message.fuzzy:
            problemes.append(f"{libelle}: flagged fuzzy")
        if message.pluralizable:
            attendues = catalogue.num_plurals
            if len(traductions) != attendues:
                problemes.append(f"{libelle}: {len(traductions)} plural forms, {attendues} needed")
        if not all(traduction and traduction.strip() for traduction in traductions):
            problemes.append(f"{libelle}: not translated")
            continue
        attendus = parametres(sources)
        for traduction in traductions:
            trouves = parametres([traduction])
            if trouves != attendus:
                problemes.append(
                    f"{libelle}: placeholders {sorted(trouves)} instead of {sorted(attendus)}"
                )
    assert not problemes, f"{CATALOGUE_PO}:\n" + "\n".join(problemes)


def compiler_si_perime():
    """Compiles the catalogue as `make messages` does, when the .mo is missing or older than
    the .po (the .mo is built, never committed). Written aside then renamed, so that a
    concurrent reader never sees a half-written file."""
    if CATALOGUE_MO.exists() and CATALOGUE_MO.stat().st_mtime >= CATALOGUE_PO.stat().st_mtime:
        return
    catalogue = lire_catalogue()
    descripteur, provisoire = tempfile.mkstemp(dir=CATALOGUE_MO.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(descripteur, "wb") as fichier:
            write_mo(fichier, catalogue)
        os.chmod(provisoire, 0o644)  # mkstemp creates it 0600; keep the usual mode
        os.replace(provisoire, CATALOGUE_MO)
    except BaseException:
        os.unlink(provisoire)
        raise


def test_catalogue_anglais_compile_et_charge_par_django():
    compiler_si_perime()
    # Re-assigning LOCALE_PATHS makes Django drop its cached translations (on entry and on
    # exit), so the catalogue is read from disk now and no stale one leaks into other tests.
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        with translation.override("en"):
            assert translation.gettext("Se connecter") == "Sign in"
            assert translation.gettext("Factures émises") == "Issued invoices"
            assert translation.gettext("Bienvenue, %(nom)s.") % {"nom": "Ada"} == "Welcome, Ada."
        with translation.override("fr"):
            assert translation.gettext("Se connecter") == "Se connecter"
