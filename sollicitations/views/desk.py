"""The desk: support agents, or a public entity's users, handle the requests sent to them
(under /sollicitations/desk/).

Access, in words:
- The desk exists for support agents and for users holding *Sollicitations reçues* on some
  structure (consultation reads, modification acts); anyone else gets a 404.
- A request outside the user's desk is a 404 (`Sollicitation.objects.pour_desk`); acting on
  one the user may only read is a 403. The lead's assignment form needs a lead (else 403).
- A support agent sees no invoice content but the summary of the invoice a request cites.
"""

from __future__ import annotations

import csv
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chorus.workflow import MotifObligatoire, TransitionRefusee
from habilitations import acces as acces_core
from habilitations.enums import Application, Niveau
from habilitations.models import Utilisateur
from sollicitations import acces
from sollicitations.circuits import SOLLICITATION
from sollicitations.enums import (
    A_TRAITER_PAR_LE_DESK,
    CLOTUREES,
    EN_ATTENTE_DU_DEMANDEUR,
    Destination,
)
from sollicitations.enums import ActionSollicitation as A
from sollicitations.forms.desk import (
    ACTION_COMPLEMENT,
    ACTION_NOTE,
    ACTION_REPONDRE_CLOTURER,
    ONGLETS_DESK,
    AssignerForm,
    ClotureForm,
    FiltreDeskForm,
    MessageDeskForm,
    TransfertForm,
)
from sollicitations.models import Sollicitation, est_agent_support
from sollicitations.services import conversation
from sollicitations.views.commun import (
    conversation as fil,
)
from sollicitations.views.commun import (
    erreurs_dans,
    habiller,
    historique_lisible,
    page_de,
    pieces_du_depot,
)

GET_POST = require_http_methods(["GET", "POST"])
STATUTS_DES_ONGLETS = {
    "actions": A_TRAITER_PAR_LE_DESK,
    "en_cours": EN_ATTENTE_DU_DEMANDEUR,
    "cloturees": CLOTUREES,
}
LIGNES_CSV_MAX = 10_000
NUMERO = re.compile(r"SOL-\d{4}-\d{6,}", re.IGNORECASE)


def _saisie(request):
    """What was posted (even nothing: every field may be optional), None on GET."""
    return request.POST if request.method == "POST" else None


def _membre_du_desk(user) -> None:
    if est_agent_support(user):
        return
    if not acces_core.portees(user, Application.SOLLICITATIONS_RECUES, Niveau.CONSULTATION):
        raise Http404


def _du_desk(request, pk) -> Sollicitation:
    _membre_du_desk(request.user)
    return get_object_or_404(
        Sollicitation.objects.pour_desk(request.user).select_related(
            "sous_categorie__categorie",
            "demandeur",
            "structure_emettrice",
            "service_emetteur",
            "structure_destinataire__gestionnaire_principal",
            "service_destinataire",
            "facture__fournisseur",
            "facture__destinataire",
            "assigne_a",
        ),
        pk=pk,
    )


def _a_traiter(request, pk) -> Sollicitation:
    """The request, if the user may act on it (modification); 403 if he only reads it."""
    sollicitation = _du_desk(request, pk)
    if not acces.est_traitant(request.user, sollicitation):
        raise PermissionDenied
    return sollicitation


# --- The list ---------------------------------------------------------------------------------


def _filtrer(request, filtres: FiltreDeskForm):
    """The user's desk, filtered (every tab); the tab's statuses are applied by the caller."""
    qs = Sollicitation.objects.pour_desk(request.user)
    if not filtres.is_valid():
        return qs, "-envoyee_le"
    d = filtres.cleaned_data
    texte = d["q"].strip()
    if NUMERO.fullmatch(texte):
        # A full request number: the unique index answers, no scan of the texts.
        qs = qs.filter(numero__iexact=texte)
    elif texte:
        qs = qs.filter(
            Q(numero__icontains=texte)
            | Q(objet__icontains=texte)
            | Q(email_contact__icontains=texte)
            | Q(structure_emettrice__raison_sociale__icontains=texte)
            | Q(structure_emettrice__identifiant__icontains=texte)
        )
    if d["categorie"]:
        qs = qs.filter(sous_categorie__categorie=d["categorie"])
    structure = d["structure"].strip()
    if structure:
        qs = qs.filter(
            Q(structure_emettrice__raison_sociale__icontains=structure)
            | Q(structure_emettrice__identifiant__icontains=structure)
        )
    if d["statut"]:
        qs = qs.filter(statut=d["statut"])
    if d["assignation"] == "moi":
        qs = qs.filter(assigne_a=request.user)
    elif d["assignation"] == "personne":
        qs = qs.filter(assigne_a__isnull=True)
    if d["du"]:
        qs = qs.filter(envoyee_le__date__gte=d["du"])
    if d["au"]:
        qs = qs.filter(envoyee_le__date__lte=d["au"])
    return qs, d["tri"] or "-envoyee_le"


def _onglet(request) -> str:
    onglet = request.GET.get("onglet", "actions")
    return onglet if onglet in STATUTS_DES_ONGLETS else "actions"


def _colonnes(qs):
    return qs.select_related(
        "sous_categorie__categorie",
        "structure_emettrice",
        "service_emetteur",
        "structure_destinataire",
        "assigne_a",
    )


@require_safe
def desk(request):
    _membre_du_desk(request.user)
    filtres = FiltreDeskForm(data=request.GET or None)
    qs, tri = _filtrer(request, filtres)
    actif = _onglet(request)
    comptes = qs.aggregate(
        **{code: Count("pk", filter=Q(statut__in=s)) for code, s in STATUTS_DES_ONGLETS.items()}
    )
    sollicitations = _colonnes(qs.filter(statut__in=STATUTS_DES_ONGLETS[actif])).order_by(
        tri, "-pk"
    )
    page = page_de(request, sollicitations)
    params = request.GET.copy()
    params.pop("page", None)
    onglets = []
    for code, libelle in ONGLETS_DESK:
        params["onglet"] = code
        onglets.append(
            {
                "code": code,
                "libelle": libelle,
                "nombre": comptes[code],
                "actif": code == actif,
                "url": "?" + params.urlencode(),
            }
        )
    params["onglet"] = actif
    return render(
        request,
        "sollicitations/desk/liste.html",
        {
            "filtres": filtres,
            "onglets": onglets,
            "actif": actif,
            "page": page,
            "sollicitations": habiller(page.object_list),
            "maintenant": timezone.now(),
            "parametres": params.urlencode(),
            "agent_support": est_agent_support(request.user),
        },
    )


@require_safe
def desk_csv(request):
    """The current tab with its filters, as CSV (semicolons, UTF-8 with BOM for spreadsheets)."""
    _membre_du_desk(request.user)
    filtres = FiltreDeskForm(data=request.GET or None)
    qs, tri = _filtrer(request, filtres)
    actif = _onglet(request)
    lignes = _colonnes(qs.filter(statut__in=STATUTS_DES_ONGLETS[actif])).order_by(tri, "-pk")
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = (
        f'attachment; filename="sollicitations-{actif}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    reponse.write("\ufeff")
    ecrivain = csv.writer(reponse, delimiter=";")
    ecrivain.writerow(
        [
            _("Numéro"),
            _("Objet"),
            _("Envoyée le"),
            _("Structure émettrice"),
            _("Identifiant"),
            _("Service émetteur"),
            _("Catégorie"),
            _("Sous-catégorie"),
            _("Statut"),
            _("Assignée à"),
            _("En attente depuis"),
        ]
    )
    for s in lignes[:LIGNES_CSV_MAX]:
        emettrice = s.structure_emettrice
        ecrivain.writerow(
            [
                s.numero,
                _neutraliser(s.objet),
                timezone.localtime(s.envoyee_le).strftime("%d/%m/%Y %H:%M") if s.envoyee_le else "",
                _neutraliser(emettrice.raison_sociale if emettrice else s.email_contact),
                emettrice.identifiant if emettrice else "",
                _neutraliser(str(s.service_emetteur)) if s.service_emetteur else "",
                s.sous_categorie.categorie.libelle_affiche,
                s.sous_categorie.libelle_affiche,
                s.get_statut_display(),
                s.assigne_a.get_full_name() if s.assigne_a else "",
                timezone.localtime(s.en_attente_depuis).strftime("%d/%m/%Y %H:%M")
                if s.en_attente_depuis
                else "",
            ]
        )
    return reponse


def _neutraliser(texte: str) -> str:
    """A cell a spreadsheet would take for a formula is prefixed with an apostrophe."""
    return "'" + texte if texte[:1] in ("=", "+", "-", "@") else texte


# --- One request -------------------------------------------------------------------------------


def _candidats(sollicitation):
    return Utilisateur.objects.filter(pk__in=[u.pk for u in acces.traitants(sollicitation)])


def _contexte(request, sollicitation, **formulaires) -> dict:
    actions = {t.action for t in SOLLICITATION.actions_possibles(sollicitation, request.user)}
    traitant = acces.est_traitant(request.user, sollicitation)
    responsable = A.ASSIGNER in actions
    en_charge = bool(actions & {A.REPONDRE, A.DEMANDER_COMPLEMENT})
    return {
        "sollicitation": habiller([sollicitation])[0],
        "messages_fil": fil(sollicitation, pour_le_desk=True),
        "pieces": pieces_du_depot(sollicitation),
        "historique": historique_lisible(sollicitation, pour_le_desk=True),
        "traitant": traitant,
        "peut_prendre": A.PRENDRE_EN_CHARGE in actions,
        "peut_transferer": A.TRANSFERER_AU_SUPPORT in actions,
        "peut_cloturer": A.CLOTURER in actions,
        "en_charge": en_charge,
        "form_message": formulaires.get("form_message") or MessageDeskForm(),
        "form_assigner": formulaires.get("form_assigner")
        or (
            AssignerForm(candidats=_candidats(sollicitation), initial={"assigne": request.user.pk})
            if responsable
            else None
        ),
        "vers_support": sollicitation.destination == Destination.SUPPORT,
        "maintenant": timezone.now(),
        "statut_attente": sollicitation.statut in A_TRAITER_PAR_LE_DESK,
    }


@require_safe
def detail(request, pk):
    sollicitation = _du_desk(request, pk)
    return render(request, "sollicitations/desk/detail.html", _contexte(request, sollicitation))


@require_POST
def prendre(request, pk):
    sollicitation = _a_traiter(request, pk)
    try:
        conversation.prendre_en_charge(sollicitation=sollicitation, acting_user=request.user)
    except TransitionRefusee as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(request, _("Vous avez pris en charge cette sollicitation."))
    return redirect("sollicitations:desk_detail", pk=sollicitation.pk)


@require_POST
def assigner(request, pk):
    sollicitation = _a_traiter(request, pk)
    if not acces.est_responsable(request.user, sollicitation):
        raise PermissionDenied
    form = AssignerForm(data=request.POST, candidats=_candidats(sollicitation))
    if form.is_valid():
        assigne = form.cleaned_data["assigne"]
        try:
            conversation.assigner(
                sollicitation=sollicitation, acting_user=request.user, assigne=assigne
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:desk_detail", pk=sollicitation.pk)
        else:
            messages.success(
                request,
                _("La sollicitation est assignée à %(nom)s.") % {"nom": assigne.get_full_name()},
            )
            return redirect("sollicitations:desk_detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/desk/detail.html",
        _contexte(request, sollicitation, form_assigner=form),
    )


@require_POST
def message(request, pk):
    sollicitation = _a_traiter(request, pk)
    form = MessageDeskForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        action = form.cleaned_data["action"]
        donnees = {
            "sollicitation": sollicitation,
            "acting_user": request.user,
            "texte": form.cleaned_data["texte"],
            "fichiers": form.cleaned_data["fichiers"],
        }
        try:
            if action == ACTION_NOTE:
                conversation.note_interne(**donnees)
                succes = _("La note interne est ajoutée.")
            elif action == ACTION_COMPLEMENT:
                conversation.demander_complement(**donnees)
                succes = _("La demande de complément est envoyée au demandeur.")
            else:
                cloturer = action == ACTION_REPONDRE_CLOTURER
                conversation.repondre(**donnees, cloturer=cloturer)
                succes = (
                    _("La réponse est envoyée et la sollicitation clôturée.")
                    if cloturer
                    else _("La réponse est envoyée au demandeur.")
                )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except MotifObligatoire as erreur:
            form.add_error("texte", erreur.message)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:desk_detail", pk=sollicitation.pk)
        else:
            messages.success(request, succes)
            return redirect("sollicitations:desk_detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/desk/detail.html",
        _contexte(request, sollicitation, form_message=form),
    )


@GET_POST
def transferer(request, pk):
    sollicitation = _a_traiter(request, pk)
    form = TransfertForm(data=_saisie(request))
    if request.method == "POST" and form.is_valid():
        try:
            conversation.transferer_au_support(
                sollicitation=sollicitation,
                acting_user=request.user,
                texte=form.cleaned_data["texte"],
            )
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:desk_detail", pk=sollicitation.pk)
        messages.success(request, _("La sollicitation est transférée au support."))
        return redirect("sollicitations:desk")
    return render(
        request,
        "sollicitations/desk/transferer.html",
        {"sollicitation": sollicitation, "form": form},
    )


@GET_POST
def cloturer(request, pk):
    sollicitation = _a_traiter(request, pk)
    form = ClotureForm(data=_saisie(request))
    if request.method == "POST" and form.is_valid():
        try:
            conversation.cloturer(
                sollicitation=sollicitation,
                acting_user=request.user,
                texte=form.cleaned_data["texte"],
            )
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
        else:
            messages.success(request, _("La sollicitation est clôturée."))
        return redirect("sollicitations:desk_detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/desk/cloturer.html",
        {"sollicitation": sollicitation, "form": form},
    )
