"""What the requester's pages, the desk and the public follow-up share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse

from sollicitations.enums import ActionSollicitation, RoleSollicitation, StatutSollicitation

PAR_PAGE = 20

# DSFR badge of each status.
BADGES = {
    StatutSollicitation.BROUILLON: "info",
    StatutSollicitation.ENVOYEE: "new",
    StatutSollicitation.EN_COURS: "info",
    StatutSollicitation.EN_ATTENTE_COMPLEMENT: "warning",
    StatutSollicitation.REPONDUE: "success",
    StatutSollicitation.CLOTUREE: "success",
    StatutSollicitation.RENVOYEE: "error",
    StatutSollicitation.SUPPRIMEE: "info",
}


def page_de(request, queryset):
    return Paginator(queryset, PAR_PAGE).get_page(request.GET.get("page"))


def habiller(sollicitations) -> list:
    """Adds the DSFR badge of each request's status."""
    sollicitations = list(sollicitations)
    for s in sollicitations:
        s.badge = BADGES.get(s.statut, "info")
    return sollicitations


def erreurs_dans(form, erreur: ValidationError) -> None:
    """Puts a service's errors on the form's fields (or on the form when not keyed)."""
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


def libelle(enum, code) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


def historique_lisible(sollicitation, *, pour_le_desk: bool) -> list:
    """The status history with labels; the requester never reads the desk's internal motifs
    (a transfer's reason, who was assigned)."""
    lignes = list(sollicitation.historique.select_related("acteur").order_by("date", "id"))
    for ligne in lignes:
        ligne.action_libelle = libelle(ActionSollicitation, ligne.action)
        ligne.statut_libelle = libelle(StatutSollicitation, ligne.statut_apres)
        ligne.par_lien = ligne.acteur_id is None and ligne.role == RoleSollicitation.DEMANDEUR
        if not pour_le_desk and ligne.action in (
            ActionSollicitation.TRANSFERER_AU_SUPPORT,
            ActionSollicitation.ASSIGNER,
            ActionSollicitation.DEMANDER_COMPLEMENT,
        ):
            ligne.motif = ""
    return lignes


def conversation(sollicitation, *, pour_le_desk: bool) -> list:
    """The messages, each with its files; internal notes for the desk only."""
    messages = sollicitation.messages.select_related("auteur").prefetch_related(
        "pieces_jointes__document"
    )
    if not pour_le_desk:
        messages = messages.pour_le_demandeur()
    return list(messages)


def pieces_du_depot(sollicitation) -> list:
    """The files filed with the request itself (not with a message)."""
    return list(
        sollicitation.pieces_jointes.filter(message__isnull=True).select_related("document")
    )


def diffuser(document, *, inline: bool = False) -> FileResponse:
    """Streams a document to someone who holds the signed link of a request (he has no
    account, so the documents core's helper, which requires one, does not apply). The caller
    has checked the link and that the file belongs to that request."""
    reponse = FileResponse(
        document.fichier.open("rb"),
        as_attachment=not inline,
        filename=document.nom,
        content_type=document.type_mime,
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "sandbox"
    reponse["Cache-Control"] = "private, no-store"
    return reponse
