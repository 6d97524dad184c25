"""Demo data of Factures émises (called by `manage.py demo`): invoices of Bâtiments Durand
to the Commune de Démoville in the statuses a supplier meets, each made the way a user
would, through the services and the workflow engine:

- BD-2026-001 typed (three lines, two VAT rates), sent: at the commune;
- BD-2026-002 typed, suspended by the commune (to complete);
- BD-2026-003 typed, returned for a routing error (to recycle);
- BD-2026-004 typed, rejected; BD-2026-005 typed, paid (both in the Archives);
- BD-2026-006 a deposited CII file, checked, ready to send; a typed draft without number.

Idempotent: an invoice is made once (by supplier and number); the draft once.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from facturx.generate_xml import generate_xml

from chorus import documents
from factures.circuits import FACTURE
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture
from factures.models import Facture
from factures.services import depot, envoi, saisie
from factures.services.acheminement import facture_acheminer
from structures.models import CoordonneeBancaire

LIGNES = [
    {
        "designation": "Réfection de la toiture de l'école",
        "reference": "TOIT-01",
        "quantite": Decimal("1"),
        "unite": "LS",
        "prix_unitaire_ht": Decimal("8400"),
        "remise_ht": Decimal("0"),
        "taux_tva": Decimal("20"),
    },
    {
        "designation": "Main-d'œuvre",
        "reference": "MO",
        "quantite": Decimal("35.5"),
        "unite": "HUR",
        "prix_unitaire_ht": Decimal("48"),
        "remise_ht": Decimal("40"),
        "taux_tva": Decimal("20"),
    },
    {
        "designation": "Ouvrage technique (TVA 10 %)",
        "reference": "OUV-3",
        "quantite": Decimal("3"),
        "unite": "C62",
        "prix_unitaire_ht": Decimal("215.40"),
        "remise_ht": Decimal("0"),
        "taux_tva": Decimal("10"),
    },
]

# (number, what happens after the sending: (action, motif) by the commune's GP, in order)
SUIVIES = [
    ("BD-2026-001", []),
    ("BD-2026-002", [(A.SUSPENDRE, "Merci de joindre le procès-verbal de réception.")]),
    (
        "BD-2026-003",
        [(A.METTRE_A_RECYCLER, "Cette facture relève du service ECOLES, pas de FINANCES.")],
    ),
    ("BD-2026-004", [(A.REJETER, "Prestation déjà facturée (facture DUR-2026-101).")]),
    (
        "BD-2026-005",
        [
            (A.CONSTATER_SERVICE_FAIT, ""),
            (A.MANDATER, ""),
            (A.METTRE_EN_PAIEMENT, ""),
        ],
    ),
]


IBAN_DEMO = "FR7630004000031234567890143"  # the usual specimen


def _rib(fournisseur):
    """Bâtiments Durand's bank details (with a RIB document), to be paid by transfer."""
    coordonnee = fournisseur.coordonnees_bancaires.filter(iban=IBAN_DEMO).first()
    if coordonnee is not None:
        return coordonnee
    ecrivain = pypdf.PdfWriter()
    ecrivain.add_blank_page(width=595, height=842)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    document = documents.enregistrer_contenu(
        tampon.getvalue(), nom="rib-batiments-durand.pdf", type_mime="application/pdf"
    )
    return CoordonneeBancaire.objects.create(
        structure=fournisseur,
        libelle="Compte principal",
        iban=IBAN_DEMO,
        bic="BNPAFRPP",
        document_rib=document,
    )


def _saisir(*, fournisseur, acteur, commune, numero: str) -> Facture:
    facture = saisie.facture_creer(acting_user=acteur, fournisseur=fournisseur)
    facture = saisie.facture_destinataire_choisir(
        facture=facture, acting_user=acteur, destinataire=commune
    )
    return saisie.facture_brouillon_enregistrer(
        facture=facture,
        acting_user=acteur,
        donnees={
            "numero": numero,
            "date_facture": datetime.date(2026, 11, 2),
            "date_echeance": datetime.date(2026, 12, 2),
            "devise": "EUR",
            "type_facture": "FACTURE",
            "type_tva": "TVA_SUR_DEBIT",
            "mode_paiement": "VIREMENT",
            "coordonnee_bancaire": _rib(fournisseur),
            "numero_marche": "MARCHE-2026-ECOLE",
            "numero_engagement": "EJ-2026-0042",
            "service_destinataire": commune.services.get(code="FINANCES"),
            "commentaire": "Travaux de l'école Jean-Moulin, tranche 2.",
        },
        lignes=LIGNES,
    )


def _tva(siren: str) -> str:
    """The French intra-EU VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _cii(fournisseur, commune, numero: str) -> bytes:
    """A CII invoice as Bâtiments Durand's software would send it (factur-x writes it)."""
    donnees = {
        "BT-1": numero,
        "BT-2": datetime.date(2026, 11, 3),
        "BT-3": "380",
        "BT-5": "EUR",
        "BT-10": "FINANCES",
        "BT-12": "MARCHE-2026-ECOLE",
        "BT-13": "EJ-2026-0042",
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-72": datetime.date(2026, 10, 30),
        "BT-81": "30",
        "BT-84": IBAN_DEMO,
        "BG-4": {
            "name": fournisseur.raison_sociale,
            "legal_identifier": fournisseur.identifiant,
            "legal_identifier_schemeid": "0009",
            "vat_identifier": _tva(fournisseur.identifiant[:9]),
            "addr_l1": fournisseur.adresse,
            "city": fournisseur.ville,
            "postcode": fournisseur.code_postal,
            "country_code": "FR",
        },
        "BG-7": {
            "name": commune.raison_sociale,
            "legal_identifier": commune.identifiant,
            "legal_identifier_schemeid": "0009",
            "addr_l1": commune.adresse,
            "city": commune.ville,
            "postcode": commune.code_postal,
            "country_code": "FR",
        },
        "BG-25": [
            {
                "BT-126": "1",
                "BT-129": "12",
                "BT-130": "MTK",
                "BT-131": "1080.00",
                "BT-146": "90.00",
                "BT-151": "S",
                "BT-152": "20",
                "BT-153": "Peinture du préau",
            }
        ],
        "BG-23": [{"BT-116": "1080.00", "BT-117": "216.00", "BT-118": "S", "BT-119": "20"}],
        "BT-106": "1080.00",
        "BT-109": "1080.00",
        "BT-110": "216.00",
        "BT-112": "1296.00",
        "BT-115": "1296.00",
    }
    return generate_xml(donnees, flavor="factur-x", check_xsd=True, check_schematron=False)


def charger(*, structures: dict, utilisateurs: dict) -> None:
    """`structures` and `utilisateurs`: the demo command's, by key and by e-mail."""
    fournisseur, commune = structures["fournisseur"], structures["entite"]
    acteur = utilisateurs["fournisseur@demo.chorus.test"]
    commune_gp = utilisateurs["gestionnaire@demo.chorus.test"]
    deja = set(
        Facture.objects.filter(fournisseur=fournisseur)
        .exclude(statut=StatutFacture.SUPPRIMEE)
        .values_list("numero", flat=True)
    )
    for numero, actions in SUIVIES:
        if numero in deja:
            continue
        facture = _saisir(fournisseur=fournisseur, acteur=acteur, commune=commune, numero=numero)
        envoi.facture_envoyer(facture=facture, acting_user=acteur)
        facture_acheminer(facture=facture)
        for action, motif in actions:
            FACTURE.appliquer(facture, action=action, acteur=commune_gp, motif=motif)
    if "BD-2026-006" not in deja:
        depot.facture_deposer(
            acting_user=acteur,
            fournisseur=fournisseur,
            fichier=SimpleUploadedFile(
                "BD-2026-006.xml", _cii(fournisseur, commune, "BD-2026-006"), "application/xml"
            ),
        )
    if "" not in deja:
        _saisir(fournisseur=fournisseur, acteur=acteur, commune=commune, numero="")
