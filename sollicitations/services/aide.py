"""Searching the help centre: what the contact forms suggest before a request is filed.

On PostgreSQL: French full-text search (stemming, stop words) over the stored vector of each
article (GIN index), any of the words of the text matching, ranked by `ts_rank` (title and
keywords weigh more than the summary, then the body). On SQLite (the `make run` default): a
plain case-insensitive search of each word, so the portal still suggests something.
"""

from __future__ import annotations

import operator
import re
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

from sollicitations.models import ArticleAide

NB_SUGGESTIONS = 3
MOTS_MAX = 20
LONGUEUR_MIN = 3
# Frequent short words that say nothing (the SQLite fallback has no stop-word list).
_MOTS_VIDES = frozenset(
    [
        *[
            "les",
            "des",
            "une",
            "dans",
            "pour",
            "par",
            "sur",
            "avec",
            "est",
            "son",
            "ses",
            "aux",
            "que",
            "qui",
            "quoi",
            "comment",
        ],
        *[
            "mon",
            "mes",
            "nos",
            "vos",
            "votre",
            "notre",
            "pas",
            "plus",
            "the",
            "and",
            "for",
            "how",
            "what",
        ],
    ]
)


def mots(texte: str) -> list[str]:
    """The words of a search text worth searching for, at most MOTS_MAX, without repeats."""
    vus, resultat = set(), []
    for mot in re.findall(r"\w+", (texte or "").lower()):
        if len(mot) < LONGUEUR_MIN or mot in _MOTS_VIDES or mot.isdigit() or mot in vus:
            continue
        vus.add(mot)
        resultat.append(mot)
        if len(resultat) == MOTS_MAX:
            break
    return resultat


def rechercher(texte: str, *, limite: int | None = NB_SUGGESTIONS):
    """Published articles matching any word of `texte`, best first (an empty list for a text
    with no usable word)."""
    termes = mots(texte)
    if not termes:
        return ArticleAide.objects.none()
    articles = ArticleAide.objects.publies()
    if connection.vendor == "postgresql":
        articles = recherche_plein_texte(articles, termes)
    else:
        articles = recherche_simple(articles, termes)
    return articles[:limite] if limite else articles


def recherche_plein_texte(articles, termes: list[str]):
    """PostgreSQL: any word, French stemming and stop words, ranked."""
    requete = reduce(operator.or_, (SearchQuery(m, config="french") for m in termes))
    return (
        articles.filter(recherche=requete)
        .annotate(pertinence=SearchRank(F("recherche"), requete))
        .order_by("-pertinence", "ordre", "titre")
    )


def recherche_simple(articles, termes: list[str]):
    """Any database: any word found in the title, summary, keywords or body, any case."""
    filtre = reduce(
        operator.or_,
        (
            Q(titre__icontains=m)
            | Q(resume__icontains=m)
            | Q(mots_cles__icontains=m)
            | Q(contenu__icontains=m)
            for m in termes
        ),
    )
    return articles.filter(filtre).order_by("ordre", "titre")
