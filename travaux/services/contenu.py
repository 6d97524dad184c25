"""What a works piece says: read from its file, or typed — the Factures émises pipeline.

- a **structured file** (Factur-X, UBL, CII) goes through factures' detect → read →
  validate → pre-fill steps (`factures.services.depot`): it is the piece. Its number, date,
  amounts, lines and VAT breakdown come from it and cannot be retyped; its seller (BT-30) must
  be the piece's supplier when the supplier deposits it. Its checks (XSD, EN 16931, French
  rules) then run in the same Celery task as any invoice's (`factures.tasks.controler_facture`)
  and their findings keep it from being sent when one is blocking;
- a **plain PDF** fills what its text reveals wherever the user left a field blank;
- **saisie**: typed lines (designation, quantity, unit price, VAT rate) whose totals and VAT
  breakdown are computed server-side (`factures.montants` through `factures.services.saisie`),
  or typed totals when there are no lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from chorus import documents
from factures.enums import EtatControle, ModeDepot
from factures.formats.controles import FORMATS_STRUCTURES
from factures.formats.donnees import FactureLue
from factures.models import Facture, LigneFacture, LigneTva
from factures.services import depot as depot_factures
from factures.services import routage, saisie
from structures.models import Structure

# What a structured file says of the piece (the rest is the dossier's).
CHAMPS_DU_FICHIER = [
    "numero",
    "date_facture",
    "date_echeance",
    "devise",
    "type_tva",
    "montant_ht",
    "montant_tva",
    "montant_ttc",
    "montant_a_payer",
]
# What a plain PDF's text may fill when the user left it blank.
CHAMPS_DU_PDF = ["numero", "date_facture", "montant_ht", "montant_tva", "numero_engagement"]
CHAMPS_SAISIS = ["numero", "date_facture", "montant_ht", "montant_tva", "numero_engagement"]


@dataclass
class Contenu:
    """The piece's fields, and the lines to write once it is saved."""

    champs: dict
    format_depot: str = ""
    mode_depot: str = ModeDepot.SAISIE_PORTAIL
    lignes_lues: list[LigneFacture] = field(default_factory=list)
    tva_lue: list[LigneTva] = field(default_factory=list)
    lignes_saisies: list[dict] | None = None
    totaux: object | None = None

    @property
    def structure(self) -> bool:
        return self.format_depot in FORMATS_STRUCTURES


@dataclass
class Lecture:
    format_depot: str
    brouillon: depot_factures.Brouillon

    @property
    def structuree(self) -> bool:
        return self.format_depot in FORMATS_STRUCTURES


def _lire(detection, data: bytes) -> FactureLue:
    """What the file says; a scanned PDF says nothing (the user types the piece's data), as
    a works piece is often a signed, scanned décompte."""
    try:
        return depot_factures.lire(detection, data)
    except documents.DocumentRefuse as refus:
        if detection.format in FORMATS_STRUCTURES or refus.code != "pdf_sans_texte":
            raise
        return FactureLue(format=detection.format)


def lire_fichier(fichier: UploadedFile, *, fournisseur: Structure, verifier_vendeur: bool):
    """Detect, read, validate and pre-fill (factures' steps); ValidationError on `fichier`."""
    try:
        data = depot_factures.lire_l_envoi(fichier)
        detection = depot_factures.detecter(data, fichier.name or "")
        lue = _lire(detection, data)
    except documents.DocumentRefuse as refus:
        raise ValidationError({"fichier": refus.messages}, code="refuse") from refus
    depot_factures.valider(detection, lue)
    if detection.format in FORMATS_STRUCTURES and verifier_vendeur:
        _vendeur, manques = routage.verifier_vendeur(
            lue, Structure.objects.filter(pk=fournisseur.pk)
        )
        if manques:
            raise ValidationError({"fichier": [m.texte() for m in manques]}, code="vendeur")
    return Lecture(detection.format, depot_factures.pre_remplir(lue, fournisseur=fournisseur))


def _mode(format_depot: str) -> str:
    return depot_factures.MODE_PAR_FORMAT.get(format_depot, ModeDepot.DEPOT_PDF_PORTAIL)


def _du_fichier(lecture: Lecture, donnees: dict) -> Contenu:
    lus = lecture.brouillon.champs
    champs = {c: lus[c] for c in CHAMPS_DU_FICHIER}
    champs["numero_engagement"] = (donnees.get("numero_engagement") or "").strip() or lus[
        "numero_engagement"
    ]
    champs["commentaire"] = donnees.get("commentaire") or lus["commentaire"]
    return Contenu(
        champs=champs,
        format_depot=lecture.format_depot,
        mode_depot=_mode(lecture.format_depot),
        lignes_lues=lecture.brouillon.lignes,
        tva_lue=lecture.brouillon.tva,
    )


def _totaux_des_lignes(cadre: str, lignes: list[dict]):
    apercu = Facture(cadre=cadre, mode_depot=ModeDepot.SAISIE_PORTAIL)
    return saisie.calculer_totaux(apercu, lignes, {})


def _exiger(champs: dict, *, avec_fichier: bool) -> None:
    """Number, date and amount HT (typed, read or computed); no VAT amount is 0 (the
    sub-contractors' reverse charge)."""
    erreurs = {}
    if not champs.get("numero"):
        erreurs["numero"] = (
            _("Saisissez le numéro de la pièce (le fichier ne l'indique pas).")
            if avec_fichier
            else _("Saisissez le numéro de la pièce.")
        )
    if not champs.get("date_facture"):
        erreurs["date_facture"] = (
            _("Saisissez la date de la pièce (le fichier ne l'indique pas).")
            if avec_fichier
            else _("Saisissez la date de la pièce.")
        )
    if champs.get("montant_ht") is None:
        erreurs["montant_ht"] = _("Saisissez le montant HT, ou les lignes de la pièce.")
    if erreurs:
        raise ValidationError(erreurs)


def contenu_de(
    donnees: dict,
    *,
    cadre: str,
    fournisseur: Structure,
    fichier: UploadedFile | None = None,
    lignes: list[dict] | None = None,
    verifier_vendeur: bool = True,
) -> Contenu:
    """What the piece says, from its file, its typed lines or its typed totals."""
    lecture = (
        lire_fichier(fichier, fournisseur=fournisseur, verifier_vendeur=verifier_vendeur)
        if fichier is not None
        else None
    )
    if lecture is not None and lecture.structuree:
        contenu = _du_fichier(lecture, donnees)
        _exiger(contenu.champs, avec_fichier=True)
        return contenu
    champs = {c: donnees.get(c) for c in CHAMPS_SAISIS}
    champs["commentaire"] = donnees.get("commentaire") or ""
    contenu = Contenu(champs=champs)
    if lecture is not None:  # a plain PDF: its text fills what was left blank
        contenu.format_depot, contenu.mode_depot = lecture.format_depot, _mode(lecture.format_depot)
        for nom in CHAMPS_DU_PDF:
            if champs.get(nom) in (None, "") and lecture.brouillon.champs.get(nom):
                champs[nom] = lecture.brouillon.champs[nom]
    if lignes:
        totaux = _totaux_des_lignes(cadre, lignes)
        champs.update(montant_ht=totaux.montant_ht, montant_tva=totaux.montant_tva)
        contenu.lignes_saisies, contenu.totaux = lignes, totaux
    _exiger(champs, avec_fichier=lecture is not None)
    return contenu


def appliquer(piece: Facture, contenu: Contenu) -> None:
    """Sets the file's kind on the (unsaved) piece; `ecrire` writes its lines once saved."""
    if contenu.format_depot:
        piece.format_depot = contenu.format_depot
        piece.mode_depot = contenu.mode_depot
    elif not piece.document_original_id:
        piece.mode_depot = ModeDepot.SAISIE_PORTAIL
    if contenu.structure:
        piece.etat_controle = EtatControle.EN_COURS
    elif piece.format_depot not in FORMATS_STRUCTURES:
        piece.etat_controle = EtatControle.SANS_OBJET


def ecrire(piece: Facture, contenu: Contenu, *, remplacer: bool) -> None:
    """The piece's lines and VAT breakdown; for a structured file, its checks once committed.
    What the piece said before (`remplacer`: a draft changed) goes, its findings with it."""
    if remplacer:
        piece.lignes.all().delete()
        piece.lignes_tva.all().delete()
        piece.anomalies.all().delete()
    if contenu.structure:
        for ligne in (*contenu.lignes_lues, *contenu.tva_lue):
            ligne.facture = piece
        LigneFacture.objects.bulk_create(contenu.lignes_lues, batch_size=1000)
        LigneTva.objects.bulk_create(contenu.tva_lue)
        from factures import tasks  # tasks import the services

        piece_id = piece.pk
        transaction.on_commit(lambda: tasks.controler_facture.delay(piece_id))
    elif contenu.lignes_saisies:
        saisie.lignes_ecrire(piece, contenu.lignes_saisies, contenu.totaux)
