"""Deposit of an invoice file: a pipeline of small steps, each testable alone (domain §5).

    lire_l_envoi → detecter → lire → valider → pre_remplir → router → stocker

- `lire_l_envoi`: the uploaded bytes, size-limited (documents core);
- `detecter`: the format from the content (factures.formats: PDF, signed PDF, Factur-X, UBL,
  CII), refusing hostile or broken files;
- `lire`: what the file says (`FactureLue`): every field and line of a structured file, what
  the text of a PDF reveals;
- `valider`: what the database cannot hold is refused now (more than 10,000 lines, amounts
  beyond 15 digits) rather than stored half;
- `pre_remplir`: the draft's fields, lines and VAT breakdown from what was read;
- `router`: for a structured file, its supplier (BT-30, one of the depositor's structures),
  its recipient (BT-47, the directory), service (BT-10), engagement (BT-13) and the
  recipient's parameters: any problem refuses the deposit, naming the business term (see
  `factures.services.routage`); a PDF's recipient is only a suggestion;
- `stocker`: the file (and its XAdES signature) through the documents core, the draft with its
  lines, in one transaction; a failure removes the stored files.

A structured file is then checked in a Celery task (XSD, EN 16931 and French rules, business
rules: `factures.services.controle`), its draft showing "checks in progress" until then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from chorus import documents
from chorus.copie import copier_instances
from factures.enums import (
    CADRES_ORDINAIRES,
    Cadre,
    CategorieTva,
    EtatControle,
    FormatFacture,
    ModeDepot,
    ModePaiement,
    TypeFacture,
    TypeTva,
)
from factures.formats.controles import FORMATS_STRUCTURES, lire_detection, nombre_de_lignes
from factures.formats.detection import Detection
from factures.formats.detection import detecter as detecter_le_format
from factures.formats.donnees import FactureLue
from factures.models import Facture, LigneFacture, LigneTva
from factures.montants import MONTANT_MAX
from factures.services import routage, verifications
from factures.services.fichiers import nettoyer_si_echec
from factures.services.saisie import exiger_fournisseur
from habilitations import acces
from habilitations.enums import Application, Niveau
from structures.enums import StatutCoordonnee, StatutService, StatutStructure
from structures.models import Structure

# What may be deposited: a PDF (plain or signed) or an XML invoice; the XAdES signature is XML.
TYPES_FACTURE = frozenset({"pdf", "xml"})
TYPES_SIGNATURE = frozenset({"xml"})
MODE_PAR_FORMAT = {
    FormatFacture.PDF: ModeDepot.DEPOT_PDF_PORTAIL,
    FormatFacture.PDF_SIGNE_PADES: ModeDepot.DEPOT_PDF_SIGNE_PORTAIL,
    FormatFacture.PDF_SIGNE_XADES: ModeDepot.DEPOT_PDF_SIGNE_PORTAIL,
    FormatFacture.FACTURX: ModeDepot.UPLOAD_PORTAIL,
    FormatFacture.UBL: ModeDepot.UPLOAD_PORTAIL,
    FormatFacture.CII: ModeDepot.UPLOAD_PORTAIL,
}
# Bounds of the columns (models.MONTANT, QUANTITE, PRIX_UNITAIRE, TAUX).
_BORNES = {
    "montant": MONTANT_MAX,
    "quantite": Decimal("999999999999999.9999"),
    "prix": Decimal("9999999999999.999999"),
    "taux": Decimal("999.99"),
}


def _refus(message: str, code: str) -> ValidationError:
    return ValidationError({"fichier": [message]}, code=code)


# --- The steps ---------------------------------------------------------------------------


def lire_l_envoi(fichier: UploadedFile) -> bytes:
    """The uploaded bytes (≤ DOCUMENT_TAILLE_MAX, not empty); the file is rewound for storage."""
    data, _empreinte = documents.lire(fichier)
    fichier.seek(0)
    return data


def detecter(data: bytes, nom: str, signature: bytes | None = None) -> Detection:
    """The format, from the content (raises DocumentRefuse with the reason)."""
    return detecter_le_format(data, nom, signature=signature)


def lire(detection: Detection, data: bytes) -> FactureLue:
    return lire_detection(detection, data)


def _depasse(valeur, borne: str) -> bool:
    return valeur is not None and abs(valeur) > _BORNES[borne]


def valider(detection: Detection, lue: FactureLue) -> None:
    """Refuses what no draft could hold: more than 10,000 lines, numbers beyond the columns."""
    if detection.format in FORMATS_STRUCTURES:
        nombre = nombre_de_lignes(detection)
        if nombre > verifications.LIGNES_MAX:
            raise _refus(
                _("Le fichier compte %(n)s lignes : une facture en compte 10 000 au plus (BG-25).")
                % {"n": nombre},
                "trop_de_lignes",
            )
    montants = [
        lue.montant_ht,
        lue.montant_tva,
        lue.montant_ttc,
        lue.montant_a_payer,
        *(t.base_ht for t in lue.tva),
        *(t.montant_tva for t in lue.tva),
        *(ligne.montant_ht for ligne in lue.lignes),
        *(ligne.remise_ht for ligne in lue.lignes),
    ]
    absurdes = (
        any(_depasse(m, "montant") for m in montants)
        or any(_depasse(ligne.quantite, "quantite") for ligne in lue.lignes)
        or any(_depasse(ligne.prix_unitaire_ht, "prix") for ligne in lue.lignes)
        or any(
            _depasse(t, "taux")
            for t in (*(lg.taux_tva for lg in lue.lignes), *(t.taux for t in lue.tva))
        )
    )
    if absurdes:
        raise _refus(
            _(
                "Le fichier contient un montant, une quantité ou un taux hors des limites du "
                "portail (15 chiffres dont 2 décimales pour un montant) : vérifiez-le."
            ),
            "montant_absurde",
        )


@dataclass
class Brouillon:
    """What a deposit writes: the draft's fields, its lines and VAT breakdown."""

    champs: dict
    lignes: list[LigneFacture]
    tva: list[LigneTva]


def _texte(valeur: str, longueur: int) -> str:
    return (valeur or "").strip()[:longueur]


def _choix(valeur: str, choix, defaut: str = "") -> str:
    return valeur if valeur in choix.values else defaut


def pre_remplir(lue: FactureLue, *, fournisseur) -> Brouillon:
    """The draft's fields from what the file says (the user completes a PDF's)."""
    zero = Decimal("0.00")
    ht, tva = lue.montant_ht, lue.montant_tva
    ttc = lue.montant_ttc if lue.montant_ttc is not None else (ht or zero) + (tva or zero)
    champs = {
        "type_facture": _choix(lue.type_facture, TypeFacture, TypeFacture.FACTURE),
        "numero": _texte(lue.numero, 20),
        "date_facture": lue.date_facture,
        "date_echeance": lue.date_echeance,
        "devise": _texte(lue.devise, 3).upper() or "EUR",
        "type_tva": _choix(lue.type_tva, TypeTva, TypeTva.TVA_SUR_DEBIT),
        "motif_exoneration": _texte(lue.motif_exoneration, 200),
        "mode_paiement": _choix(lue.mode_paiement, ModePaiement),
        "numero_marche": _texte(lue.numero_marche, 50),
        "numero_engagement": _texte(lue.numero_engagement, 50),
        "numero_facture_origine": _texte(lue.numero_facture_origine, 20),
        "commentaire": (lue.commentaire or "").strip(),
        "montant_ht": ht or zero,
        "montant_tva": tva or zero,
        "montant_ttc": ttc,
        "montant_a_payer": lue.montant_a_payer if lue.montant_a_payer is not None else ttc,
    }
    if champs["type_facture"] == TypeFacture.AVOIR:
        champs["mode_paiement"] = ""
    if lue.iban:
        # Its id only: the draft shows and checks it later.
        champs["coordonnee_bancaire_id"] = (
            fournisseur.coordonnees_bancaires.filter(
                iban__iexact=lue.iban.replace(" ", ""), statut=StatutCoordonnee.ACTIVE
            )
            .values_list("pk", flat=True)
            .first()
        )
    lignes = [
        LigneFacture(
            ordre=rang,
            numero=_texte(ligne.numero, 20) or str(rang),
            reference=_texte(ligne.reference, 100),
            designation=_texte(ligne.designation, 500) or "—",
            quantite=ligne.quantite if ligne.quantite is not None else Decimal("0"),
            unite=_texte(ligne.unite, 20),
            prix_unitaire_ht=ligne.prix_unitaire_ht
            if ligne.prix_unitaire_ht is not None
            else Decimal("0"),
            remise_ht=ligne.remise_ht or zero,
            categorie_tva=_choix(ligne.categorie_tva, CategorieTva, CategorieTva.S),
            taux_tva=ligne.taux_tva or zero,
            montant_ht=ligne.montant_ht if ligne.montant_ht is not None else zero,
        )
        for rang, ligne in enumerate(lue.lignes, start=1)
    ]
    tva_lues = [
        LigneTva(
            categorie_tva=_choix(t.categorie_tva, CategorieTva, CategorieTva.S),
            taux=t.taux or zero,
            base_ht=t.base_ht or zero,
            montant_tva=t.montant_tva or zero,
            motif_exoneration=_texte(t.motif_exoneration, 200),
        )
        for t in lue.tva
    ]
    return Brouillon(champs=champs, lignes=lignes, tva=tva_lues)


def router(
    lue: FactureLue, *, structure_choisie, structures_permises, structuree: bool, permise=None
):
    """(supplier, recipient, service) of the deposit. A structured file names them and any
    problem refuses it (ValidationError naming the terms); a PDF's are suggestions.
    `permise(structure)`: `structures_permises`'s test on a structure already read."""
    if not structuree:
        suggestion = routage.router(lue)
        destinataire = suggestion.destinataire
        if destinataire is None or destinataire.statut != StatutStructure.ACTIVE:
            return structure_choisie, None, None
        return structure_choisie, destinataire, suggestion.service
    # The seller and the buyer, looked up in one read of the directory.
    annuaire = routage.Annuaire(
        (routage.identifiants_de(lue, "fournisseur"), structures_permises),
        (routage.identifiants_de(lue, "destinataire"), Structure.objects.publiques()),
    )
    fournisseur, manques = routage.verifier_vendeur(
        lue, structures_permises, (annuaire, permise) if permise is not None else None
    )
    trajet = routage.router(lue, annuaire)
    manques += trajet.manques
    if manques:
        raise ValidationError(
            {"fichier": [m.texte() for m in manques]}, code="acheminement_impossible"
        )
    return fournisseur, trajet.destinataire, trajet.service


def verifier_doublon(fournisseur, numero: str, date_facture) -> None:
    apercu = Facture(fournisseur=fournisseur, numero=numero, date_facture=date_facture)
    existante = verifications.doublon_de(apercu)
    if existante is not None:
        raise _refus(verifications.message_doublon(existante), "doublon")


def stocker(
    *,
    acting_user,
    fichier: UploadedFile,
    signature: UploadedFile | None,
    format_: str,
    brouillon: Brouillon,
    fournisseur,
    service_fournisseur,
    destinataire,
    service_destinataire,
    cadre: str,
    stockes,
    verifie: documents.ContenuVerifie | None = None,
) -> Facture:
    """The stored files and the draft with its lines, inside the caller's transaction.
    `verifie`: the detection's checks of the file, not run again by the documents core."""
    original = stockes.ajouter(
        documents.enregistrer(
            fichier, types_autorises=TYPES_FACTURE, depose_par=acting_user, verifie=verifie
        )
    )
    document_signature = None
    if signature is not None:
        document_signature = stockes.ajouter(
            documents.enregistrer(
                signature, types_autorises=TYPES_SIGNATURE, depose_par=acting_user
            )
        )
    structuree = format_ in FORMATS_STRUCTURES
    facture = Facture.objects.create(
        fournisseur=fournisseur,
        service_fournisseur=service_fournisseur,
        destinataire=destinataire,
        service_destinataire=service_destinataire,
        cadre=cadre,
        mode_depot=MODE_PAR_FORMAT[format_],
        format_depot=format_,
        document_original=original,
        document_signature=document_signature,
        etat_controle=EtatControle.EN_COURS if structuree else EtatControle.SANS_OBJET,
        cree_par=acting_user,
        **brouillon.champs,
    )
    for ligne in brouillon.lignes:
        ligne.facture = facture
    for ligne in brouillon.tva:
        ligne.facture = facture
    copier_instances(LigneFacture, brouillon.lignes)
    copier_instances(LigneTva, brouillon.tva)
    return facture


# --- The service -------------------------------------------------------------------------


def facture_deposer(
    *,
    acting_user,
    fournisseur,
    fichier: UploadedFile,
    signature: UploadedFile | None = None,
    cadre: str = Cadre.A1_FACTURE_FOURNISSEUR,
    service_fournisseur=None,
    cadres_permis: Iterable[str] = CADRES_ORDINAIRES,
) -> Facture:
    """Deposits a file as a draft (see the module docstring). Raises ValidationError keyed
    `fichier` (or `signature`, `cadre`…) with a French message; nothing is stored then."""
    exiger_fournisseur(acting_user, fournisseur, service_fournisseur)
    if cadre not in set(cadres_permis):
        raise ValidationError({"cadre": _("Ce cadre de facturation n'est pas proposé ici.")})
    try:
        data = lire_l_envoi(fichier)
        donnees_signature = lire_l_envoi(signature) if signature is not None else None
        detection = detecter(data, fichier.name or "", donnees_signature)
        lue = lire(detection, data)
    except documents.DocumentRefuse as refus:
        raise ValidationError({"fichier": refus.messages}, code="refuse") from refus
    valider(detection, lue)
    structuree = detection.format in FORMATS_STRUCTURES
    structures_permises = acces.structures_for(
        acting_user, Application.FACTURES_EMISES, Niveau.MODIFICATION
    ).actives()
    ids_permis = acces.droits_de(acting_user).structure_ids(
        Application.FACTURES_EMISES, Niveau.MODIFICATION
    )
    fournisseur, destinataire, service = router(
        lue,
        structure_choisie=fournisseur,
        structures_permises=structures_permises,
        structuree=structuree,
        permise=lambda s: s.pk in ids_permis and s.statut == StatutStructure.ACTIVE,
    )
    if service_fournisseur is not None and service_fournisseur.structure_id != fournisseur.pk:
        service_fournisseur = None
    exiger_fournisseur(acting_user, fournisseur, service_fournisseur)
    brouillon = pre_remplir(lue, fournisseur=fournisseur)
    if structuree:
        verifier_doublon(fournisseur, brouillon.champs["numero"], brouillon.champs["date_facture"])
    if service is not None and service.statut != StatutService.ACTIF:
        service = None
    with nettoyer_si_echec() as stockes, transaction.atomic():
        try:
            facture = stocker(
                acting_user=acting_user,
                fichier=fichier,
                signature=signature,
                format_=detection.format,
                brouillon=brouillon,
                fournisseur=fournisseur,
                service_fournisseur=service_fournisseur,
                destinataire=destinataire,
                service_destinataire=service,
                cadre=cadre,
                stockes=stockes,
                verifie=detection.verifie,
            )
        except documents.DocumentRefuse as refus:
            raise ValidationError({"fichier": refus.messages}, code="refuse") from refus
        if structuree:
            from factures import tasks  # tasks import the services

            facture_id = facture.pk
            transaction.on_commit(lambda: tasks.controler_facture.delay(facture_id))
    return facture
