"""Rendering an invoice's files and storing them (documents core): the Factur-X of a typed
invoice or the readable PDF of a deposited XML invoice (`document_rendu`), and the certificat
de dépôt (`document_certificat`).

Both run in Celery (`factures.tasks`), never in a request: `facture_planifier_rendu` enqueues
them once the deposit is committed. Both are idempotent: a file already attached is returned
as it is, never rendered again. The rendering itself runs outside any transaction (it may take
seconds); the result is then attached under a row lock only if the field is still empty, so
that two workers racing on one invoice attach one file, and the loser's file is deleted.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus import documents
from chorus.models import Document
from factures.enums import FormatFacture, ModeDepot, StatutFacture
from factures.models import Facture, LigneFacture
from factures.rendu import RenduImpossible, certificat
from factures.rendu import facturx as rendu_facturx

logger = logging.getLogger(__name__)

PDF = "application/pdf"
MODES_SAISIE = frozenset({ModeDepot.SAISIE_PORTAIL, ModeDepot.SAISIE_API})
MODES_FICHIER_STRUCTURE = frozenset({ModeDepot.UPLOAD_PORTAIL, ModeDepot.UPLOAD_API})
FORMATS_XML = frozenset({FormatFacture.UBL, FormatFacture.CII})
NON_DEPOSEES = frozenset({StatutFacture.BROUILLON, StatutFacture.SUPPRIMEE})

# What needs a rendering: typed invoices (Factur-X) and deposited XML invoices (readable PDF).
A_RENDRE = Q(mode_depot__in=MODES_SAISIE) | Q(
    mode_depot__in=MODES_FICHIER_STRUCTURE, format_depot__in=FORMATS_XML
)


def rendu_attendu(facture: Facture) -> str | None:
    """ "facturx", "lisible", or None when the deposited file is readable as it is (a PDF, a
    Factur-X)."""
    if facture.mode_depot in MODES_SAISIE:
        return "facturx"
    if facture.mode_depot in MODES_FICHIER_STRUCTURE and facture.format_depot in FORMATS_XML:
        return "lisible"
    return None


def _charger(facture_id: int) -> Facture:
    """The invoice with all a rendering reads, in a fixed number of queries."""
    return (
        Facture.objects.select_related(
            "fournisseur",
            "destinataire",
            "service_destinataire",
            "coordonnee_bancaire",
            "document_original",
            "document_rendu",
        )
        .prefetch_related(
            Prefetch("lignes", queryset=LigneFacture.objects.order_by("ordre", "id")),
            "lignes_tva",
        )
        .get(pk=facture_id)
    )


def _nom_de_fichier(facture: Facture, suffixe: str) -> str:
    numero = "".join(c if c.isalnum() or c in "-_+" else "-" for c in facture.numero)
    return f"{numero or facture.pk}_{suffixe}.pdf"


def _attacher(facture: Facture, champ: str, document: Document) -> Document:
    """Attaches `document` to the empty field `champ`; if another worker was first, keeps
    theirs and deletes ours."""
    with transaction.atomic():
        actuel = (
            Facture.objects.select_for_update()
            .values_list(f"{champ}_id", flat=True)
            .get(pk=facture.pk)
        )
        if actuel is None:
            # update(): no save() side effects, `modifiee_le` stays the user's last change.
            Facture.objects.filter(pk=facture.pk).update(**{champ: document})
            gagnant = document
        else:
            documents.supprimer(document)
            gagnant = Document.objects.get(pk=actuel)
    setattr(facture, champ, gagnant)
    return gagnant


def _verifier_deposee(facture: Facture, message: str) -> None:
    if facture.statut in NON_DEPOSEES or facture.deposee_le is None:
        raise RenduImpossible(message)


def facture_rendre(*, facture: Facture) -> Document | None:
    """The Factur-X of a typed invoice, or the readable PDF of a deposited UBL / CII invoice,
    rendered and stored once in `document_rendu`; None when the invoice needs none.

    Raises `RenduImpossible` for a draft (it may still change) or an invoice whose figures
    contradict each other."""
    if facture.document_rendu_id is not None:
        return facture.document_rendu
    genre = rendu_attendu(facture)
    if genre is None:
        return None
    _verifier_deposee(facture, _("Une facture n'est rendue qu'une fois déposée."))
    complete = _charger(facture.pk)
    if complete.document_rendu_id is not None:
        facture.document_rendu = complete.document_rendu
        return complete.document_rendu
    lignes = list(complete.lignes.all())
    lignes_tva = list(complete.lignes_tva.all())
    if genre == "facturx":
        contenu = rendu_facturx.facturx(complete, lignes, lignes_tva)
        nom = _nom_de_fichier(complete, "facturx")
    else:
        contenu = rendu_facturx.lisible(complete, lignes, lignes_tva)
        nom = _nom_de_fichier(complete, "lisible")
    document = documents.enregistrer_contenu(contenu, nom=nom, type_mime=PDF)
    logger.info("invoice %s rendered (%s, %s bytes)", facture.pk, genre, len(contenu))
    return _attacher(facture, "document_rendu", document)


def facture_etablir_certificat(*, facture: Facture) -> Document:
    """The certificat de dépôt, rendered and stored once in `document_certificat`. Its
    fingerprint is the deposited file's, or the Factur-X's for a typed invoice (rendered
    first if need be). Raises `RenduImpossible` for an invoice not deposited."""
    if facture.document_certificat_id is not None:
        return facture.document_certificat
    _verifier_deposee(
        facture, _("Le certificat de dépôt n'est établi qu'une fois la facture déposée.")
    )
    complete = _charger(facture.pk)
    if complete.document_original_id is not None:
        fichier = complete.document_original
    else:
        fichier = facture_rendre(facture=complete)
        if fichier is None:
            raise RenduImpossible(_("La facture n'a aucun fichier dont attester le dépôt."))
    contenu = certificat.pdf(complete, fichier=fichier, etabli_le=timezone.now())
    document = documents.enregistrer_contenu(
        contenu, nom=_nom_de_fichier(complete, "certificat_depot"), type_mime=PDF
    )
    logger.info("invoice %s: certificat de dépôt %s", facture.pk, certificat.reference(complete))
    return _attacher(facture, "document_certificat", document)


def facture_planifier_rendu(*, facture: Facture) -> None:
    """Enqueues the rendering and the certificate of a deposited invoice, in one message,
    once the current transaction commits (call it from the deposit's service)."""
    from factures import tasks  # tasks import this module

    facture_id = facture.pk
    transaction.on_commit(lambda: tasks.rendre_et_certifier.delay(facture_id))


def factures_en_attente_de_rendu(*, depuis, jusqu_a):
    """Deposited invoices, deposited between `depuis` and `jusqu_a`, that still lack their
    certificate or their rendering (a task lost with its worker, a broker down at commit)."""
    return (
        Facture.objects.exclude(statut__in=NON_DEPOSEES)
        .filter(deposee_le__gte=depuis, deposee_le__lt=jusqu_a)
        .filter(Q(document_certificat__isnull=True) | (A_RENDRE & Q(document_rendu__isnull=True)))
    )
