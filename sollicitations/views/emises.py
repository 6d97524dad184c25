"""Sollicitations émises: a signed-in user's requests (under /sollicitations/).

Access, in words: the pages need the space *Sollicitations émises* (else 404). Filing needs
it in modification on at least one structure (consultation only: 403). A request is seen by
its requester only: anyone else gets a 404 (the desk has its own pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chorus import documents
from chorus.workflow import MotifObligatoire, TransitionRefusee
from habilitations import acces as acces_core
from habilitations.enums import Application
from sollicitations import acces
from sollicitations.circuits import SOLLICITATION
from sollicitations.enums import (
    A_TRAITER_PAR_LE_DEMANDEUR,
    CLOTUREES,
    EN_COURS_POUR_LE_DEMANDEUR,
    StatutSollicitation,
)
from sollicitations.enums import ActionSollicitation as A
from sollicitations.forms.depot import MessageDemandeurForm, RenvoiForm, SollicitationForm
from sollicitations.models import PieceJointeSollicitation, Sollicitation, SousCategorie
from sollicitations.services import aide, conversation, depot
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

ONGLETS = [
    ("actions", gettext_lazy("Actions requises"), A_TRAITER_PAR_LE_DEMANDEUR),
    ("en_cours", gettext_lazy("En cours"), EN_COURS_POUR_LE_DEMANDEUR),
    ("cloturees", gettext_lazy("Clôturés"), CLOTUREES),
    ("brouillons", gettext_lazy("Brouillons"), [StatutSollicitation.BROUILLON]),
]


def _espace(request) -> None:
    if Application.SOLLICITATIONS_EMISES not in acces_core.applications_de(request.user):
        raise Http404


def _peut_deposer(request) -> None:
    _espace(request)
    if not depot.structures_emettrices(request.user).exists():
        raise PermissionDenied


def _la_sienne(request, pk, **filtres) -> Sollicitation:
    _espace(request)
    return get_object_or_404(
        Sollicitation.objects.du_demandeur(request.user)
        .filter(**filtres)
        .select_related(
            "sous_categorie__categorie",
            "structure_emettrice",
            "service_emetteur",
            "structure_destinataire",
            "service_destinataire",
            "facture",
            "assigne_a",
        ),
        pk=pk,
    )


@require_safe
def liste(request):
    _espace(request)
    mes = Sollicitation.objects.du_demandeur(request.user)
    comptes = mes.aggregate(
        **{code: Count("pk", filter=Q(statut__in=statuts)) for code, _l, statuts in ONGLETS}
    )
    actif = request.GET.get("onglet")
    if actif not in {code for code, _l, _s in ONGLETS}:
        actif = "actions" if comptes["actions"] else "en_cours"
    statuts = next(s for code, _l, s in ONGLETS if code == actif)
    sollicitations = (
        mes.filter(statut__in=statuts)
        .select_related(
            "sous_categorie__categorie", "structure_emettrice", "structure_destinataire"
        )
        .order_by("-en_attente_depuis", "-cree_le", "-pk")
    )
    page = page_de(request, sollicitations)
    onglets = [
        {"code": code, "libelle": libelle, "nombre": comptes[code], "actif": code == actif}
        for code, libelle, _s in ONGLETS
    ]
    return render(
        request,
        "sollicitations/emises/liste.html",
        {
            "onglets": onglets,
            "actif": actif,
            "page": page,
            "sollicitations": habiller(page.object_list),
            "peut_deposer": depot.structures_emettrices(request.user).exists(),
        },
    )


def _initial_depuis_facture(request) -> dict:
    """`?facture=<id>` (a link from an invoice page): a question to its recipient, prefilled."""
    pk = request.GET.get("facture", "")
    if not pk.isdigit():
        return {}
    facture = depot.factures_citables(request.user).filter(pk=pk).first()
    question = SousCategorie.objects.proposees().filter(destination="ENTITE_PUBLIQUE").first()
    if facture is None:
        return {}
    initial = {"structure_emettrice": facture.fournisseur_id, "numero_facture": facture.numero}
    if question is not None:
        initial.update(categorie=str(question.categorie_id), sous_categorie=str(question.pk))
    return initial


@GET_POST
def creer(request):
    _peut_deposer(request)
    form = SollicitationForm(
        data=request.POST or None,
        files=request.FILES or None,
        user=request.user,
        initial=_initial_depuis_facture(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            sollicitation = depot.sollicitation_creer(
                demandeur=request.user,
                langue=get_language() or "fr",
                **form.donnees_service(),
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        else:
            messages.success(
                request,
                _("Le brouillon %(numero)s est enregistré.") % {"numero": sollicitation.numero},
            )
            if "envoyer" in request.POST:
                return redirect("sollicitations:envoyer", pk=sollicitation.pk)
            return redirect("sollicitations:detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/emises/formulaire.html",
        {"form": form, "suggestions": _suggestions(form)},
    )


def _suggestions(form):
    objet = form.data.get("objet") if form.is_bound else form.initial.get("objet")
    return list(aide.rechercher(objet or "")) if objet else []


@GET_POST
def modifier(request, pk):
    sollicitation = _la_sienne(request, pk)
    if not sollicitation.est_brouillon:
        messages.error(
            request, _("Cette sollicitation a déjà été envoyée : elle ne peut plus être modifiée.")
        )
        return redirect("sollicitations:detail", pk=sollicitation.pk)
    form = SollicitationForm(
        data=request.POST or None,
        files=request.FILES or None,
        user=request.user,
        sollicitation=sollicitation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            depot.sollicitation_modifier(
                sollicitation=sollicitation, acting_user=request.user, **form.donnees_service()
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:detail", pk=sollicitation.pk)
        else:
            messages.success(request, _("Le brouillon est enregistré."))
            if "envoyer" in request.POST:
                return redirect("sollicitations:envoyer", pk=sollicitation.pk)
            return redirect("sollicitations:detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/emises/formulaire.html",
        {
            "form": form,
            "sollicitation": sollicitation,
            "pieces": pieces_du_depot(sollicitation),
            "suggestions": _suggestions(form),
        },
    )


def _contexte_detail(request, sollicitation, form=None) -> dict:
    actions = {t.action for t in SOLLICITATION.actions_possibles(sollicitation, request.user)}
    return {
        "sollicitation": habiller([sollicitation])[0],
        "messages_fil": fil(sollicitation, pour_le_desk=False),
        "pieces": pieces_du_depot(sollicitation),
        "historique": historique_lisible(sollicitation, pour_le_desk=False),
        "peut_ecrire": sollicitation.statut
        in [*EN_COURS_POUR_LE_DEMANDEUR, StatutSollicitation.EN_ATTENTE_COMPLEMENT],
        "attend_complement": sollicitation.statut == StatutSollicitation.EN_ATTENTE_COMPLEMENT,
        "peut_renvoyer": A.RENVOYER in actions,
        "peut_cloturer": A.CLOTURER in actions,
        "form": form or MessageDemandeurForm(),
        "suggestions": list(aide.rechercher(sollicitation.objet))
        if sollicitation.est_brouillon
        else [],
    }


@require_safe
def detail(request, pk):
    sollicitation = _la_sienne(request, pk)
    return render(
        request, "sollicitations/emises/detail.html", _contexte_detail(request, sollicitation)
    )


@GET_POST
def envoyer(request, pk):
    sollicitation = _la_sienne(request, pk)
    if request.method == "POST":
        try:
            depot.sollicitation_envoyer(sollicitation=sollicitation, acting_user=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
            return redirect("sollicitations:modifier", pk=sollicitation.pk)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
        else:
            messages.success(
                request,
                _("La sollicitation %(numero)s est envoyée à %(destination)s.")
                % {
                    "numero": sollicitation.numero,
                    "destination": _destination(sollicitation),
                },
            )
        return redirect("sollicitations:detail", pk=sollicitation.pk)
    if not sollicitation.est_brouillon:
        messages.error(request, _("Cette sollicitation a déjà été envoyée."))
        return redirect("sollicitations:detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/emises/envoyer.html",
        {
            "sollicitation": sollicitation,
            "destination": _destination(sollicitation),
            "pieces": pieces_du_depot(sollicitation),
            "suggestions": list(aide.rechercher(sollicitation.objet)),
        },
    )


def _destination(sollicitation) -> str:
    if sollicitation.structure_destinataire_id and sollicitation.destination == "ENTITE_PUBLIQUE":
        return sollicitation.structure_destinataire.raison_sociale
    return _("support")


@GET_POST
def supprimer(request, pk):
    sollicitation = _la_sienne(request, pk)
    if request.method == "POST":
        try:
            depot.sollicitation_supprimer(sollicitation=sollicitation, acting_user=request.user)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:detail", pk=sollicitation.pk)
        messages.success(request, _("Le brouillon a été supprimé."))
        return redirect("sollicitations:emises")
    if not sollicitation.est_brouillon:
        messages.error(request, _("Seul un brouillon peut être supprimé."))
        return redirect("sollicitations:detail", pk=sollicitation.pk)
    return render(request, "sollicitations/emises/supprimer.html", {"sollicitation": sollicitation})


@require_POST
def ecrire(request, pk):
    sollicitation = _la_sienne(request, pk)
    form = MessageDemandeurForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            conversation.demandeur_ecrire(
                sollicitation=sollicitation,
                acteur=request.user,
                texte=form.cleaned_data["texte"],
                fichiers=form.cleaned_data["fichiers"],
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:detail", pk=sollicitation.pk)
        else:
            messages.success(request, _("Votre message a été envoyé."))
            return redirect("sollicitations:detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/emises/detail.html",
        _contexte_detail(request, sollicitation, form),
    )


@GET_POST
def renvoyer(request, pk):
    sollicitation = _la_sienne(request, pk)
    form = RenvoiForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation.demandeur_renvoyer(
                sollicitation=sollicitation,
                acteur=request.user,
                motif=form.cleaned_data["motif"],
                fichiers=form.cleaned_data["fichiers"],
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except MotifObligatoire as erreur:
            form.add_error("motif", erreur.message)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:detail", pk=sollicitation.pk)
        else:
            messages.success(request, _("La sollicitation a été renvoyée au desk qui l'a traitée."))
            return redirect("sollicitations:detail", pk=sollicitation.pk)
    return render(
        request,
        "sollicitations/emises/renvoyer.html",
        {"sollicitation": sollicitation, "form": form},
    )


@require_POST
def cloturer(request, pk):
    sollicitation = _la_sienne(request, pk)
    try:
        conversation.demandeur_cloturer(sollicitation=sollicitation, acteur=request.user)
    except TransitionRefusee as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(request, _("La sollicitation est clôturée. Merci de votre retour."))
    return redirect("sollicitations:detail", pk=sollicitation.pk)


@require_safe
def piece(request, pk, piece_pk):
    """A file of a request, for its requester (never an internal note's) or its desk."""
    sollicitation = get_object_or_404(Sollicitation.objects.visible_to(request.user), pk=pk)
    piece = get_object_or_404(
        PieceJointeSollicitation.objects.select_related("document", "message"),
        pk=piece_pk,
        sollicitation=sollicitation,
    )
    pour_le_desk = acces.est_traitant(request.user, sollicitation, "CONSULTATION")
    if piece.interne and not pour_le_desk:
        raise Http404
    return documents.telecharger(request, piece.document)
