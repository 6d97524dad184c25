"""Columns that several follow-up spaces share (invoices sent, received, to validate, works
pieces): each builder returns a `Colonne` with the same key, label, cell and CSV value
wherever it is used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from factures.suivi.espace import Cellule, Colonne


def montant(valeur, devise: str) -> str:
    """An amount as the tables show it: grouped thousands, 2 decimals, the currency."""
    return f"{number_format(valeur, 2, force_grouping=True)} {devise}"


def date_courte(valeur) -> str:
    return date_format(valeur, "SHORT_DATE_FORMAT") if valeur else "—"


def _vide(_facture, _espace) -> Cellule:
    return Cellule("")


def export_seul(cle: str, libelle: Any, valeur: Callable[[Any], Any]) -> Colonne:
    """A column of the CSV export only."""
    return Colonne(cle, libelle, _vide, valeur, tableau=False)


def numero() -> Colonne:
    """The invoice's number, linking to its page in the space."""
    return Colonne(
        "numero",
        _("Numéro"),
        lambda f, e: Cellule(str(f), lien=e.url("detail", f.pk)),
        lambda f: f.numero,
        tri=("numero",),
    )


def fournisseur() -> Colonne:
    return Colonne(
        "fournisseur",
        _("Fournisseur"),
        lambda f, e: Cellule(f.fournisseur.raison_sociale),
        lambda f: f.fournisseur.raison_sociale,
        tri=("fournisseur__raison_sociale",),
    )


def identifiant_fournisseur(cle: str = "identifiant_fournisseur") -> Colonne:
    return export_seul(cle, _("Identifiant du fournisseur"), lambda f: f.fournisseur.identifiant)


def destinataire() -> Colonne:
    return Colonne(
        "destinataire",
        _("Destinataire"),
        lambda f, e: Cellule(f.destinataire.raison_sociale if f.destinataire else "—"),
        lambda f: f.destinataire.raison_sociale if f.destinataire else "",
        tri=("destinataire__raison_sociale",),
    )


def service() -> Colonne:
    """The recipient's service code."""
    return Colonne(
        "service",
        _("Service"),
        lambda f, e: Cellule(f.service_destinataire.code if f.service_destinataire else "—"),
        lambda f: f.service_destinataire.code if f.service_destinataire else "",
    )


def date_facture(libelle: Any = None) -> Colonne:
    return Colonne(
        "date",
        libelle or _("Date de facture"),
        lambda f, e: Cellule(date_courte(f.date_facture)),
        lambda f: f.date_facture,
        tri=("date_facture",),
    )


def montant_ht() -> Colonne:
    return export_seul("montant_ht", _("Montant HT"), lambda f: f.montant_ht)


def montant_ttc() -> Colonne:
    return Colonne(
        "montant",
        _("Montant TTC"),
        lambda f, e: Cellule(montant(f.montant_ttc, f.devise), numerique=True),
        lambda f: f.montant_ttc,
        tri=("montant_ttc",),
    )


def devise() -> Colonne:
    return export_seul("devise", _("Devise"), lambda f: f.devise)


def deposee_le(*, tableau: bool = True) -> Colonne:
    if not tableau:
        return export_seul("deposee_le", _("Déposée le"), lambda f: f.deposee_le)
    return Colonne(
        "deposee_le",
        _("Déposée le"),
        lambda f, e: Cellule(date_courte(f.deposee_le)),
        lambda f: f.deposee_le,
        tri=("deposee_le",),
    )


def numero_engagement() -> Colonne:
    return export_seul("numero_engagement", _("Numéro d'engagement"), lambda f: f.numero_engagement)
