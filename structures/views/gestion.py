"""A structure managed by its gestionnaires (under /organisation/).

Access, in words: the pages of a structure are open to users holding *Organisation* on it
(consultation or more); another structure answers 404. Changing anything needs a gestionnaire
(GP or *Organisation – modification*, `acces.est_gestionnaire`); a user in consultation who
tries gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from chorus import documents
from habilitations import acces
from habilitations.enums import (
    Application,
    Niveau,
)
from habilitations.models import DemandeHabilitation, Rattachement
from structures.enums import StatutCoordonnee, StatutService
from structures.forms.gestion import (
    ConfirmationForm,
    CoordonneeBancaireForm,
    EspacesForm,
    FiltreServicesForm,
    PieceJointeForm,
    ServiceForm,
    StructureForm,
)
from structures.models import CoordonneeBancaire, PieceJointeStructure, Service, Structure
from structures.services import gestion as services

PAR_PAGE = 20
GET_POST = require_http_methods(["GET", "POST"])


def _structures_visibles(user):
    return acces.structures_for(user, Application.ORGANISATION, Niveau.CONSULTATION)


def _structure(request, pk: int) -> Structure:
    """The structure if the user holds Organisation on it, else 404."""
    return get_object_or_404(_structures_visibles(request.user), pk=pk)


def _structure_geree(request, pk: int) -> Structure:
    """The structure if the user manages it; 403 if he only consults it, 404 if a stranger."""
    structure = _structure(request, pk)
    if not acces.est_gestionnaire(request.user, structure):
        raise PermissionDenied
    return structure


def _contexte(request, structure: Structure, **autres) -> dict:
    return {
        "structure": structure,
        "est_gestionnaire": acces.est_gestionnaire(request.user, structure),
        **autres,
    }


def _erreurs_dans(form, erreur: ValidationError) -> None:
    """Puts a service's errors on the form's fields (or on the form when not keyed)."""
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


def _saisie(request):
    """What the user posted (even nothing: an unticked box is a choice), None on GET."""
    return request.POST if request.method == "POST" else None


def _fichiers(request):
    return request.FILES if request.method == "POST" else None


def _page(request, queryset):
    return Paginator(queryset, PAR_PAGE).get_page(request.GET.get("page"))


def _en_attente(modele):
    return Coalesce(
        Subquery(
            modele.objects.a_approuver()
            .filter(structure=OuterRef("pk"))
            .order_by()
            .values("structure")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


# --- Organisation landing page and structure page ----------------------------------------


@require_safe
def organisation(request):
    """The structures the user holds Organisation on, with their pending requests."""
    structures = _structures_visibles(request.user)
    if not structures.exists():
        raise Http404
    structures = structures.annotate(
        rattachements_en_attente=_en_attente(Rattachement),
        demandes_en_attente=_en_attente(DemandeHabilitation),
    ).order_by("raison_sociale", "pk")
    page = _page(request, structures)
    lignes = [
        {
            "structure": s,
            "est_gestionnaire": acces.est_gestionnaire(request.user, s),
            "en_attente": s.rattachements_en_attente + s.demandes_en_attente,
        }
        for s in page
    ]
    return render(
        request, "structures/gestion/organisation.html", {"page_obj": page, "lignes": lignes}
    )


@require_safe
def structure(request, pk):
    structure = _structure(request, pk)
    compteurs = Structure.objects.filter(pk=structure.pk).aggregate(
        services_actifs=Count("services", filter=Q(services__statut=StatutService.ACTIF)),
        services=Count("services", distinct=True),
    )
    return render(
        request,
        "structures/gestion/structure.html",
        _contexte(
            request,
            structure,
            compteurs=compteurs,
            espaces_ouverts=[
                Application(a).label for a in acces.applications_de_la_structure(structure)
            ],
        ),
    )


@GET_POST
def structure_modifier(request, pk):
    structure = _structure_geree(request, pk)
    form = StructureForm(data=_saisie(request), instance=Structure.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_modifier(
                structure=structure, acting_user=request.user, donnees=form.cleaned_data
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Les informations de la structure sont enregistrées."))
            return redirect("structures:structure", pk=structure.pk)
    return render(
        request,
        "structures/gestion/structure_modifier.html",
        _contexte(request, structure, form=form),
    )


@GET_POST
def espaces(request, pk):
    """The spaces (applications) the structure opens; gestionnaires change them."""
    structure = _structure(request, pk)
    if request.method == "POST" and not acces.est_gestionnaire(request.user, structure):
        raise PermissionDenied
    ouverts = acces.applications_de_la_structure(structure)
    form = EspacesForm(data=_saisie(request), initial={"applications": ouverts})
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_espaces_modifier(
                structure=structure,
                acting_user=request.user,
                applications=form.cleaned_data["applications"],
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Les espaces ouverts de la structure sont enregistrés."))
            return redirect("structures:espaces", pk=structure.pk)
    return render(
        request,
        "structures/gestion/espaces.html",
        _contexte(
            request,
            structure,
            form=form,
            ouverts=[Application(a).label for a in ouverts],
            par_defaut=structure.applications_ouvertes is None,
        ),
    )


# --- Services ----------------------------------------------------------------------------


@require_safe
def services_liste(request, pk):
    structure = _structure(request, pk)
    filtres = FiltreServicesForm(data=request.GET or None)
    liste = structure.services.all()
    tri = "code"
    if filtres.is_valid():
        if filtres.cleaned_data["statut"]:
            liste = liste.filter(statut=filtres.cleaned_data["statut"])
        if q := filtres.cleaned_data["q"].strip():
            liste = liste.filter(Q(code__icontains=q) | Q(libelle__icontains=q))
        tri = filtres.cleaned_data["tri"] or tri
    page = _page(request, liste.order_by(tri, "pk"))
    return render(
        request,
        "structures/gestion/services.html",
        _contexte(request, structure, filtres=filtres, page_obj=page),
    )


@GET_POST
def service_creer(request, pk):
    structure = _structure_geree(request, pk)
    form = ServiceForm(data=_saisie(request), instance=Service(structure=structure))
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_creer(
                structure=structure, acting_user=request.user, donnees=form.cleaned_data
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Le service « %s » est créé.") % service.code)
            return redirect("structures:services", pk=structure.pk)
    return render(
        request,
        "structures/gestion/service_formulaire.html",
        _contexte(request, structure, form=form, service=None),
    )


@GET_POST
def service_modifier(request, pk, service_pk):
    structure = _structure_geree(request, pk)
    service = get_object_or_404(structure.services, pk=service_pk)
    form = ServiceForm(data=_saisie(request), instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_modifier(
                service=service, acting_user=request.user, donnees=form.cleaned_data
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Le service est modifié."))
            return redirect("structures:services", pk=structure.pk)
    return render(
        request,
        "structures/gestion/service_formulaire.html",
        _contexte(request, structure, form=form, service=service),
    )


@GET_POST
def service_statut(request, pk, service_pk):
    """Confirmation page, then activation or deactivation of a service."""
    structure = _structure_geree(request, pk)
    service = get_object_or_404(structure.services, pk=service_pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "activer":
                services.service_activer(service=service, acting_user=request.user)
                messages.success(request, _("Le service « %s » est activé.") % service.code)
            elif action == "desactiver":
                services.service_desactiver(service=service, acting_user=request.user)
                messages.success(request, _("Le service « %s » est désactivé.") % service.code)
            else:
                messages.error(request, _("Action inconnue."))
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        return redirect("structures:services", pk=structure.pk)
    return render(
        request,
        "structures/gestion/service_statut.html",
        _contexte(
            request,
            structure,
            service=service,
            action="activer" if service.statut == StatutService.INACTIF else "desactiver",
            form=ConfirmationForm(),
        ),
    )


# --- Bank details ------------------------------------------------------------------------


@require_safe
def coordonnees(request, pk):
    structure = _structure(request, pk)
    liste = structure.coordonnees_bancaires.select_related("document_rib").order_by(
        "statut", "libelle", "pk"
    )
    return render(
        request,
        "structures/gestion/coordonnees.html",
        _contexte(
            request,
            structure,
            page_obj=_page(request, liste),
            ACTIVE=StatutCoordonnee.ACTIVE,
        ),
    )


@GET_POST
def coordonnee_creer(request, pk):
    structure = _structure_geree(request, pk)
    form = CoordonneeBancaireForm(
        data=_saisie(request),
        files=_fichiers(request),
        instance=CoordonneeBancaire(structure=structure),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.coordonnee_creer(
                structure=structure,
                acting_user=request.user,
                donnees=form.cleaned_data,
                document_rib=form.cleaned_data["document_rib"],
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Les coordonnées bancaires sont enregistrées."))
            return redirect("structures:coordonnees", pk=structure.pk)
    return render(
        request,
        "structures/gestion/coordonnee_formulaire.html",
        _contexte(request, structure, form=form, coordonnee=None),
    )


def _coordonnee(structure, coordonnee_pk) -> CoordonneeBancaire:
    return get_object_or_404(
        structure.coordonnees_bancaires.select_related("document_rib"), pk=coordonnee_pk
    )


@GET_POST
def coordonnee_modifier(request, pk, coordonnee_pk):
    structure = _structure_geree(request, pk)
    coordonnee = _coordonnee(structure, coordonnee_pk)
    if coordonnee.statut != StatutCoordonnee.ACTIVE:
        messages.error(
            request,
            _("Ces coordonnées bancaires sont désactivées : elles ne peuvent plus être modifiées."),
        )
        return redirect("structures:coordonnees", pk=structure.pk)
    form = CoordonneeBancaireForm(
        data=_saisie(request), files=_fichiers(request), instance=coordonnee
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.coordonnee_modifier(
                coordonnee=coordonnee,
                acting_user=request.user,
                donnees=form.cleaned_data,
                document_rib=form.cleaned_data.get("document_rib"),
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Les coordonnées bancaires sont modifiées."))
            return redirect("structures:coordonnees", pk=structure.pk)
    return render(
        request,
        "structures/gestion/coordonnee_formulaire.html",
        _contexte(request, structure, form=form, coordonnee=coordonnee),
    )


@GET_POST
def coordonnee_desactiver(request, pk, coordonnee_pk):
    structure = _structure_geree(request, pk)
    coordonnee = _coordonnee(structure, coordonnee_pk)
    if request.method == "POST":
        try:
            services.coordonnee_desactiver(coordonnee=coordonnee, acting_user=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                _("Les coordonnées bancaires « %s » sont désactivées.") % coordonnee.libelle,
            )
        return redirect("structures:coordonnees", pk=structure.pk)
    return render(
        request,
        "structures/gestion/coordonnee_desactiver.html",
        _contexte(request, structure, coordonnee=coordonnee, form=ConfirmationForm()),
    )


@require_safe
def coordonnee_rib(request, pk, coordonnee_pk):
    structure = _structure(request, pk)
    coordonnee = _coordonnee(structure, coordonnee_pk)
    return documents.telecharger(request, coordonnee.document_rib)


# --- Structure attachments ---------------------------------------------------------------


@GET_POST
def pieces_jointes(request, pk):
    """The list of the structure's attachments, and the form that adds one."""
    structure = _structure(request, pk)
    gestionnaire = acces.est_gestionnaire(request.user, structure)
    if request.method == "POST" and not gestionnaire:
        raise PermissionDenied
    form = PieceJointeForm(data=_saisie(request), files=_fichiers(request))
    if request.method == "POST" and form.is_valid():
        try:
            piece = services.piece_jointe_ajouter(
                structure=structure,
                acting_user=request.user,
                libelle=form.cleaned_data["libelle"],
                fichier=form.cleaned_data["fichier"],
            )
        except ValidationError as erreur:
            _erreurs_dans(form, erreur)
        else:
            messages.success(request, _("La pièce jointe « %s » est ajoutée.") % piece.libelle)
            return redirect("structures:pieces_jointes", pk=structure.pk)
    liste = structure.pieces_jointes.select_related("document", "ajoutee_par")
    return render(
        request,
        "structures/gestion/pieces_jointes.html",
        _contexte(request, structure, form=form, page_obj=_page(request, liste)),
    )


def _piece(structure, piece_pk) -> PieceJointeStructure:
    return get_object_or_404(structure.pieces_jointes.select_related("document"), pk=piece_pk)


@require_safe
def piece_jointe_telecharger(request, pk, piece_pk):
    structure = _structure(request, pk)
    return documents.telecharger(request, _piece(structure, piece_pk).document)


@GET_POST
def piece_jointe_supprimer(request, pk, piece_pk):
    structure = _structure_geree(request, pk)
    piece = _piece(structure, piece_pk)
    if request.method == "POST":
        services.piece_jointe_supprimer(piece=piece, acting_user=request.user)
        messages.success(request, _("La pièce jointe « %s » est supprimée.") % piece.libelle)
        return redirect("structures:pieces_jointes", pk=structure.pk)
    return render(
        request,
        "structures/gestion/piece_jointe_supprimer.html",
        _contexte(
            request,
            structure,
            piece=piece,
            form=ConfirmationForm(),
            retour=reverse("structures:pieces_jointes", args=[structure.pk]),
        ),
    )
