"""EN 16931 business terms: their French name and the portal's form field they fill.

`champ` names a field of `factures.models.Facture`, `lignes.<field>` one of `LigneFacture`
and `lignes_tva.<field>` one of `LigneTva`, so that the deposit form can show a finding next to
the field it concerns. Terms the portal does not keep have no field ("").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# term -> (French name, form field)
TERMES = {
    "BT-1": (_("numéro de facture"), "numero"),
    "BT-2": (_("date de facture"), "date_facture"),
    "BT-3": (_("code du type de facture"), "type_facture"),
    "BT-5": (_("devise de la facture"), "devise"),
    "BT-6": (_("devise de comptabilisation de la TVA"), ""),
    "BT-7": (_("date d’exigibilité de la TVA"), ""),
    "BT-8": (_("code de date d’exigibilité de la TVA"), "type_tva"),
    "BT-9": (_("date d’échéance"), "date_echeance"),
    "BT-10": (_("référence de l’acheteur (code service)"), "service_destinataire"),
    "BT-11": (_("référence de projet"), ""),
    "BT-12": (_("référence du contrat (numéro de marché)"), "numero_marche"),
    "BT-13": (_("référence de la commande (numéro d’engagement)"), "numero_engagement"),
    "BT-14": (_("référence de la commande client"), ""),
    "BT-15": (_("référence de l’avis de réception"), ""),
    "BT-16": (_("référence de l’avis d’expédition"), ""),
    "BT-17": (_("référence de l’appel d’offres ou du lot"), ""),
    "BT-18": (_("identifiant d’objet facturé"), ""),
    "BT-19": (_("référence comptable de l’acheteur"), ""),
    "BT-20": (_("conditions de paiement"), ""),
    "BT-21": (_("code du sujet de la note"), "commentaire"),
    "BT-22": (_("note de la facture"), "commentaire"),
    "BT-23": (_("type de processus métier (cadre de facturation)"), ""),
    "BT-24": (_("identifiant de spécification (profil)"), ""),
    "BT-25": (_("référence de la facture antérieure"), "numero_facture_origine"),
    "BT-26": (_("date de la facture antérieure"), ""),
    "BT-27": (_("nom du vendeur"), "fournisseur"),
    "BT-28": (_("nom commercial du vendeur"), ""),
    "BT-29": (_("identifiant du vendeur"), "fournisseur"),
    "BT-30": (_("identifiant légal du vendeur (SIRET)"), "fournisseur"),
    "BT-31": (_("numéro de TVA du vendeur"), "fournisseur"),
    "BT-32": (_("identifiant fiscal du vendeur"), ""),
    "BT-33": (_("informations juridiques complémentaires du vendeur"), ""),
    "BT-34": (_("adresse électronique du vendeur"), ""),
    "BT-40": (_("code pays du vendeur"), ""),
    "BT-44": (_("nom de l’acheteur"), "destinataire"),
    "BT-45": (_("nom commercial de l’acheteur"), ""),
    "BT-46": (_("identifiant de l’acheteur"), "destinataire"),
    "BT-47": (_("identifiant légal de l’acheteur (SIRET)"), "destinataire"),
    "BT-48": (_("numéro de TVA de l’acheteur"), "destinataire"),
    "BT-49": (_("adresse électronique de l’acheteur"), ""),
    "BT-55": (_("code pays de l’acheteur"), ""),
    "BT-59": (_("nom du bénéficiaire"), ""),
    "BT-60": (_("identifiant du bénéficiaire"), ""),
    "BT-61": (_("identifiant légal du bénéficiaire"), ""),
    "BT-62": (_("nom du représentant fiscal du vendeur"), ""),
    "BT-63": (_("numéro de TVA du représentant fiscal"), ""),
    "BT-69": (_("code pays du représentant fiscal"), ""),
    "BT-71": (_("identifiant du lieu de livraison"), ""),
    "BT-72": (_("date de livraison effective"), ""),
    "BT-73": (_("date de début de la période de facturation"), ""),
    "BT-74": (_("date de fin de la période de facturation"), ""),
    "BT-80": (_("code pays de livraison"), ""),
    "BT-81": (_("code du moyen de paiement"), "mode_paiement"),
    "BT-82": (_("libellé du moyen de paiement"), "mode_paiement"),
    "BT-83": (_("avis de paiement"), ""),
    "BT-84": (_("identifiant du compte de paiement (IBAN)"), "coordonnee_bancaire"),
    "BT-85": (_("nom du compte de paiement"), "coordonnee_bancaire"),
    "BT-86": (_("identifiant du prestataire de paiement (BIC)"), "coordonnee_bancaire"),
    "BT-87": (_("numéro de carte de paiement"), ""),
    "BT-89": (_("identifiant du mandat de prélèvement"), ""),
    "BT-92": (_("montant de la remise globale"), "montant_remise_globale_ttc"),
    "BT-93": (_("base de la remise globale"), "montant_remise_globale_ttc"),
    "BT-95": (_("catégorie de TVA de la remise globale"), ""),
    "BT-96": (_("taux de TVA de la remise globale"), ""),
    "BT-97": (_("motif de la remise globale"), "motif_remise_globale"),
    "BT-98": (_("code du motif de la remise globale"), "motif_remise_globale"),
    "BT-99": (_("montant des frais globaux"), ""),
    "BT-100": (_("base des frais globaux"), ""),
    "BT-102": (_("catégorie de TVA des frais globaux"), ""),
    "BT-103": (_("taux de TVA des frais globaux"), ""),
    "BT-104": (_("motif des frais globaux"), ""),
    "BT-105": (_("code du motif des frais globaux"), ""),
    "BT-106": (_("somme des montants nets des lignes"), "montant_ht"),
    "BT-107": (_("somme des remises globales"), "montant_remise_globale_ttc"),
    "BT-108": (_("somme des frais globaux"), ""),
    "BT-109": (_("montant total HT"), "montant_ht"),
    "BT-110": (_("montant total de la TVA"), "montant_tva"),
    "BT-111": (_("montant de la TVA en devise de comptabilisation"), ""),
    "BT-112": (_("montant total TTC"), "montant_ttc"),
    "BT-113": (_("montant déjà payé"), "montant_a_payer"),
    "BT-114": (_("montant d’arrondi"), "montant_a_payer"),
    "BT-115": (_("montant à payer"), "montant_a_payer"),
    "BT-116": (_("base d’imposition de la catégorie de TVA"), "lignes_tva.base_ht"),
    "BT-117": (_("montant de TVA de la catégorie"), "lignes_tva.montant_tva"),
    "BT-118": (_("code de catégorie de TVA"), "lignes_tva.categorie_tva"),
    "BT-119": (_("taux de la catégorie de TVA"), "lignes_tva.taux"),
    "BT-120": (_("motif d’exonération de TVA"), "motif_exoneration"),
    "BT-121": (_("code du motif d’exonération de TVA"), "motif_exoneration"),
    "BT-122": (_("référence du document joint"), ""),
    "BT-123": (_("description du document joint"), ""),
    "BT-126": (_("identifiant de la ligne"), "lignes.numero"),
    "BT-127": (_("note de la ligne"), ""),
    "BT-128": (_("identifiant d’objet facturé de la ligne"), ""),
    "BT-129": (_("quantité facturée"), "lignes.quantite"),
    "BT-130": (_("unité de mesure"), "lignes.unite"),
    "BT-131": (_("montant net de la ligne"), "lignes.montant_ht"),
    "BT-134": (_("date de début de période de la ligne"), ""),
    "BT-135": (_("date de fin de période de la ligne"), ""),
    "BT-136": (_("montant de la remise de la ligne"), "lignes.remise_ht"),
    "BT-137": (_("base de la remise de la ligne"), "lignes.remise_ht"),
    "BT-139": (_("motif de la remise de la ligne"), "lignes.remise_ht"),
    "BT-140": (_("code du motif de la remise de la ligne"), "lignes.remise_ht"),
    "BT-141": (_("montant des frais de la ligne"), ""),
    "BT-144": (_("motif des frais de la ligne"), ""),
    "BT-145": (_("code du motif des frais de la ligne"), ""),
    "BT-146": (_("prix unitaire net"), "lignes.prix_unitaire_ht"),
    "BT-147": (_("rabais sur le prix unitaire"), "lignes.prix_unitaire_ht"),
    "BT-148": (_("prix unitaire brut"), "lignes.prix_unitaire_ht"),
    "BT-149": (_("quantité de base du prix"), "lignes.quantite"),
    "BT-151": (_("catégorie de TVA de la ligne"), "lignes.categorie_tva"),
    "BT-152": (_("taux de TVA de la ligne"), "lignes.taux_tva"),
    "BT-153": (_("désignation de l’article"), "lignes.designation"),
    "BT-155": (_("référence vendeur de l’article"), "lignes.reference"),
    "BT-157": (_("identifiant normalisé de l’article"), ""),
    "BT-158": (_("classification de l’article"), ""),
    "BT-160": (_("nom de l’attribut de l’article"), ""),
    "BT-161": (_("valeur de l’attribut de l’article"), ""),
    "BG-1": (_("notes de la facture"), "commentaire"),
    "BG-3": (_("référence à une facture antérieure"), "numero_facture_origine"),
    "BG-4": (_("vendeur"), "fournisseur"),
    "BG-5": (_("adresse du vendeur"), ""),
    "BG-7": (_("acheteur"), "destinataire"),
    "BG-8": (_("adresse de l’acheteur"), ""),
    "BG-10": (_("bénéficiaire"), ""),
    "BG-11": (_("représentant fiscal du vendeur"), ""),
    "BG-14": (_("période de facturation"), ""),
    "BG-15": (_("adresse de livraison"), ""),
    "BG-16": (_("instructions de paiement"), "mode_paiement"),
    "BG-17": (_("virement"), "coordonnee_bancaire"),
    "BG-20": (_("remise globale"), "montant_remise_globale_ttc"),
    "BG-21": (_("frais globaux"), ""),
    "BG-22": (_("totaux de la facture"), "montant_ttc"),
    "BG-23": (_("récapitulatif de TVA"), "lignes_tva"),
    "BG-24": (_("documents joints"), ""),
    "BG-25": (_("lignes de la facture"), "lignes"),
    "BG-26": (_("période de la ligne"), ""),
    "BG-27": (_("remise de la ligne"), "lignes.remise_ht"),
    "BG-28": (_("frais de la ligne"), ""),
    "BG-32": (_("attributs de l’article"), ""),
}

_TERME = re.compile(r"\b(B[TG]-\d+)\b")


def nom(terme: str) -> str:
    """The French name of a term ("montant total HT"), or the term itself if unknown."""
    connu = TERMES.get(terme)
    return str(connu[0]) if connu else terme


def champ(terme: str) -> str:
    connu = TERMES.get(terme)
    return connu[1] if connu else ""


def premier_terme(texte: str) -> str:
    """The first BT-/BG- term a text mentions ("BR-FR-10_BT-30" -> "BT-30"), or ""."""
    trouve = _TERME.search(texte or "")
    return trouve.group(1) if trouve else ""
