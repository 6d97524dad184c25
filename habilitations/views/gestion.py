"""A structure's users, their habilitations, the Approbations queue and the GP role
(under /organisation/structures/<pk>/).

Access, in this order: sign-in (middleware) → the structure must be one where the user holds
an *Organisation* right, else 404 → changes need a gestionnaire (GP or *Organisation –
modification*), else 403 → the HTTP method (405). Transferring the GP role is for the GP only.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.workflow import MotifObligatoire
from habilitations import acces
from habilitations.enums import Application, Niveau
from habilitations.forms import gestion as forms
from habilitations.models import DemandeHabilitation, Habilitation, Rattachement
from habilitations.services import gestion as services
from habilitations.services.gestion import Decision, GestionRefusee, NatureDemande

PAR_PAGE = 20


# ---------------------------------------------------------------------------------------------
# Access


def _structure(request, pk, *, gestion: bool = False):
    """The structure, if the user holds an Organisation right on it (else 404); with
    `gestion`, only for its gestionnaires (else 403)."""
    scope = acces.structures_for(request.user, Application.ORGANISATION, Niveau.CONSULTATION)
    structure = get_object_or_404(scope, pk=pk)
    if gestion and not acces.est_gestionnaire(request.user, structure):
        raise PermissionDenied
    return structure


def _methodes(request, *autorisees):
    if request.method not in autorisees:
        return HttpResponseNotAllowed(autorisees)
    return None


def _utilisateur(structure, utilisateur_pk):
    return get_object_or_404(services.utilisateurs_rattaches(structure), pk=utilisateur_pk)


def _contexte(request, structure, **contexte):
    return {
        "structure": structure,
        "peut_gerer": acces.est_gestionnaire(request.user, structure),
        "est_gp": services.est_gp(request.user, structure),
        **contexte,
    }


def _page(request, objets):
    paginator = Paginator(objets, PAR_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number))
    return page


# ---------------------------------------------------------------------------------------------
# Approbations


def _lignes_en_attente(structure):
    rattachements, demandes = services.demandes_en_attente(structure)
    lignes = [
        {
            "nature": NatureDemande.RATTACHEMENT,
            "jeton": f"{NatureDemande.RATTACHEMENT}-{r.pk}",
            "demande": r,
            "date": r.demande_le,
        }
        for r in rattachements
    ] + [
        {
            "nature": NatureDemande.HABILITATION,
            "jeton": f"{NatureDemande.HABILITATION}-{d.pk}",
            "demande": d,
            "date": d.demandee_le,
        }
        for d in demandes
    ]
    lignes.sort(key=lambda ligne: (ligne["date"], ligne["jeton"]))
    return lignes


def _page_approbations(request, structure, *, erreurs=None, coches=(), status=200):
    """The queue; after a refused decision, with its message on the comment it concerns
    (`erreurs`: {token or "groupe": message}) and the boxes that were ticked."""
    erreurs = erreurs or {}
    lignes = _lignes_en_attente(structure)
    for ligne in lignes:
        ligne["erreur"] = erreurs.get(ligne["jeton"], "")
        ligne["coche"] = ligne["jeton"] in coches
    return render(
        request,
        "habilitations/gestion/approbations.html",
        _contexte(
            request,
            structure,
            page=_page(request, lignes),
            total=len(lignes),
            erreur_groupe=erreurs.get("groupe", ""),
            decisions=Decision,
        ),
        status=status,
    )


def approbations(request, pk):
    structure = _structure(request, pk)
    if refus := _methodes(request, "GET", "HEAD"):
        return refus
    return _page_approbations(request, structure)


def _demandes_designees(structure, jetons):
    """The requests of this structure the tokens name, in their order; 404 if one is not."""
    ids = {nature: [pk for n, pk in jetons if n == nature] for nature in NatureDemande.values}
    trouvees = {
        (NatureDemande.RATTACHEMENT.value, r.pk): r
        for r in Rattachement.objects.filter(
            structure=structure, pk__in=ids[NatureDemande.RATTACHEMENT]
        ).select_related("utilisateur", "service", "structure")
    }
    trouvees.update(
        {
            (NatureDemande.HABILITATION.value, d.pk): d
            for d in DemandeHabilitation.objects.filter(
                structure=structure, pk__in=ids[NatureDemande.HABILITATION]
            ).select_related("utilisateur", "service", "structure")
        }
    )
    if len(trouvees) != len(jetons):
        raise Http404
    return [trouvees[jeton] for jeton in jetons]


def _message_bilan(request, bilan, seule):
    approuver = bilan.decision == Decision.APPROUVER
    if seule and len(bilan.traitees) == 1:
        demande = bilan.traitees[0]
        modele = (
            _("La demande de %(nom)s a été approuvée.")
            if approuver
            else _("La demande de %(nom)s a été refusée.")
        )
        messages.success(request, modele % {"nom": demande.utilisateur.get_full_name()})
        return
    if seule:
        for message in bilan.deja_traitees + bilan.erreurs:
            messages.error(request, message)
        return
    n = len(bilan.traitees)
    if approuver:
        parties = [ngettext("%(n)s demande approuvée", "%(n)s demandes approuvées", n) % {"n": n}]
    else:
        parties = [ngettext("%(n)s demande refusée", "%(n)s demandes refusées", n) % {"n": n}]
    if bilan.deja_traitees:
        n = len(bilan.deja_traitees)
        parties.append(ngettext("%(n)s déjà traitée", "%(n)s déjà traitées", n) % {"n": n})
    if bilan.erreurs:
        n = len(bilan.erreurs)
        parties.append(ngettext("%(n)s non traitée", "%(n)s non traitées", n) % {"n": n})
    texte = ", ".join(parties) + "."
    if bilan.deja_traitees or bilan.erreurs:
        messages.warning(request, texte)
    else:
        messages.success(request, texte)


def approbation_traiter(request, pk):
    """POST: approve or refuse one request (`demandes` = one token), or several at once."""
    structure = _structure(request, pk, gestion=True)
    if refus := _methodes(request, "POST"):
        return refus
    form = forms.TraitementForm(data=request.POST)
    groupe = request.POST.get("groupe") == "1"
    if not form.is_valid():
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, erreur)
        return redirect("habilitations:approbations", pk=structure.pk)
    jetons = form.cleaned_data["demandes"]
    demandes = _demandes_designees(structure, jetons)
    try:
        bilan = services.demandes_traiter(
            demandes=demandes,
            decision=form.cleaned_data["decision"],
            motif=form.cleaned_data["commentaire"],
            acting_user=request.user,
        )
    except MotifObligatoire as erreur:
        cle = "groupe" if groupe else f"{jetons[0][0]}-{jetons[0][1]}"
        return _page_approbations(
            request,
            structure,
            erreurs={cle: erreur.message},
            coches=[f"{n}-{i}" for n, i in jetons] if groupe else (),
            status=400,
        )
    _message_bilan(request, bilan, seule=not groupe and len(demandes) == 1)
    return redirect("habilitations:approbations", pk=structure.pk)


# ---------------------------------------------------------------------------------------------
# Users


def _utilisateurs_filtres(request, structure):
    form = forms.FiltreUtilisateursForm(data=request.GET, structure=structure)
    utilisateurs = services.utilisateurs_rattaches(structure)
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            utilisateurs = utilisateurs.filter(
                Q(nom__icontains=q) | Q(prenom__icontains=q) | Q(email__icontains=q)
            )
        if service := form.cleaned_data["service"]:
            utilisateurs = utilisateurs.filter(
                pk__in=services.rattachements_actifs(structure)
                .filter(service=service)
                .values("utilisateur_id")
            )
    utilisateurs = utilisateurs.order_by(*form.ordre()).prefetch_related(
        Prefetch(
            "rattachements",
            queryset=services.rattachements_actifs(structure).select_related("service"),
            to_attr="rattachements_ici",
        )
    )
    return form, utilisateurs


def utilisateurs(request, pk):
    structure = _structure(request, pk)
    if refus := _methodes(request, "GET", "HEAD"):
        return refus
    form, liste = _utilisateurs_filtres(request, structure)
    return render(
        request,
        "habilitations/gestion/utilisateurs.html",
        _contexte(request, structure, form=form, page=_page(request, liste)),
    )


def _perimetre(rattachements) -> str:
    libelles = [
        r.service.libelle if r.service_id else _("Toute la structure") for r in rattachements
    ]
    return ", ".join(sorted(libelles))


def _cellule(valeur) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    valeur = str(valeur)
    return "'" + valeur if valeur[:1] in ("=", "+", "-", "@", "\t", "\r") else valeur


def utilisateurs_csv(request, pk):
    structure = _structure(request, pk)
    if refus := _methodes(request, "GET", "HEAD"):
        return refus
    _form, liste = _utilisateurs_filtres(request, structure)
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = (
        f'attachment; filename="utilisateurs-{slugify(structure.identifiant)}.csv"'
    )
    reponse.write("\ufeff")
    ecrivain = csv.writer(reponse, delimiter=";")
    ecrivain.writerow(
        [
            _("Nom"),
            _("Prénom"),
            _("Adresse électronique"),
            _("Rattachement"),
            _("Gestionnaire principal"),
            _("Actif"),
            _("Dernière connexion"),
        ]
    )
    for u in liste:
        derniere = (
            timezone.localtime(u.last_login).strftime("%d/%m/%Y %H:%M") if u.last_login else ""
        )
        ligne = [
            u.nom,
            u.prenom,
            u.email,
            _perimetre(u.rattachements_ici),
            _("oui") if services.est_gp(u, structure) else _("non"),
            _("oui") if u.is_active else _("non"),
            derniere,
        ]
        ecrivain.writerow([_cellule(v) for v in ligne])
    return reponse


def utilisateur(request, pk, utilisateur_pk):
    structure = _structure(request, pk)
    if refus := _methodes(request, "GET", "HEAD"):
        return refus
    cible = _utilisateur(structure, utilisateur_pk)
    return render(
        request,
        "habilitations/gestion/utilisateur.html",
        _contexte(
            request,
            structure,
            cible=cible,
            cible_est_gp=services.est_gp(cible, structure),
            rattachements=services.rattachements_actifs(structure)
            .filter(utilisateur=cible)
            .select_related("service"),
            habilitations=_habilitations(structure, cible),
        ),
    )


def _habilitations(structure, utilisateur):
    return (
        Habilitation.objects.filter(utilisateur=utilisateur, structure=structure)
        .select_related("service")
        .order_by("service__code", "application")
    )


def utilisateur_rattacher(request, pk):
    structure = _structure(request, pk, gestion=True)
    if refus := _methodes(request, "GET", "HEAD", "POST"):
        return refus
    form = forms.RattacherForm(data=request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.utilisateur_rattacher(
                structure=structure,
                utilisateur=form.utilisateur,
                service=form.cleaned_data["service"],
                acting_user=request.user,
            )
        except GestionRefusee as erreur:
            form.add_error(erreur.champ, erreur.message)
        else:
            messages.success(
                request,
                _("%(nom)s est rattaché à la structure.")
                % {"nom": form.utilisateur.get_full_name()},
            )
            return redirect(
                "habilitations:utilisateur", pk=structure.pk, utilisateur_pk=form.utilisateur.pk
            )
    return render(
        request, "habilitations/gestion/rattacher.html", _contexte(request, structure, form=form)
    )


def utilisateur_habilitations(request, pk, utilisateur_pk):
    """Add, change the level of, or remove the habilitations of one user."""
    structure = _structure(request, pk, gestion=True)
    if refus := _methodes(request, "GET", "HEAD", "POST"):
        return refus
    cible = _utilisateur(structure, utilisateur_pk)
    operation = request.POST.get("operation")
    form = forms.HabilitationForm(
        data=request.POST if operation == "definir" else None, structure=structure
    )
    url = reverse("habilitations:utilisateur_habilitations", args=[structure.pk, cible.pk])
    status = 200
    if request.method == "POST" and operation == "supprimer":
        suppression = forms.SuppressionHabilitationForm(data=request.POST)
        if not suppression.is_valid():
            raise Http404
        habilitation = get_object_or_404(
            _habilitations(structure, cible), pk=suppression.cleaned_data["habilitation"]
        )
        try:
            services.habilitation_supprimer(habilitation=habilitation, acting_user=request.user)
        except GestionRefusee as erreur:
            messages.error(request, erreur.message)
        else:
            messages.success(request, _("L'habilitation a été retirée."))
        return redirect(url)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.habilitation_definir(
                    structure=structure,
                    utilisateur=cible,
                    service=form.cleaned_data["portee"],
                    application=form.cleaned_data["application"],
                    niveau=form.cleaned_data["niveau"],
                    acting_user=request.user,
                )
            except GestionRefusee as erreur:
                form.add_error(erreur.champ, erreur.message)
            else:
                messages.success(request, _("L'habilitation a été enregistrée."))
                return redirect(url)
        status = 400
    try:
        services.verifier_modifiable(
            structure=structure, utilisateur=cible, acting_user=request.user
        )
        regle = None
    except GestionRefusee as erreur:
        regle = erreur.message
    return render(
        request,
        "habilitations/gestion/habilitations.html",
        _contexte(
            request,
            structure,
            cible=cible,
            form=form,
            regle=regle,
            habilitations=_habilitations(structure, cible),
        ),
        status=status,
    )


def utilisateur_copier_droits(request, pk, utilisateur_pk):
    """Copies the rights of this user (the source) to another user, after confirmation."""
    structure = _structure(request, pk, gestion=True)
    if refus := _methodes(request, "GET", "HEAD", "POST"):
        return refus
    source = _utilisateur(structure, utilisateur_pk)
    form = forms.CopierDroitsForm(data=request.POST or None, structure=structure, source=source)
    gabarit = "habilitations/gestion/copier_droits.html"
    if request.method == "POST" and form.is_valid():
        cible = form.cleaned_data["cible"]
        try:
            if form.cleaned_data["confirme"]:
                services.droits_copier(
                    structure=structure, source=source, cible=cible, acting_user=request.user
                )
                messages.success(
                    request,
                    _("Les droits de %(source)s ont été copiés vers %(cible)s.")
                    % {"source": source.get_full_name(), "cible": cible.get_full_name()},
                )
                return redirect(
                    "habilitations:utilisateur", pk=structure.pk, utilisateur_pk=cible.pk
                )
            services.copie_verifier(
                structure=structure, source=source, cible=cible, acting_user=request.user
            )
            gabarit = "habilitations/gestion/copier_droits_confirmer.html"
        except GestionRefusee as erreur:
            form.add_error(erreur.champ, erreur.message)
            gabarit = "habilitations/gestion/copier_droits.html"
        else:
            return render(
                request,
                gabarit,
                _contexte(
                    request,
                    structure,
                    source=source,
                    cible=cible,
                    habilitations_source=_habilitations(structure, source),
                    habilitations_cible=_habilitations(structure, cible),
                ),
            )
    return render(
        request,
        gabarit,
        _contexte(
            request,
            structure,
            source=source,
            form=form,
            habilitations_source=_habilitations(structure, source),
        ),
        status=400 if form.errors else 200,
    )


def utilisateur_detacher(request, pk, utilisateur_pk):
    """GET: the confirmation page; POST: detaches the user from the structure."""
    structure = _structure(request, pk, gestion=True)
    if refus := _methodes(request, "GET", "HEAD", "POST"):
        return refus
    cible = _utilisateur(structure, utilisateur_pk)
    if request.method == "POST":
        try:
            services.utilisateur_detacher(
                structure=structure, utilisateur=cible, acting_user=request.user
            )
        except GestionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("habilitations:utilisateur", pk=structure.pk, utilisateur_pk=cible.pk)
        messages.success(
            request,
            _("%(nom)s a été détaché de la structure.") % {"nom": cible.get_full_name()},
        )
        return redirect("habilitations:utilisateurs", pk=structure.pk)
    try:
        services.detachement_verifier(
            structure=structure, utilisateur=cible, acting_user=request.user
        )
        regle = None
    except GestionRefusee as erreur:
        regle = erreur.message
    return render(
        request,
        "habilitations/gestion/detacher.html",
        _contexte(
            request,
            structure,
            cible=cible,
            regle=regle,
            habilitations=_habilitations(structure, cible),
        ),
    )


# ---------------------------------------------------------------------------------------------
# The GP role


def transferer_gp(request, pk):
    """Only the GP hands his role over: choose, confirm, done."""
    structure = _structure(request, pk)
    if not services.est_gp(request.user, structure):
        raise PermissionDenied
    if refus := _methodes(request, "GET", "HEAD", "POST"):
        return refus
    form = forms.TransfertGpForm(data=request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        nouveau = form.cleaned_data["utilisateur"]
        try:
            if form.cleaned_data["confirme"]:
                services.gestionnaire_principal_transferer(
                    structure=structure, nouveau=nouveau, acting_user=request.user
                )
                messages.success(
                    request,
                    _("%(nom)s est désormais le gestionnaire principal de la structure.")
                    % {"nom": nouveau.get_full_name()},
                )
                return redirect("habilitations:utilisateurs", pk=structure.pk)
            services.transfert_verifier(
                structure=structure, nouveau=nouveau, acting_user=request.user
            )
        except GestionRefusee as erreur:
            form.add_error(erreur.champ, erreur.message)
        else:
            return render(
                request,
                "habilitations/gestion/transferer_gp_confirmer.html",
                _contexte(request, structure, nouveau=nouveau),
            )
    return render(
        request,
        "habilitations/gestion/transferer_gp.html",
        _contexte(request, structure, form=form),
        status=400 if form.errors else 200,
    )
