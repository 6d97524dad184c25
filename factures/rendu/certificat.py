"""The certificat de dépôt: the portal attests that it received an invoice, when, and which
file (its SHA-256 fingerprint). Its deposit date is the legal start of the payment period.

It is rendered once and never again (`factures.services.rendu`): what it attests does not
change afterwards.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from factures.enums import FormatFacture
from factures.rendu import cii
from factures.rendu.facturx import LANGUE
from factures.rendu.moteur import PDF_A, moteur
from factures.rendu.nombres import (
    PARIS,
    date_et_heure_paris,
    date_fr,
    montant_fr,
    siret_lisible,
)
from structures.enums import TypeIdentifiant

GABARIT = "factures/rendu/certificat.html"


def reference(facture) -> str:
    """The certificate's reference: its deposit day in Paris and the invoice's id, unique as
    each invoice has one certificate. "CD-20261102-00000042"."""
    return f"CD-{facture.deposee_le.astimezone(PARIS):%Y%m%d}-{facture.pk:08d}"


def _partie(structure, service=None) -> str:
    texte = cii.nom_de(structure)
    if structure.type_identifiant == TypeIdentifiant.SIRET:
        texte += " – " + _("SIRET %(siret)s") % {"siret": siret_lisible(structure.identifiant)}
    elif structure.type_identifiant != TypeIdentifiant.PARTICULIER:
        texte += f" – {structure.identifiant}"
    if service is not None:
        texte += " – " + _("service %(code)s") % {"code": service.code}
    return texte


def contexte(facture, *, fichier, etabli_le: datetime) -> dict:
    """`fichier`: the Document whose fingerprint is attested (deposited file or Factur-X)."""
    date_depot, heure_depot = date_et_heure_paris(facture.deposee_le)
    date_etabli, heure_etabli = date_et_heure_paris(etabli_le)
    if facture.format_depot:
        format_fichier = FormatFacture(facture.format_depot).label
    else:
        format_fichier = FormatFacture.FACTURX.label
    donnees = [
        (_("Référence du certificat"), reference(facture)),
        (
            _("Date et heure du dépôt"),
            _("%(date)s à %(heure)s (heure de Paris)") % {"date": date_depot, "heure": heure_depot},
        ),
        (_("Numéro de facture"), facture.numero),
        (_("Type de facture"), facture.get_type_facture_display()),
        (_("Date de facture"), date_fr(facture.date_facture)),
        (_("Fournisseur"), _partie(facture.fournisseur)),
        (
            _("Destinataire"),
            _partie(facture.destinataire, facture.service_destinataire)
            if facture.destinataire
            else "",
        ),
        (_("Cadre de facturation"), facture.get_cadre_display()),
        (_("Montant TTC"), montant_fr(facture.montant_ttc, facture.devise)),
        (_("Mode de dépôt"), facture.get_mode_depot_display()),
        (_("Fichier"), _("%(nom)s (%(format)s)") % {"nom": fichier.nom, "format": format_fichier}),
    ]
    return {
        "portail": settings.PORTAIL_NOM,
        "reference": reference(facture),
        "donnees": donnees,
        "empreinte": fichier.sha256,
        "date_depot": date_depot,
        "etabli_le": _("%(date)s à %(heure)s") % {"date": date_etabli, "heure": heure_etabli},
    }


def pdf(facture, *, fichier, etabli_le: datetime | None = None) -> bytes:
    """The certificate of `facture` (deposited: `deposee_le` set), as PDF/A."""
    with translation.override(LANGUE):
        html = render_to_string(
            GABARIT, contexte(facture, fichier=fichier, etabli_le=etabli_le or timezone.now())
        )
    return moteur().pdf(html, variante=PDF_A)
