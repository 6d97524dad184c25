"""French wording of the schematron rules (EN 16931, Factur-X profiles, French rules BR-FR).

The EN 16931 schematrons speak English. `traduire(regle, texte)` returns the EN 16931 term a
rule concerns, the form field, and a French sentence for the user; the original text stays
available as the finding's `detail`. Rules are worded one by one (BR-01…BR-65, BR-CO-*, the
VAT category families such as BR-S-*), or by family (BR-DEC-*, BR-CL-*, BR-FR-*, syntax
rules), the family sentence naming the term found in the rule id or text.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from factures.formats import termes

# rule -> (term, French sentence)
REGLES = {
    "BR-01": ("BT-24", _("La facture doit indiquer l’identifiant de spécification (profil).")),
    "BR-02": ("BT-1", _("La facture doit avoir un numéro.")),
    "BR-03": ("BT-2", _("La facture doit avoir une date d’émission.")),
    "BR-04": ("BT-3", _("La facture doit indiquer son code de type (facture, avoir…).")),
    "BR-05": ("BT-5", _("La facture doit indiquer sa devise.")),
    "BR-06": ("BT-27", _("La facture doit indiquer le nom du vendeur.")),
    "BR-07": ("BT-44", _("La facture doit indiquer le nom de l’acheteur.")),
    "BR-08": ("BG-5", _("La facture doit indiquer l’adresse postale du vendeur.")),
    "BR-09": ("BT-40", _("L’adresse du vendeur doit comporter un code pays.")),
    "BR-10": ("BG-8", _("La facture doit indiquer l’adresse postale de l’acheteur.")),
    "BR-11": ("BT-55", _("L’adresse de l’acheteur doit comporter un code pays.")),
    "BR-12": ("BT-106", _("La facture doit indiquer la somme des montants nets des lignes.")),
    "BR-13": ("BT-109", _("La facture doit indiquer le montant total HT.")),
    "BR-14": ("BT-112", _("La facture doit indiquer le montant total TTC.")),
    "BR-15": ("BT-115", _("La facture doit indiquer le montant à payer.")),
    "BR-16": ("BG-25", _("La facture doit comporter au moins une ligne.")),
    "BR-17": ("BT-59", _("Le nom du bénéficiaire doit figurer s’il diffère du vendeur.")),
    "BR-18": ("BT-62", _("Le nom du représentant fiscal du vendeur doit figurer.")),
    "BR-19": ("BG-11", _("L’adresse du représentant fiscal du vendeur doit figurer.")),
    "BR-20": ("BT-69", _("L’adresse du représentant fiscal doit comporter un code pays.")),
    "BR-21": ("BT-126", _("Chaque ligne doit avoir un identifiant.")),
    "BR-22": ("BT-129", _("Chaque ligne doit indiquer une quantité facturée.")),
    "BR-23": ("BT-130", _("Chaque ligne doit indiquer l’unité de la quantité.")),
    "BR-24": ("BT-131", _("Chaque ligne doit indiquer son montant net.")),
    "BR-25": ("BT-153", _("Chaque ligne doit indiquer la désignation de l’article.")),
    "BR-26": ("BT-146", _("Chaque ligne doit indiquer le prix unitaire net.")),
    "BR-27": ("BT-146", _("Le prix unitaire net ne doit pas être négatif.")),
    "BR-28": ("BT-148", _("Le prix unitaire brut ne doit pas être négatif.")),
    "BR-29": ("BT-74", _("La fin de la période de facturation doit suivre son début.")),
    "BR-30": ("BT-135", _("La fin de la période d’une ligne doit suivre son début.")),
    "BR-31": ("BT-92", _("Chaque remise globale doit avoir un montant.")),
    "BR-32": ("BT-95", _("Chaque remise globale doit avoir une catégorie de TVA.")),
    "BR-33": ("BT-97", _("Chaque remise globale doit avoir un motif (texte ou code).")),
    "BR-36": ("BT-99", _("Chaque frais global doit avoir un montant.")),
    "BR-37": ("BT-102", _("Chaque frais global doit avoir une catégorie de TVA.")),
    "BR-38": ("BT-104", _("Chaque frais global doit avoir un motif (texte ou code).")),
    "BR-41": ("BT-136", _("Chaque remise de ligne doit avoir un montant.")),
    "BR-42": ("BT-139", _("Chaque remise de ligne doit avoir un motif (texte ou code).")),
    "BR-43": ("BT-141", _("Chaque frais de ligne doit avoir un montant.")),
    "BR-44": ("BT-144", _("Chaque frais de ligne doit avoir un motif (texte ou code).")),
    "BR-45": (
        "BT-116",
        _("Chaque ligne du récapitulatif de TVA doit avoir une base d’imposition."),
    ),
    "BR-46": ("BT-117", _("Chaque ligne du récapitulatif de TVA doit avoir un montant de TVA.")),
    "BR-47": ("BT-118", _("Chaque ligne du récapitulatif de TVA doit avoir une catégorie de TVA.")),
    "BR-48": (
        "BT-119",
        _("Chaque ligne du récapitulatif de TVA doit avoir un taux, sauf hors champ de la TVA."),
    ),
    "BR-49": ("BT-81", _("Les instructions de paiement doivent indiquer le moyen de paiement.")),
    "BR-50": ("BT-84", _("Un virement doit indiquer le compte à créditer (IBAN).")),
    "BR-51": (
        "BT-87",
        _("La facture ne doit pas contenir le numéro complet d’une carte bancaire."),
    ),
    "BR-52": ("BT-122", _("Chaque document joint doit avoir une référence.")),
    "BR-53": (
        "BT-111",
        _(
            "Le montant de TVA en devise de comptabilisation doit figurer si cette devise est "
            "donnée."
        ),
    ),
    "BR-54": ("BG-32", _("Chaque attribut d’article doit avoir un nom et une valeur.")),
    "BR-55": ("BT-25", _("Chaque référence à une facture antérieure doit indiquer son numéro.")),
    "BR-56": ("BT-63", _("Le représentant fiscal du vendeur doit avoir un numéro de TVA.")),
    "BR-57": ("BT-80", _("L’adresse de livraison doit comporter un code pays.")),
    "BR-61": ("BT-84", _("Un paiement par virement doit indiquer le compte à créditer (IBAN).")),
    "BR-62": ("BT-34", _("L’adresse électronique du vendeur doit indiquer son schéma.")),
    "BR-63": ("BT-49", _("L’adresse électronique de l’acheteur doit indiquer son schéma.")),
    "BR-64": ("BT-157", _("L’identifiant normalisé de l’article doit indiquer son schéma.")),
    "BR-65": ("BT-158", _("La classification de l’article doit indiquer son schéma.")),
    "BR-CO-03": ("BT-7", _("La date d’exigibilité de la TVA et son code s’excluent l’un l’autre.")),
    "BR-CO-04": ("BT-151", _("Chaque ligne doit avoir une catégorie de TVA.")),
    "BR-CO-05": (
        "BT-98",
        _("Le code et le texte du motif d’une remise globale doivent concorder."),
    ),
    "BR-CO-06": ("BT-105", _("Le code et le texte du motif de frais globaux doivent concorder.")),
    "BR-CO-07": (
        "BT-140",
        _("Le code et le texte du motif d’une remise de ligne doivent concorder."),
    ),
    "BR-CO-08": ("BT-145", _("Le code et le texte du motif de frais de ligne doivent concorder.")),
    "BR-CO-09": (
        "BT-31",
        _("Les numéros de TVA doivent commencer par le code pays ISO 3166 (par exemple FR)."),
    ),
    "BR-CO-10": (
        "BT-106",
        _("La somme des montants nets des lignes n’est pas égale au total des lignes indiqué."),
    ),
    "BR-CO-11": ("BT-107", _("La somme des remises globales ne correspond pas aux remises.")),
    "BR-CO-12": ("BT-108", _("La somme des frais globaux ne correspond pas aux frais.")),
    "BR-CO-13": (
        "BT-109",
        _(
            "Le montant total HT doit être égal au total des lignes, moins les remises, plus les "
            "frais."
        ),
    ),
    "BR-CO-14": (
        "BT-110",
        _(
            "Le montant total de TVA doit être égal à la somme des montants du récapitulatif de "
            "TVA."
        ),
    ),
    "BR-CO-15": ("BT-112", _("Le montant TTC doit être égal au montant HT plus la TVA.")),
    "BR-CO-16": (
        "BT-115",
        _("Le montant à payer doit être égal au TTC, moins le déjà payé, plus l’arrondi."),
    ),
    "BR-CO-17": (
        "BT-117",
        _("Le montant de TVA d’une catégorie doit être égal à sa base multipliée par son taux."),
    ),
    "BR-CO-18": (
        "BG-23",
        _("La facture doit comporter au moins une ligne de récapitulatif de TVA."),
    ),
    "BR-CO-19": ("BG-14", _("La période de facturation doit avoir une date de début ou de fin.")),
    "BR-CO-20": ("BG-26", _("La période d’une ligne doit avoir une date de début ou de fin.")),
    "BR-CO-21": ("BT-97", _("Chaque remise globale doit avoir un motif (texte ou code).")),
    "BR-CO-22": ("BT-104", _("Chaque frais global doit avoir un motif (texte ou code).")),
    "BR-CO-23": ("BT-139", _("Chaque remise de ligne doit avoir un motif (texte ou code).")),
    "BR-CO-24": ("BT-144", _("Chaque frais de ligne doit avoir un motif (texte ou code).")),
    "BR-CO-25": (
        "BT-9",
        _("Un montant à payer positif exige une date d’échéance ou des conditions de paiement."),
    ),
    "BR-CO-26": (
        "BT-30",
        _("Le vendeur doit être identifié : identifiant, identifiant légal ou numéro de TVA."),
    ),
    "PEPPOL-EN16931-R008": ("", _("Le fichier contient un élément vide.")),
}

# VAT category families: BR-S-*, BR-Z-*, BR-E-*, BR-AE-*, BR-IC-*, BR-G-*, BR-IG-*, BR-IP-*.
CATEGORIES = {
    "S": _("taux normal"),
    "Z": _("taux zéro"),
    "E": _("exonéré"),
    "AE": _("autoliquidation"),
    "IC": _("livraison intracommunautaire"),
    "G": _("exportation hors UE"),
    "IG": _("IGIC (Canaries)"),
    "IP": _("IPSI (Ceuta et Melilla)"),
    "O": _("hors champ de la TVA"),
}
# number in the family -> (term, sentence with %(categorie)s)
FAMILLE_TVA = {
    "01": (
        "BG-23",
        _(
            "La catégorie de TVA « %(categorie)s » est utilisée : le récapitulatif de TVA doit la "
            "contenir."
        ),
    ),
    "02": (
        "BT-31",
        _("Une ligne en « %(categorie)s » exige l’identification du vendeur à la TVA."),
    ),
    "03": (
        "BT-31",
        _("Une remise globale en « %(categorie)s » exige l’identification du vendeur à la TVA."),
    ),
    "04": (
        "BT-31",
        _("Des frais globaux en « %(categorie)s » exigent l’identification du vendeur à la TVA."),
    ),
    "05": ("BT-152", _("Le taux de TVA d’une ligne en « %(categorie)s » est incorrect.")),
    "06": ("BT-96", _("Le taux de TVA d’une remise globale en « %(categorie)s » est incorrect.")),
    "07": ("BT-103", _("Le taux de TVA de frais globaux en « %(categorie)s » est incorrect.")),
    "08": (
        "BT-116",
        _(
            "La base d’imposition en « %(categorie)s » doit être égale à la somme des lignes de "
            "cette catégorie, remises et frais compris."
        ),
    ),
    "09": (
        "BT-117",
        _("Le montant de TVA en « %(categorie)s » est incorrect pour sa base et son taux."),
    ),
    "10": ("BT-120", _("Le motif d’exonération ne convient pas à la catégorie « %(categorie)s ».")),
    "11": (
        "BG-23",
        _(
            "La catégorie « %(categorie)s » ne peut pas être combinée avec d’autres catégories de "
            "TVA."
        ),
    ),
    "12": (
        "BT-151",
        _(
            "La catégorie « %(categorie)s » ne peut pas être combinée avec d’autres catégories de "
            "TVA."
        ),
    ),
    "13": (
        "BT-95",
        _(
            "La catégorie « %(categorie)s » ne peut pas être combinée avec d’autres catégories de "
            "TVA."
        ),
    ),
    "14": (
        "BT-102",
        _(
            "La catégorie « %(categorie)s » ne peut pas être combinée avec d’autres catégories de "
            "TVA."
        ),
    ),
}

# French rules (BR-FR), by rule number; the term comes from the rule id ("BR-FR-10_BT-30").
FAMILLE_BR_FR = {
    "01": _("« %(nom)s » : 35 caractères au plus, lettres, chiffres et + - _ / seulement."),
    "02": _(
        "« %(nom)s » contient des caractères non autorisés (lettres, chiffres et + - _ / "
        "seulement)."
    ),
    "03": _("« %(nom)s » : l’année doit être comprise entre 2000 et 2099."),
    "04": _("Le code du type de document n’est pas autorisé par les règles françaises."),
    "05": _(
        "Une mention obligatoire manque dans les notes : frais de recouvrement (PMT), pénalités "
        "de retard (PMD) ou escompte (AAB)."
    ),
    "06": _("Une mention (PMT, PMD, AAB ou TXD) figure plusieurs fois dans les notes."),
    "08": _("Le cadre de facturation (BT-23) est absent ou n’est pas autorisé (B1, S1, M1…)."),
    "09": _("Le SIRET doit compter 14 chiffres et commencer par le SIREN."),
    "10": _("Le SIREN du vendeur (identifiant légal, 9 chiffres) est obligatoire."),
    "11": _("Le SIREN de l’acheteur (9 chiffres) est obligatoire pour une facture B2B."),
    "12": _("L’adresse électronique de l’acheteur (BT-49) est obligatoire."),
    "13": _("L’adresse électronique du vendeur (BT-34) est obligatoire."),
    "15": _("Le code de catégorie de TVA n’est pas autorisé en France (S, E, AE, K, G, O, Z)."),
    "16": _("« %(nom)s » : ce taux de TVA n’est pas autorisé en France."),
    "17": _("Le code de qualification d’un document joint n’est pas autorisé."),
    "18": _("Un seul document joint peut être décrit comme « LISIBLE »."),
    "20": _("La valeur de la note « BAR » n’est pas autorisée (B2B, B2BINT, B2C…)."),
    "21": _("L’adresse électronique de l’acheteur doit commencer par son SIREN (schéma 0225)."),
    "22": _("L’adresse électronique du vendeur doit commencer par son SIREN (schéma 0225)."),
    "23": _("L’adresse électronique n’a pas un format autorisé (lettres, chiffres, - _ .)."),
    "24": _("L’identifiant n’a pas un format autorisé (lettres, chiffres, - _ .)."),
    "25": _("L’adresse électronique dépasse 125 caractères."),
    "26": _("L’identifiant dépasse 100 caractères."),
    "27": _("Un attribut d’article doit avoir un nom ou un code."),
    "28": _("Un attribut d’article doit avoir une valeur ou une mesure, pas les deux."),
    "29": _("Un identifiant d’objet facturé (AFL, AVV) est vide ou répété."),
    "30": _("Un identifiant d’objet facturé de ligne (AFL, AVV) est vide ou répété."),
    "31": _("Plusieurs notes « BAR » ont des valeurs différentes."),
    "32": _("Un identifiant sous le schéma SIREN (0002) doit compter 9 chiffres."),
    "CO-03": _(
        "Un avoir de remise globale (262) exige le numéro de marché et la période de facturation."
    ),
    "CO-04": _(
        "Une facture rectificative doit citer une et une seule facture antérieure avec sa date."
    ),
    "CO-05": _("Un avoir doit citer la facture antérieure qu’il corrige, avec sa date."),
    "CO-07": _("La date d’échéance doit être postérieure ou égale à la date de facture."),
    "CO-08": _("Une facture définitive après acompte ne peut pas avoir un type d’acompte."),
    "CO-09": _(
        "Une facture déjà payée doit avoir un montant payé égal au TTC, un net à payer nul et une "
        "échéance."
    ),
    "CO-10": _(
        "Un identifiant doit indiquer son schéma, et chaque schéma n’apparaître qu’une fois."
    ),
    "CO-12": _(
        "Une facture en devise étrangère doit donner la TVA en euros (devise de comptabilisation "
        "EUR)."
    ),
    "CO-14": _("Un membre d’un assujetti unique doit le mentionner dans une note TXD."),
    "CO-15": _(
        "Un membre d’un assujetti unique doit indiquer le représentant fiscal et son numéro de TVA."
    ),
    "DEC-01": _("« %(nom)s » : 2 décimales et 19 chiffres au plus."),
    "DEC-02": _("« %(nom)s » : 4 décimales et 19 chiffres au plus."),
    "DEC-03": _("« %(nom)s » doit être positif, avec 6 décimales au plus."),
    "DEC-04": _("« %(nom)s » doit être positif, avec 2 décimales au plus."),
}

_BR_FR = re.compile(r"BR-FR-((?:CO-|DEC-|MV-|BD-)?\d+)")
_FAMILLE_TVA = re.compile(r"BR-(S|Z|E|AE|IC|G|IG|IP|O)-(\d\d)$")


def _sentence(modele, **valeurs) -> str:
    texte = str(modele)
    return texte % valeurs if valeurs else texte


def traduire(regle: str, texte: str, emplacement: str = "") -> tuple[str, str, str]:
    """(term, form field, French sentence) for a schematron finding. An unknown rule gets a
    general sentence naming its term; the caller keeps the original text as detail."""
    if regle in REGLES:
        terme, message = REGLES[regle]
        terme = terme or termes.premier_terme(texte)
        return terme, termes.champ(terme), str(message)

    famille = _FAMILLE_TVA.match(regle)
    if famille and famille.group(2) in FAMILLE_TVA:
        terme, modele = FAMILLE_TVA[famille.group(2)]
        if famille.group(1) == "O" and famille.group(2) in ("02", "03", "04"):
            modele = _(
                "Une facture hors champ de la TVA ne doit pas porter de numéro de TVA du vendeur."
            )
        return terme, termes.champ(terme), _sentence(modele, categorie=CATEGORIES[famille.group(1)])

    if regle.startswith("BR-FR-"):
        terme = termes.premier_terme(regle) or termes.premier_terme(texte)
        numero = _BR_FR.match(regle)
        modele = FAMILLE_BR_FR.get(numero.group(1)) if numero else None
        if modele is None:
            # The French rules are written in French: their own text is the message.
            return terme, termes.champ(terme), texte
        return terme, termes.champ(terme), _sentence(modele, nom=termes.nom(terme))

    terme = termes.premier_terme(texte)
    if regle.startswith("BR-DEC-"):
        return (
            terme,
            termes.champ(terme),
            gettext("Le montant « %(nom)s » ne doit pas avoir plus de deux décimales.")
            % {"nom": termes.nom(terme)},
        )
    if regle.startswith("BR-CL-"):
        return (
            terme,
            termes.champ(terme),
            gettext(
                "Le code indiqué pour « %(nom)s » n’appartient pas à la liste de codes autorisée."
            )
            % {"nom": termes.nom(terme)},
        )
    if regle.startswith(("CII-SR-", "UBL-SR-", "UBL-CR-", "CII-DT-", "UBL-DT-")):
        return (
            terme,
            termes.champ(terme),
            gettext(
                "Le fichier contient un élément que la norme EN 16931 n’utilise pas : il est "
                "ignoré."
            ),
        )
    if regle.startswith("FX-SCH-") or not regle:
        if "is not allowed" in texte and "GuidelineSpecified" in emplacement:
            return (
                "BT-24",
                "",
                gettext("L’identifiant de profil (BT-24) n’est pas un profil Factur-X reconnu."),
            )
        return (
            terme,
            termes.champ(terme),
            gettext(
                "Le fichier ne suit pas la structure du profil Factur-X déclaré : l’élément "
                "concerné "
                "n’est pas lu par le portail."
            ),
        )
    if terme:
        return (
            terme,
            termes.champ(terme),
            gettext("La règle %(regle)s n’est pas respectée (%(nom)s).")
            % {"regle": regle, "nom": termes.nom(terme)},
        )
    return "", "", gettext("La règle %(regle)s n’est pas respectée.") % {"regle": regle}
