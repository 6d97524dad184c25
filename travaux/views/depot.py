"""Depositing a works piece: choose the piece and its dossier, fill it in (a draft), then
« Valider et envoyer » on a confirmation page (travaux.views.pieces.envoyer)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.formats.controles import FORMATS_STRUCTURES
from factures.forms.saisie import TAUX_USUELS, UNITES, LigneForm, LignesFormSet, initial_lignes
from factures.models import Facture
from habilitations.enums import Niveau
from travaux import acces
from travaux.enums import REFUS_DEFINITIFS as REFUS
from travaux.enums import RoleTravaux
from travaux.forms import ChoixDepotForm, PartiesForm, PieceForm
from travaux.models import DossierFacturation, PieceIncluse
from travaux.routage import CADRES_SOUS_TRAITANCE, cadres_deposes_par
from travaux.services import depot as services
from travaux.services.depot import INCLUSIBLES
from travaux.services.dossiers import Parties
from travaux.views.commun import (
    contexte_role,
    dossier_du_role,
    erreurs_dans,
    exiger_role,
    fichiers,
    piece_du_role,
    saisie,
    url_role,
)
from travaux.views.pieces import _exiger_action

GET_POST = require_http_methods(["GET", "POST"])
R = RoleTravaux
PREFIXE_LIGNES = "lignes"


def _ajouter_une_ligne(request) -> bool:
    return request.method == "POST" and request.POST.get("_action") == "ajouter_ligne"


def _avec_une_ligne_de_plus(post):
    """The posted form with one more blank line (its unit and rate as the inputs show)."""
    data = post.copy()
    cle = f"{PREFIXE_LIGNES}-TOTAL_FORMS"
    rang = int(data[cle]) if data.get(cle, "").isdigit() else 0
    data[cle] = str(rang + 1)
    for champ, valeur in LigneForm.VALEURS_PAR_DEFAUT.items():
        data.setdefault(f"{PREFIXE_LIGNES}-{rang}-{champ}", valeur)
    return data


def _lignes(request, piece=None, *, reprendre=False):
    """The typed lines (Factures émises' formset), None for a structured file's piece (a
    refused piece taken up offers its lines). A post without the lines' management form (an
    older page, a script) has no lines."""
    if not reprendre and piece is not None and piece.format_depot in FORMATS_STRUCTURES:
        return None
    if request.method != "POST":
        return LignesFormSet(
            prefix=PREFIXE_LIGNES, initial=initial_lignes(piece) if piece is not None else []
        )
    if f"{PREFIXE_LIGNES}-TOTAL_FORMS" not in request.POST:
        return LignesFormSet(prefix=PREFIXE_LIGNES)
    data = _avec_une_ligne_de_plus(request.POST) if _ajouter_une_ligne(request) else request.POST
    return LignesFormSet(data=data, prefix=PREFIXE_LIGNES)


def _lignes_valides(lignes) -> bool:
    return lignes is None or not lignes.is_bound or lignes.is_valid()


def _lignes_saisies(lignes) -> list[dict] | None:
    return lignes.lignes() if lignes is not None and lignes.is_bound else None


def _contexte_lignes(lignes) -> dict:
    return {"lignes": lignes, "unites": UNITES, "taux_usuels": TAUX_USUELS}


def code_court(cadre: str) -> str:
    return cadre.split("_", 1)[0].lower()


def _cadre(role, code: str) -> str:
    for cadre in cadres_deposes_par(role):
        if code_court(cadre) == code.lower():
            return cadre
    raise Http404


def _dossiers_ou_deposer(user, role):
    return (
        DossierFacturation.objects.visible_to(user, role, Niveau.MODIFICATION)
        .select_related("titulaire")
        .order_by("-cree_le", "-pk")[:200]
    )


@require_safe
def choisir(request, role):
    """First step: the piece to deposit and its dossier."""
    exiger_role(request, role)
    if not acces.ids_du_role(request.user, role, Niveau.MODIFICATION):
        raise PermissionDenied
    form = ChoixDepotForm(
        data=request.GET or None, role=role, dossiers=_dossiers_ou_deposer(request.user, role)
    )
    if form.is_bound and form.is_valid():
        url = url_role(role, "deposer_piece", code_court(form.cleaned_data["cadre"]))
        if form.cleaned_data["dossier"]:
            url += f"?dossier={form.cleaned_data['dossier']}"
        return redirect(url)
    return render(
        request,
        "travaux/deposer_choix.html",
        contexte_role(request, role, onglet="deposer", form=form),
    )


def _reprise(request, role, cadre, dossier):
    """The refused piece a corrected one takes up (`?reprise=`): same dossier and cadre."""
    valeur = request.GET.get("reprise", "")
    if not valeur.isdigit() or dossier is None:
        return None
    piece = piece_du_role(request, role, int(valeur))
    if piece.dossier_id != dossier.pk or piece.cadre != cadre or piece.statut not in REFUS:
        raise Http404
    return piece


def _deposant_du_dossier(dossier, role, cadre):
    if role == R.MOE:
        return dossier.moe
    if role == R.MOA:
        return dossier.moa
    return None if cadre in CADRES_SOUS_TRAITANCE else dossier.titulaire


def _inclusibles(dossier, cadre, piece=None):
    if dossier is None or cadre not in (
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
    ):
        return None
    deja = PieceIncluse.objects.all()
    if piece is not None:
        deja = deja.exclude(decompte=piece)
    return (
        Facture.objects.filter(
            dossier=dossier, cadre__in=CADRES_SOUS_TRAITANCE, statut__in=INCLUSIBLES
        )
        .exclude(pk__in=deja.values("piece"))
        .select_related("fournisseur")
        .order_by("deposee_le", "pk")
    )


@GET_POST
def deposer(request, role, cadre):
    """The form of one piece: its dossier's parties when it opens one, then its data."""
    exiger_role(request, role)
    cadre = _cadre(role, cadre)
    if not acces.ids_du_role(request.user, role, Niveau.MODIFICATION):
        raise PermissionDenied
    structures = acces.structures_du_role(request.user, role, Niveau.MODIFICATION)
    precedente = dossier = None
    if request.GET.get("precedente", "").isdigit():
        precedente = piece_du_role(request, role, int(request.GET["precedente"]))
        dossier = precedente.dossier
    elif request.GET.get("dossier", "").isdigit():
        dossier = dossier_du_role(request, role, int(request.GET["dossier"]))
    deposant = _deposant_du_dossier(dossier, role, cadre) if dossier else None
    reprise = _reprise(request, role, cadre, dossier)

    parties_form = None
    if dossier is None:
        parties_form = PartiesForm(
            data=saisie(request), role=role, cadre=cadre, structures=structures, prefix="parties"
        )
    elif deposant is None:  # a sub- or co-contractor continues a dossier: which structure
        parties_form = PartiesForm(
            data=saisie(request),
            role=role,
            cadre=cadre,
            structures=structures.exclude(pk=dossier.titulaire_id),
            base=Parties.du_dossier(dossier),
            champs={"structure", "cotraitant"},
            prefix="parties",
        )
    initial = {"date_facture": timezone.localdate()}
    if precedente is not None:
        initial.update(
            montant_ht=precedente.montant_ht,
            montant_tva=precedente.montant_tva,
            numero_engagement=precedente.numero_engagement,
        )
    if reprise is not None:
        initial.update(
            montant_ht=reprise.montant_ht,
            montant_tva=reprise.montant_tva,
            numero_engagement=reprise.numero_engagement,
            commentaire=reprise.commentaire,
        )
    piece_form = PieceForm(
        data=saisie(request),
        files=fichiers(request),
        initial=initial,
        inclusibles=_inclusibles(dossier, cadre),
    )
    lignes = _lignes(request, reprise, reprendre=True)
    formulaires_valides = piece_form.is_valid() if request.method == "POST" else False
    formulaires_valides = _lignes_valides(lignes) and formulaires_valides
    if parties_form is not None and request.method == "POST":
        formulaires_valides = parties_form.is_valid() and formulaires_valides
    if formulaires_valides and not _ajouter_une_ligne(request):
        autres = {
            "donnees": piece_form.donnees(),
            "precedente": precedente,
            "fichier": piece_form.cleaned_data.get("fichier"),
            "lignes": _lignes_saisies(lignes),
            "incluses": piece_form.cleaned_data.get("incluses") or (),
        }
        if parties_form is not None and "cotraitant" in parties_form.fields:
            autres["cotraitant"] = parties_form.cleaned_data.get("cotraitant")
        try:
            if dossier is None:
                parties = parties_form.parties()
                piece = services.piece_creer_pour_les_parties(
                    acting_user=request.user,
                    cadre=cadre,
                    parties=parties,
                    deposant=_deposant(parties_form, parties, role, cadre),
                    **autres,
                )
            else:
                piece = services.piece_creer(
                    acting_user=request.user,
                    cadre=cadre,
                    dossier=dossier,
                    deposant=deposant or parties_form.cleaned_data["structure"],
                    **autres,
                )
        except ValidationError as erreur:
            _erreurs(erreur, piece_form, parties_form)
        else:
            messages.success(
                request,
                _("Le brouillon %(numero)s est enregistré : vérifiez-le, puis envoyez-le.")
                % {"numero": piece.numero},
            )
            return redirect(url_role(role, "envoyer", piece.pk))
    return render(
        request,
        "travaux/deposer.html",
        contexte_role(
            request,
            role,
            onglet="deposer",
            cadre=cadre,
            libelle_cadre=Facture(cadre=cadre).get_cadre_display(),
            dossier=dossier,
            precedente=precedente,
            reprise=reprise,
            parties_form=parties_form,
            piece_form=piece_form,
            sous_traitance=cadre in CADRES_SOUS_TRAITANCE,
            **_contexte_lignes(lignes),
        ),
    )


def _deposant(parties_form, parties: Parties, role, cadre):
    if cadre in CADRES_SOUS_TRAITANCE:
        return parties_form.cleaned_data["structure"]
    return {R.MOE: parties.moe, R.MOA: parties.moa}.get(role, parties.titulaire)


def _erreurs(erreur: ValidationError, piece_form, parties_form) -> None:
    """A service's errors on the field they concern, in whichever form has it."""
    if not hasattr(erreur, "error_dict"):
        piece_form.add_error(None, erreur)
        return
    for champ, liste in erreur.error_dict.items():
        if parties_form is not None and champ in parties_form.fields:
            parties_form.add_error(champ, liste)
        elif champ in piece_form.fields:
            piece_form.add_error(champ, liste)
        else:
            piece_form.add_error(None, liste)


@GET_POST
def modifier(request, role, pk):
    """Edit a draft (its dossier, cadre and the piece it answers stay)."""
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk)
    if (retour := _exiger_action(request, piece, role, A.VALIDER_ET_ENVOYER)) is not None:
        return retour
    initial = {
        "numero": piece.numero,
        "date_facture": piece.date_facture,
        "montant_ht": piece.montant_ht,
        "montant_tva": piece.montant_tva,
        "numero_engagement": piece.numero_engagement,
        "commentaire": piece.commentaire,
        "incluses": list(
            PieceIncluse.objects.filter(decompte=piece).values_list("piece", flat=True)
        ),
    }
    form = PieceForm(
        data=saisie(request),
        files=fichiers(request),
        initial=initial,
        inclusibles=_inclusibles(piece.dossier, piece.cadre, piece),
        structuree=piece.format_depot in FORMATS_STRUCTURES,
    )
    lignes = _lignes(request, piece)
    valides = form.is_valid() & _lignes_valides(lignes) if request.method == "POST" else False
    if valides and not _ajouter_une_ligne(request):
        try:
            services.piece_modifier(
                piece=piece,
                acting_user=request.user,
                donnees=form.donnees(),
                fichier=form.cleaned_data.get("fichier"),
                lignes=_lignes_saisies(lignes),
                incluses=form.cleaned_data.get("incluses") or (),
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        else:
            messages.success(request, _("Le brouillon est modifié."))
            return redirect(url_role(role, "envoyer", piece.pk))
    return render(
        request,
        "travaux/modifier.html",
        contexte_role(
            request,
            role,
            piece=piece,
            piece_form=form,
            statut_brouillon=S.BROUILLON,
            **_contexte_lignes(lignes),
        ),
    )
