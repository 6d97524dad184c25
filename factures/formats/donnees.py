"""What the portal reads from an invoice file, whatever its format: the pipeline's currency.

Every reader (plain PDF text, Factur-X, UBL, CII) returns a `FactureLue`; every check returns
`Constat`s. Field names follow `factures.models.Facture` and `LigneFacture`, so that a
`FactureLue` pre-fills the deposit form field for field. A value the file does not give stays
None (or "" for text), and the user completes it; `termes_trouves` lists the EN 16931 terms
the reader found (used to tell the user which fields came from the file).

Amounts are `Decimal`, never float; dates are `datetime.date`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class LigneLue:
    """One invoice line (BG-25)."""

    numero: str = ""  # BT-126
    reference: str = ""  # BT-155 (seller's item identifier)
    designation: str = ""  # BT-153
    quantite: Decimal | None = None  # BT-129
    unite: str = ""  # BT-130 (UN/ECE rec. 20 code)
    prix_unitaire_ht: Decimal | None = None  # BT-146 (net price)
    remise_ht: Decimal | None = None  # BT-136 (line allowance)
    montant_ht: Decimal | None = None  # BT-131 (line net amount)
    categorie_tva: str = ""  # BT-151
    taux_tva: Decimal | None = None  # BT-152


@dataclass
class TvaLue:
    """One line of the VAT breakdown (BG-23)."""

    categorie_tva: str = ""  # BT-118
    taux: Decimal | None = None  # BT-119
    base_ht: Decimal | None = None  # BT-116
    montant_tva: Decimal | None = None  # BT-117
    motif_exoneration: str = ""  # BT-120


@dataclass(frozen=True)
class IdentifiantLu:
    """One identifier of a party as the file gives it, for routing (domain §5.1).

    `terme` says which one: BT-30 (legal), BT-29 (other), BT-31 (VAT), BT-34 (electronic
    address) for the seller; BT-47, BT-46, BT-48, BT-49 for the buyer. `schema` is its scheme
    identifier as written ("0009" or Chorus Pro's "1" for a SIRET, "0002" SIREN, "VA"…).
    """

    valeur: str
    schema: str = ""
    terme: str = ""


@dataclass
class FactureLue:
    """An invoice as read from a file (format: factures.enums.FormatFacture)."""

    format: str
    type_facture: str = ""  # TypeFacture, from BT-3 (380, 381, 386…)
    code_type: str = ""  # BT-3 as written in the file
    numero: str = ""  # BT-1
    date_facture: date | None = None  # BT-2
    date_echeance: date | None = None  # BT-9
    devise: str = ""  # BT-5
    # Parties: the legal identifiers (BT-30 / BT-47) with their scheme, and names.
    siret_fournisseur: str = ""
    tva_fournisseur: str = ""  # BT-31
    nom_fournisseur: str = ""  # BT-27
    siret_destinataire: str = ""
    tva_destinataire: str = ""  # BT-48
    nom_destinataire: str = ""  # BT-44
    # Routing and references (domain §5.1).
    code_service: str = ""  # BT-10 BuyerReference
    numero_engagement: str = ""  # BT-13 purchase order reference
    numero_marche: str = ""  # BT-12 contract reference
    numero_facture_origine: str = ""  # BT-25 preceding invoice (credit notes)
    # Payment.
    mode_paiement: str = ""  # ModePaiement, from BT-81
    iban: str = ""  # BT-84
    bic: str = ""  # BT-86
    # VAT.
    type_tva: str = ""  # TypeTva when the file says it (BT-8, categories)
    motif_exoneration: str = ""  # BT-120 when a single exemption reason applies
    # Totals (BG-22).
    total_lignes_ht: Decimal | None = None  # BT-106
    remises_globales_ht: Decimal | None = None  # BT-107
    charges_globales_ht: Decimal | None = None  # BT-108
    montant_ht: Decimal | None = None  # BT-109
    montant_tva: Decimal | None = None  # BT-110
    montant_ttc: Decimal | None = None  # BT-112
    montant_deja_paye: Decimal | None = None  # BT-113
    montant_a_payer: Decimal | None = None  # BT-115
    commentaire: str = ""  # BT-22 notes, joined
    lignes: list[LigneLue] = field(default_factory=list)
    tva: list[TvaLue] = field(default_factory=list)
    # EN 16931 terms the reader found ("BT-1", "BT-10"…).
    termes_trouves: set[str] = field(default_factory=set)
    # Added by the formats library (additive): every identifier of each party, in the order
    # routing should try them (legal identifier first), and a few more terms.
    identifiants_fournisseur: list[IdentifiantLu] = field(default_factory=list)
    identifiants_destinataire: list[IdentifiantLu] = field(default_factory=list)
    montant_arrondi: Decimal | None = None  # BT-114
    profil: str = ""  # BT-24 specification identifier (Factur-X profile, CIUS…)
    processus_metier: str = ""  # BT-23 business process type

    # Fields of factures.models.Facture that a FactureLue fills as they are (the parties,
    # service and bank details need the directory: the deposit resolves them).
    CHAMPS_FACTURE = (
        "type_facture",
        "numero",
        "date_facture",
        "date_echeance",
        "devise",
        "type_tva",
        "motif_exoneration",
        "mode_paiement",
        "numero_marche",
        "numero_engagement",
        "numero_facture_origine",
        "commentaire",
        "montant_ht",
        "montant_tva",
        "montant_ttc",
        "montant_a_payer",
    )

    def champs_facture(self) -> dict:
        """The Facture fields the file gives (empty ones left out), e.g. a form's initial data."""
        return {
            nom: getattr(self, nom)
            for nom in self.CHAMPS_FACTURE
            if getattr(self, nom) not in ("", None)
        }

    def champs_lignes(self) -> list[dict]:
        """One dict of LigneFacture fields per line, in the file's order; a value the file does
        not give is left out (the model's default, or the form, supplies it)."""
        return [_sans_vide(asdict(ligne)) for ligne in self.lignes]

    def champs_tva(self) -> list[dict]:
        """One dict of LigneTva fields per VAT breakdown line (absent values left out)."""
        return [_sans_vide(asdict(tva)) for tva in self.tva]


def _sans_vide(valeurs: dict) -> dict:
    return {nom: valeur for nom, valeur in valeurs.items() if valeur not in ("", None)}


@dataclass(frozen=True)
class Constat:
    """One finding of a check, shown next to the field it concerns.

    - `regle`: the rule id as its source names it ("BR-CO-10", "BR-FR-05", "cvc-complex-type…",
      or ours: "CHORUS-TOTAL-HT"…);
    - `severite`: factures.enums.Severite;
    - `source`: factures.enums.SourceControle;
    - `terme`: the EN 16931 term concerned ("BT-109", "BG-23") or "";
    - `champ`: the form field it concerns (a name of Facture / LigneFacture) or "";
    - `message`: in French, for the user (translated by gettext where we wrote it);
    - `emplacement`: where in the file (an XPath, a line number) or "";
    - `detail`: the check's original wording (the schematrons speak English), or "".

    Line fields are named `lignes.<field of LigneFacture>` and VAT breakdown fields
    `lignes_tva.<field of LigneTva>`; `emplacement` then tells which line.
    """

    regle: str
    severite: str
    source: str
    message: str
    terme: str = ""
    champ: str = ""
    emplacement: str = ""
    detail: str = ""

    # factures.models.Anomalie's column sizes.
    _LONGUEURS = {"regle": 100, "terme": 20, "champ": 60, "emplacement": 500}

    def champs_anomalie(self) -> dict:
        """The fields of an `Anomalie` row for this finding (texts cut to the column sizes;
        the model has no column for `detail`)."""
        valeurs = {
            "regle": self.regle,
            "severite": self.severite,
            "source": self.source,
            "message": self.message,
            "terme": self.terme,
            "champ": self.champ,
            "emplacement": self.emplacement,
        }
        for nom, longueur in self._LONGUEURS.items():
            valeurs[nom] = valeurs[nom][:longueur]
        return valeurs
