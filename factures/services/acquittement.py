"""The supplier acknowledges the invoices its recipients sent back (domain §6.1).

When a recipient suspends or rejects an invoice (`traitement.facture_traiter`), a `Retour`
is written. At sign-in, a dialog lists the supplier's returns not acknowledged yet ("Acquitter
les factures sélectionnées", "Tout acquitter et fermer"); it may be closed for later, except
when a return is 7 days old or more: then it stays until acknowledged. "Traiter le rejet"
takes a rejected invoice off the supplier's to-do list. Who did each, and when, is kept on the
`Retour` row (its log).

Who, in words: the users holding *Factures émises – modification* on the invoice (its
supplier structure, or the supplier service it was deposited for).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.workflow import TransitionRefusee
from factures.enums import StatutFacture as S
from factures.models import Facture, Retour
from habilitations.enums import Application, Niveau

DELAI_ACQUITTEMENT = timedelta(days=7)


class RetourDejaTraite(TransitionRefusee):
    code = "retour_deja_traite"


def _factures_du_fournisseur(user) -> QuerySet:
    return Facture.objects.visible_to(user, Application.FACTURES_EMISES, Niveau.MODIFICATION)


def retours_du_fournisseur(user) -> QuerySet:
    """Every return of the invoices `user` may act on as supplier."""
    return Retour.objects.filter(facture__in=_factures_du_fournisseur(user))


def retours_a_acquitter(user) -> QuerySet:
    """The returns the dialog lists: not acknowledged, invoice still suspended or rejected;
    oldest first."""
    return (
        retours_du_fournisseur(user)
        .a_acquitter()
        .select_related("facture__destinataire", "historique")
        .order_by("cree_le", "pk")
    )


def obligatoire_a_partir_de(retours: Iterable[Retour]):
    """When acknowledging these returns becomes mandatory (the oldest's 7th day), or None."""
    dates = [retour.cree_le for retour in retours]
    return min(dates) + DELAI_ACQUITTEMENT if dates else None


def acquittement_obligatoire(retours: Iterable[Retour], maintenant=None) -> bool:
    """Acknowledging is mandatory once one of the returns is 7 days old."""
    limite = (maintenant or timezone.now()) - DELAI_ACQUITTEMENT
    return any(retour.cree_le <= limite for retour in retours)


@transaction.atomic
def retours_acquitter(*, acting_user, retours: Iterable[int] | None = None) -> int:
    """Acknowledges the given returns (ids), or all of the user's when None; returns how many
    were acknowledged now (one acknowledged meanwhile by a colleague is not counted)."""
    a_acquitter = retours_du_fournisseur(acting_user).filter(acquitte_le__isnull=True)
    if retours is not None:
        a_acquitter = a_acquitter.filter(pk__in=list(retours))
    return Retour.objects.filter(pk__in=a_acquitter.values("pk"), acquitte_le__isnull=True).update(
        acquitte_le=timezone.now(), acquitte_par=acting_user
    )


def rejets_a_traiter(user) -> QuerySet:
    """Rejected invoices the supplier has not processed yet ("Traiter le rejet"): they stay on
    his to-do list until then."""
    return retours_du_fournisseur(user).filter(
        statut=S.REJETEE, traite_le__isnull=True, facture__statut=S.REJETEE
    )


@transaction.atomic
def rejet_traiter(*, acting_user, retour: Retour) -> Retour:
    """Processes a rejection: it leaves the to-do list (acknowledged too, if it was not)."""
    retour = Retour.objects.select_for_update().get(pk=retour.pk)
    if retour.statut != S.REJETEE:
        raise RetourDejaTraite(_("Seul un rejet peut être traité ainsi."))
    if retour.traite_le is not None:
        raise RetourDejaTraite(
            _("Ce rejet a déjà été traité le %(date)s.")
            % {"date": timezone.localtime(retour.traite_le).strftime("%d/%m/%Y %H:%M")}
        )
    maintenant = timezone.now()
    retour.traite_le = maintenant
    retour.traite_par = acting_user
    champs = ["traite_le", "traite_par"]
    if retour.acquitte_le is None:
        retour.acquitte_le = maintenant
        retour.acquitte_par = acting_user
        champs += ["acquitte_le", "acquitte_par"]
    retour.save(update_fields=champs)
    return retour
