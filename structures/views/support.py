"""Requests to support (filing, following, cancelling), the support desk, the change of SIRET.

Access, in words:
- Filing a creation request and "Mes demandes au support": any signed-in user.
- A request about a structure: the structure must be known to the user (GP, attached, or
  holding a habilitation), else 404; too low a level there is a 403.
- The desk and its pages: support agents only; anyone else gets a 404.
- Cancelling a request: its requester only (404 for anyone else).
"""

from contextlib import suppress

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.workflow import MotifObligatoire, TransitionRefusee
from habilitations import acces
from habilitations.enums import StatutRattachement
from structures.circuits import DEMANDE
from structures.enums import (
    ActionDemandeStructure,
    StatutCoordonnee,
    StatutDemandeStructure,
    TypeIdentifiant,
)
from structures.enums import TypeDemandeStructure as Type
from structures.forms.support import (
    ChangementSiretForm,
    DemandeCreationStructureForm,
    DemandeDesactivationForm,
    DemandeReaffectationForm,
    FiltreDeskForm,
    TraiterDemandeForm,
)
from structures.models import DemandeStructure, DemandeStructureHistorique, Structure
from structures.services import changement_siret as siret_services
from structures.services import support as services

PAR_PAGE = 20

# DSFR badge of each status.
BADGES = {
    StatutDemandeStructure.EN_ATTENTE: "new",
    StatutDemandeStructure.ACCEPTEE: "success",
    StatutDemandeStructure.REFUSEE: "error",
    StatutDemandeStructure.ANNULEE: "info",
}


def _habiller(demandes) -> list:
    """Adds what the templates show without bare status codes: badge, cancellable."""
    demandes = list(demandes)
    for d in demandes:
        d.badge = BADGES.get(d.statut, "info")
        d.en_attente = d.statut == StatutDemandeStructure.EN_ATTENTE
    return demandes


def _libelle(enum, code) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


# --- Scoped reads -------------------------------------------------------------------------


def _structures_connues(user):
    """Structures the user belongs to: GP, active attachment, or any habilitation."""
    return Structure.objects.filter(
        Q(gestionnaire_principal=user)
        | Q(
            pk__in=user.rattachements.filter(statut=StatutRattachement.ACTIF).values("structure_id")
        )
        | Q(pk__in=user.habilitations.values("structure_id"))
    )


def _structure_connue(user, pk) -> Structure:
    return get_object_or_404(
        _structures_connues(user).select_related("gestionnaire_principal"), pk=pk
    )


def _agent_support(user) -> None:
    """The desk exists only for support agents: anyone else is told it does not exist."""
    if not (user.is_authenticated and user.est_agent_support and user.is_active):
        raise Http404


def _donnees_affichables(demande) -> list[tuple[str, str]]:
    """The request's data as (label, value) rows, whatever its type."""
    d = demande.donnees
    lignes = []
    if d.get("type_identifiant"):
        with suppress(ValueError):
            lignes.append((_("Type d'identifiant"), TypeIdentifiant(d["type_identifiant"]).label))
    etiquettes = [
        ("identifiant", _("Identifiant")),
        ("raison_sociale", _("Raison sociale")),
        ("adresse", _("Adresse")),
        ("code_postal", _("Code postal")),
        ("ville", _("Ville")),
        ("pays", _("Pays")),
        ("ancien_gestionnaire_email", _("Gestionnaire principal parti")),
        ("gestionnaire_propose_email", _("Gestionnaire principal proposé")),
    ]
    lignes += [(libelle, d[cle]) for cle, libelle in etiquettes if d.get(cle)]
    return lignes


# --- Requester's pages --------------------------------------------------------------------


def mes_demandes(request):
    demandes = (
        request.user.demandes_structure.select_related("structure")
        .prefetch_related(
            Prefetch(
                "historique",
                queryset=DemandeStructureHistorique.objects.order_by("date", "id"),
            )
        )
        .order_by("-cree_le", "-pk")
    )
    page = Paginator(demandes, PAR_PAGE).get_page(request.GET.get("page"))
    lignes = _habiller(page.object_list)
    for d in lignes:
        lignes_historique = list(d.historique.all())
        d.motif = lignes_historique[-1].motif if lignes_historique else ""
    rattachements = (
        request.user.rattachements.filter(statut=StatutRattachement.ACTIF)
        .select_related("structure__gestionnaire_principal")
        .order_by("structure__raison_sociale")
    )
    structures, vues = [], set()
    for r in rattachements:
        s = r.structure
        if s.pk in vues:
            continue
        vues.add(s.pk)
        structures.append(
            {
                "structure": s,
                "gestionnaire": acces.est_gestionnaire(request.user, s),
                "gp_absent": services.gestionnaire_absent(s),
                "siret": s.type_identifiant == TypeIdentifiant.SIRET,
            }
        )
    return render(
        request,
        "structures/support/mes_demandes.html",
        {"page": page, "demandes": lignes, "structures": structures},
    )


@require_http_methods(["GET", "POST"])
def demande_creation_structure(request):
    form = DemandeCreationStructureForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_creation_structure_deposer(demandeur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                _("Votre demande a été transmise au support. Vous serez prévenu de sa décision."),
            )
            return redirect("structures:mes_demandes")
    return render(request, "structures/support/demande_creation_structure.html", {"form": form})


@require_http_methods(["GET", "POST"])
def demande_desactivation(request, pk):
    structure = _structure_connue(request.user, pk)
    if not acces.est_gestionnaire(request.user, structure):
        raise PermissionDenied
    form = DemandeDesactivationForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_desactivation_deposer(
                demandeur=request.user, structure=structure, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                _("Votre demande de désactivation a été transmise au support."),
            )
            return redirect("structures:mes_demandes")
    return render(
        request,
        "structures/support/demande_desactivation.html",
        {"form": form, "structure": structure},
    )


@require_http_methods(["GET", "POST"])
def demande_reaffectation_gp(request, pk):
    structure = _structure_connue(request.user, pk)
    if not services.est_rattache(request.user, structure) or not services.gestionnaire_absent(
        structure
    ):
        raise PermissionDenied
    candidats = services.utilisateurs_rattaches_actifs(structure)
    form = DemandeReaffectationForm(
        data=request.POST or None,
        candidats=candidats,
        initial={"gestionnaire_propose": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_reaffectation_gp_deposer(
                demandeur=request.user, structure=structure, **form.cleaned_data
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                _("Votre demande de réaffectation a été transmise au support."),
            )
            return redirect("structures:mes_demandes")
    return render(
        request,
        "structures/support/demande_reaffectation_gp.html",
        {"form": form, "structure": structure},
    )


@require_http_methods(["GET", "POST"])
def demande_annuler(request, pk):
    demande = get_object_or_404(request.user.demandes_structure.select_related("structure"), pk=pk)
    if request.method == "POST":
        try:
            services.demande_annuler(demande=demande, acting_user=request.user)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
        else:
            messages.success(request, _("Votre demande a été annulée."))
        return redirect("structures:mes_demandes")
    if demande.statut != StatutDemandeStructure.EN_ATTENTE:
        messages.error(
            request,
            _("Cette demande n'est plus en attente : elle ne peut plus être annulée."),
        )
        return redirect("structures:mes_demandes")
    return render(
        request,
        "structures/support/demande_annuler.html",
        {"demande": demande, "donnees": _donnees_affichables(demande)},
    )


# --- The support desk ---------------------------------------------------------------------


def desk(request):
    _agent_support(request.user)
    filtres = FiltreDeskForm(data=request.GET or None)
    demandes = services.demandes_pour_desk()
    tri = "recent"
    if filtres.is_valid():
        d = filtres.cleaned_data
        demandes = services.rechercher(demandes, d["q"])
        if d["type_demande"]:
            demandes = demandes.filter(type_demande=d["type_demande"])
        if d["statut"]:
            demandes = demandes.filter(statut=d["statut"])
        tri = d["tri"] or "recent"
    ordre = ["cree_le", "pk"] if tri == "ancien" else ["-cree_le", "-pk"]
    demandes = demandes.order_by("en_attente_d_abord", *ordre)
    page = Paginator(demandes, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "structures/support/desk.html",
        {
            "filtres": filtres,
            "page": page,
            "demandes": _habiller(page.object_list),
            "onglets": _onglets(request, filtres),
        },
    )


def _onglets(request, filtres):
    """One tab per request type (and "all"), each keeping the other filters."""
    actif = filtres.cleaned_data.get("type_demande", "") if filtres.is_valid() else ""
    onglets = []
    for code, libelle in [("", _("Toutes les demandes")), *Type.choices]:
        params = request.GET.copy()
        params.pop("page", None)
        params["type_demande"] = code
        onglets.append(
            {"libelle": libelle, "url": "?" + params.urlencode(), "actif": code == actif}
        )
    return onglets


def _contexte_demande(request, demande, form=None):
    historique = list(demande.historique.select_related("acteur").order_by("date", "id"))
    for ligne in historique:
        ligne.action_libelle = _libelle(ActionDemandeStructure, ligne.action)
        ligne.statut_libelle = _libelle(StatutDemandeStructure, ligne.statut_apres)
    _habiller([demande])
    propose = gp_actuel = None
    if demande.type_demande == Type.REAFFECTATION_GESTIONNAIRE:
        propose = (
            services.utilisateurs_rattaches_actifs(demande.structure)
            .filter(pk=demande.donnees.get("gestionnaire_propose"))
            .first()
        )
    if demande.structure is not None:
        gp_actuel = demande.structure.gestionnaire_principal
    return {
        "demande": demande,
        "donnees": _donnees_affichables(demande),
        "historique": historique,
        "propose": propose,
        "gp_actuel": gp_actuel,
        "peut_traiter": bool(DEMANDE.actions_possibles(demande, request.user)),
        "form": form or TraiterDemandeForm(),
    }


def _demande_pour_agent(request, pk):
    _agent_support(request.user)
    return get_object_or_404(
        DemandeStructure.objects.select_related("demandeur", "structure__gestionnaire_principal"),
        pk=pk,
    )


def support_demande(request, pk):
    demande = _demande_pour_agent(request, pk)
    return render(request, "structures/support/demande.html", _contexte_demande(request, demande))


@require_POST
def support_demande_traiter(request, pk):
    demande = _demande_pour_agent(request, pk)
    form = TraiterDemandeForm(data=request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == ActionDemandeStructure.ACCEPTER:
                services.demande_accepter(demande=demande, acting_user=request.user)
            else:
                services.demande_refuser(
                    demande=demande, acting_user=request.user, motif=form.cleaned_data["motif"]
                )
        except MotifObligatoire as erreur:
            form.add_error("motif", erreur.message)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("structures:support_demande", pk=demande.pk)
        else:
            if action == ActionDemandeStructure.ACCEPTER:
                messages.success(request, _("La demande a été acceptée et appliquée."))
            else:
                messages.success(request, _("La demande a été refusée."))
            return redirect("structures:support_demande", pk=demande.pk)
    return render(
        request,
        "structures/support/demande.html",
        _contexte_demande(request, demande, form),
    )


# --- Change of SIRET ----------------------------------------------------------------------


def _apres_changement(structure):
    with suppress(NoReverseMatch):
        return reverse("structures:structure", args=[structure.pk])
    with suppress(NoReverseMatch):
        return reverse("structures:organisation")
    return reverse("structures:mes_demandes")


@require_http_methods(["GET", "POST"])
def changement_siret(request, pk):
    structure = _structure_connue(request.user, pk)
    if not acces.est_gestionnaire(request.user, structure):
        raise PermissionDenied
    if structure.type_identifiant != TypeIdentifiant.SIRET:
        raise Http404
    raison = siret_services.changement_siret_possible(structure)
    form = ChangementSiretForm(data=request.POST or None, structure=structure)
    if raison is None and request.method == "POST" and form.is_valid():
        nouveau = form.cleaned_data["nouveau_siret"]
        cible = siret_services.structure_cible(structure, nouveau)
        try:
            siret_services.verifier_cible(structure, cible)
        except ValidationError as erreur:
            form.add_error("nouveau_siret", erreur)
        else:
            if request.POST.get("confirmer") != "oui":
                return render(
                    request,
                    "structures/support/changement_siret_confirmer.html",
                    _resume_changement(structure, nouveau, cible, form),
                )
            try:
                nouvelle = siret_services.structure_changer_siret(
                    structure=structure, nouveau_siret=nouveau, acting_user=request.user
                )
            except ValidationError as erreur:
                form.add_error("nouveau_siret", erreur)
            else:
                messages.success(
                    request,
                    _(
                        "Le changement de SIRET est enregistré : la structure %(ancien)s est "
                        "remplacée par %(nouveau)s. Ses factures restent consultables."
                    )
                    % {"ancien": structure.identifiant, "nouveau": nouvelle.identifiant},
                )
                return redirect(_apres_changement(nouvelle))
    return render(
        request,
        "structures/support/changement_siret.html",
        {"form": form, "structure": structure, "raison": raison},
    )


def _resume_changement(structure, nouveau, cible, form):
    return {
        "form": form,
        "structure": structure,
        "nouveau_siret": nouveau,
        "cible": cible,
        "nb_services": structure.services.count(),
        "nb_utilisateurs": structure.rattachements.filter(statut=StatutRattachement.ACTIF)
        .values("utilisateur_id")
        .distinct()
        .count(),
        "nb_habilitations": structure.habilitations.count(),
        "nb_coordonnees": structure.coordonnees_bancaires.filter(
            statut=StatutCoordonnee.ACTIVE
        ).count(),
        "gp_conserve": cible is not None and cible.gestionnaire_principal_id is not None,
    }
