"""The portal's own business rules on an invoice read from a file (no database).

`verifier(lue)` returns every finding; each rule is a small pure function of a `FactureLue`,
usable alone (the saisie form can run them on what the user typed). Rules that need the
directory (recipient's parameters: service code or engagement number required) belong to the
deposit, not here.

Money is compared at the cent, rounding half-up as EN 16931 does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_erreurs
from stdnum import vatin
from stdnum.fr import siren as stdnum_siren

from factures.enums import Severite, SourceControle, TypeFacture
from factures.formats import termes
from factures.formats.donnees import Constat, FactureLue
from factures.formats.lecture import arrondi, compacter
from structures.validation import valider_bic, valider_iban, valider_siret

LIGNES_MAX = 10_000
NUMERO_LONGUEUR_MAX = 20
NUMERO_AUTORISE = re.compile(r"[A-Za-z0-9_/+\-]+")
# Amounts are stored as DECIMAL(15, 2): 13 digits before the point at most.
CHIFFRES_ENTIERS_MAX = 13
ZERO = Decimal(0)


def _constat(regle: str, terme: str, message: str, *, severite=Severite.BLOQUANTE, **autres):
    return Constat(
        regle=regle,
        severite=severite,
        source=SourceControle.METIER,
        message=message,
        terme=terme,
        champ=autres.pop("champ", termes.champ(terme)),
        **autres,
    )


def _montant(valeur: Decimal) -> str:
    return number_format(valeur, decimal_pos=2, force_grouping=True)


def _ecart(regle: str, terme: str, attendu: Decimal, indique: Decimal, message: str):
    if arrondi(attendu) == arrondi(indique):
        return []
    return [
        _constat(
            regle,
            terme,
            message % {"attendu": _montant(attendu), "indique": _montant(indique)},
        )
    ]


def total_des_lignes(lue: FactureLue) -> list[Constat]:
    """Σ line net amounts (BT-131) = sum of line net amounts (BT-106)."""
    montants = [ligne.montant_ht for ligne in lue.lignes if ligne.montant_ht is not None]
    if not montants or lue.total_lignes_ht is None:
        return []
    return _ecart(
        "CHORUS-TOTAL-LIGNES",
        "BT-106",
        sum(montants, ZERO),
        lue.total_lignes_ht,
        _(
            "La somme des montants nets des lignes (%(attendu)s) ne correspond pas au total des "
            "lignes indiqué (%(indique)s)."
        ),
    )


def total_ht(lue: FactureLue) -> list[Constat]:
    """BT-109 = BT-106 − BT-107 + BT-108."""
    if lue.montant_ht is None or lue.total_lignes_ht is None:
        return []
    attendu = (
        lue.total_lignes_ht - (lue.remises_globales_ht or ZERO) + (lue.charges_globales_ht or ZERO)
    )
    return _ecart(
        "CHORUS-TOTAL-HT",
        "BT-109",
        attendu,
        lue.montant_ht,
        _(
            "Le montant total HT indiqué (%(indique)s) devrait être %(attendu)s : total des "
            "lignes, moins les remises globales, plus les frais globaux."
        ),
    )


def total_tva(lue: FactureLue) -> list[Constat]:
    """BT-110 = Σ BT-117."""
    montants = [tva.montant_tva for tva in lue.tva if tva.montant_tva is not None]
    if not montants or lue.montant_tva is None:
        return []
    return _ecart(
        "CHORUS-TOTAL-TVA",
        "BT-110",
        sum(montants, ZERO),
        lue.montant_tva,
        _(
            "Le montant total de TVA indiqué (%(indique)s) ne correspond pas à la somme du "
            "récapitulatif de TVA (%(attendu)s)."
        ),
    )


def bases_de_tva(lue: FactureLue) -> list[Constat]:
    """Σ BT-116 = BT-109: the VAT breakdown covers the whole amount without VAT."""
    bases = [tva.base_ht for tva in lue.tva if tva.base_ht is not None]
    if not bases or lue.montant_ht is None:
        return []
    return _ecart(
        "CHORUS-BASES-TVA",
        "BT-116",
        sum(bases, ZERO),
        lue.montant_ht,
        _(
            "La somme des bases du récapitulatif de TVA (%(attendu)s) ne correspond pas au "
            "montant total HT (%(indique)s)."
        ),
    )


def total_ttc(lue: FactureLue) -> list[Constat]:
    """BT-112 = BT-109 + BT-110."""
    if lue.montant_ttc is None or lue.montant_ht is None:
        return []
    return _ecart(
        "CHORUS-TOTAL-TTC",
        "BT-112",
        lue.montant_ht + (lue.montant_tva or ZERO),
        lue.montant_ttc,
        _("Le montant TTC indiqué (%(indique)s) devrait être HT + TVA = %(attendu)s."),
    )


def montant_a_payer(lue: FactureLue) -> list[Constat]:
    """BT-115 = BT-112 − BT-113 (+ BT-114 rounding)."""
    if lue.montant_a_payer is None or lue.montant_ttc is None:
        return []
    attendu = lue.montant_ttc - (lue.montant_deja_paye or ZERO) + (lue.montant_arrondi or ZERO)
    return _ecart(
        "CHORUS-A-PAYER",
        "BT-115",
        attendu,
        lue.montant_a_payer,
        _(
            "Le montant à payer indiqué (%(indique)s) devrait être le TTC moins le montant déjà "
            "payé : %(attendu)s."
        ),
    )


def tva_par_categorie(lue: FactureLue) -> list[Constat]:
    """Each BT-117 = BT-116 × BT-119 / 100, rounded half-up to the cent.

    A difference below one currency unit is a rounding choice that EN 16931 tolerates (its
    rule BR-CO-17 does): a warning. Beyond, the amount is wrong: blocking."""
    constats = []
    for index, tva in enumerate(lue.tva, start=1):
        if tva.base_ht is None or tva.taux is None or tva.montant_tva is None:
            continue
        attendu = arrondi(tva.base_ht * tva.taux / 100)
        if attendu != arrondi(tva.montant_tva):
            ecart = abs(attendu - tva.montant_tva)
            constats.append(
                _constat(
                    "CHORUS-TVA-CATEGORIE",
                    "BT-117",
                    _(
                        "TVA de la catégorie %(categorie)s à %(taux)s %% : %(indique)s indiqués, "
                        "%(attendu)s attendus (base %(base)s)."
                    )
                    % {
                        "categorie": tva.categorie_tva or "?",
                        "taux": number_format(tva.taux),
                        "indique": _montant(tva.montant_tva),
                        "attendu": _montant(attendu),
                        "base": _montant(tva.base_ht),
                    },
                    emplacement=_("récapitulatif de TVA, ligne %(n)s") % {"n": index},
                    severite=Severite.BLOQUANTE if ecart >= 1 else Severite.AVERTISSEMENT,
                )
            )
    return constats


def numero(lue: FactureLue) -> list[Constat]:
    """Invoice number: ≤ 20 characters, letters, digits and - _ / + only (domain §5)."""
    if not lue.numero:
        return []
    if len(lue.numero) > NUMERO_LONGUEUR_MAX or not NUMERO_AUTORISE.fullmatch(lue.numero):
        return [
            _constat(
                "CHORUS-NUMERO",
                "BT-1",
                _(
                    "Le numéro de facture « %(numero)s » doit compter au plus 20 caractères : "
                    "lettres, chiffres et - _ / + seulement, sans espace."
                )
                % {"numero": lue.numero[:40]},
            )
        ]
    return []


def _siret(regle: str, terme: str, valeur: str, qui: str) -> list[Constat]:
    if not valeur:
        return []
    try:
        valider_siret(valeur)
    except ValidationError as erreur:
        return [
            _constat(
                regle,
                terme,
                _("SIRET %(qui)s « %(valeur)s » : %(erreur)s")
                % {"qui": qui, "valeur": valeur, "erreur": " ".join(erreur.messages)},
            )
        ]
    return []


def sirets(lue: FactureLue) -> list[Constat]:
    """The SIRETs read from the file (seller, buyer) pass their checksum; so do SIRENs."""
    constats = _siret("CHORUS-SIRET-FOURNISSEUR", "BT-30", lue.siret_fournisseur, _("du vendeur"))
    constats += _siret(
        "CHORUS-SIRET-DESTINATAIRE", "BT-47", lue.siret_destinataire, _("de l’acheteur")
    )
    for identifiant in lue.identifiants_fournisseur + lue.identifiants_destinataire:
        valeur = compacter(identifiant.valeur)
        if identifiant.schema == "0002" and len(valeur) == 9 and not stdnum_siren.is_valid(valeur):
            constats.append(
                _constat(
                    "CHORUS-SIREN",
                    identifiant.terme,
                    _("Le SIREN « %(valeur)s » est invalide (clé de contrôle erronée).")
                    % {"valeur": valeur},
                    severite=Severite.AVERTISSEMENT,
                )
            )
    return constats


def numeros_de_tva(lue: FactureLue) -> list[Constat]:
    """VAT numbers (BT-31, BT-48) are valid for their country, where python-stdnum knows it."""
    constats = []
    for terme, valeur in (("BT-31", lue.tva_fournisseur), ("BT-48", lue.tva_destinataire)):
        if not valeur:
            continue
        try:
            vatin.validate(valeur)
        except stdnum_erreurs.InvalidComponent:
            continue  # a country python-stdnum does not know: nothing to say
        except stdnum_erreurs.ValidationError:
            constats.append(
                _constat(
                    "CHORUS-TVA-INVALIDE",
                    terme,
                    _("Le numéro de TVA « %(valeur)s » (%(nom)s) est invalide.")
                    % {"valeur": valeur, "nom": termes.nom(terme)},
                    severite=Severite.AVERTISSEMENT,
                )
            )
    return constats


def coordonnees_bancaires(lue: FactureLue) -> list[Constat]:
    """The IBAN (BT-84) and BIC (BT-86) of the file, checked with schwifty."""
    constats = []
    if lue.iban and compacter(lue.iban)[:2].isalpha():
        try:
            valider_iban(lue.iban)
        except ValidationError as erreur:
            constats.append(
                _constat(
                    "CHORUS-IBAN",
                    "BT-84",
                    " ".join(erreur.messages),
                    severite=Severite.AVERTISSEMENT,
                )
            )
    if lue.bic:
        try:
            valider_bic(lue.bic)
        except ValidationError as erreur:
            constats.append(
                _constat(
                    "CHORUS-BIC",
                    "BT-86",
                    " ".join(erreur.messages),
                    severite=Severite.AVERTISSEMENT,
                )
            )
    return constats


def montants_absurdes(lue: FactureLue) -> list[Constat]:
    """No amount beyond 13 integer digits; no negative total on an invoice (use a credit note)."""
    constats = []
    montants = {
        "BT-106": lue.total_lignes_ht,
        "BT-109": lue.montant_ht,
        "BT-110": lue.montant_tva,
        "BT-112": lue.montant_ttc,
        "BT-115": lue.montant_a_payer,
    }
    for index, ligne in enumerate(lue.lignes, start=1):
        for valeur in (ligne.montant_ht, ligne.prix_unitaire_ht, ligne.quantite):
            if valeur is not None and _trop_de_chiffres(valeur):
                constats.append(
                    _constat(
                        "CHORUS-MONTANT-ABSURDE",
                        "BT-131",
                        _("Un montant ou une quantité de la ligne %(n)s dépasse 13 chiffres.")
                        % {"n": index},
                        emplacement=_("ligne %(n)s") % {"n": index},
                    )
                )
                break
    for terme, valeur in montants.items():
        if valeur is not None and _trop_de_chiffres(valeur):
            constats.append(
                _constat(
                    "CHORUS-MONTANT-ABSURDE",
                    terme,
                    _(
                        "Montant « %(nom)s » : plus de 13 chiffres avant la virgule, il n’est pas "
                        "plausible."
                    )
                    % {"nom": termes.nom(terme)},
                )
            )
    if lue.type_facture in (TypeFacture.FACTURE, TypeFacture.ACOMPTE):
        for terme in ("BT-109", "BT-112"):
            valeur = montants[terme]
            if valeur is not None and valeur < 0:
                constats.append(
                    _constat(
                        "CHORUS-MONTANT-NEGATIF",
                        terme,
                        _(
                            "Montant « %(nom)s » négatif : une facture ne peut pas l’être, "
                            "déposez un avoir."
                        )
                        % {"nom": termes.nom(terme)},
                    )
                )
    return constats


def _trop_de_chiffres(valeur: Decimal) -> bool:
    if not valeur.is_finite():
        return True
    return valeur.copy_abs().adjusted() >= CHIFFRES_ENTIERS_MAX


def nombre_de_lignes(lue: FactureLue) -> list[Constat]:
    if len(lue.lignes) <= LIGNES_MAX:
        return []
    return [lignes_trop_nombreuses(len(lue.lignes))]


def lignes_trop_nombreuses(nombre: int) -> Constat:
    return _constat(
        "CHORUS-LIGNES-MAX",
        "BG-25",
        _("La facture compte %(nombre)s lignes : le portail en accepte %(max)s au plus.")
        % {"nombre": number_format(nombre, force_grouping=True), "max": "10 000"},
    )


REGLES: list[Callable[[FactureLue], list[Constat]]] = [
    numero,
    nombre_de_lignes,
    montants_absurdes,
    total_des_lignes,
    total_ht,
    total_tva,
    bases_de_tva,
    total_ttc,
    montant_a_payer,
    tva_par_categorie,
    sirets,
    numeros_de_tva,
    coordonnees_bancaires,
]


def verifier(lue: FactureLue) -> list[Constat]:
    """Every finding of the portal's business rules on `lue`."""
    constats = []
    for regle in REGLES:
        constats.extend(regle(lue))
    return constats
