"""One works piece in a role: its page, and what the role does with it — send a draft,
delete it, take the piece into account, validate or refuse it, correct a routing error,
download its file. Each action has a confirmation page (GET) and acts on POST."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from chorus import documents
from chorus.workflow import ActionImpossible, TransitionRefusee
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import StatutFacture as S
from factures.models import Telechargement, TypeTelechargement
from factures.views.controles import suivre_les_controles
from travaux import acces
from travaux.enums import ERREURS_D_ACHEMINEMENT, REFUS_DEFINITIFS
from travaux.forms import ConfirmationForm, MotifForm, PartiesForm
from travaux.models import PieceIncluse
from travaux.routage import DEPOSANT, reponses_possibles
from travaux.services import depot as services_depot
from travaux.services.dossiers import Parties
from travaux.services.traitement import (
    ERREURS_DE_VALIDEUR,
    champs_corrigeables,
    piece_corriger_acheminement,
    piece_traiter,
)
from travaux.views.commun import (
    ROLES_DU_CIRCUIT,
    actions_du_role,
    contenu_de_la_piece,
    contexte_role,
    erreurs_dans,
    exiger_role,
    piece_du_role,
    saisie,
    url_role,
)

GET_POST = require_http_methods(["GET", "POST"])

# The actions of the « traiter » page: URL segment -> (action, page title, motif label).
TRAITEMENTS = {
    "prendre-en-compte": (A.PRENDRE_EN_COMPTE, gettext_lazy("Prendre en compte"), None),
    "refuser": (
        A.REFUSER,
        gettext_lazy("Refuser pour autre motif"),
        gettext_lazy("Motif du refus"),
    ),
    "signaler-erreur": (
        A.SIGNALER_ERREUR_ACHEMINEMENT,
        gettext_lazy("Refuser pour erreur d'acheminement"),
        gettext_lazy("Qu'est-ce qui est erroné ? (destinataire, service…)"),
    ),
    "valider": (A.VALIDER, gettext_lazy("Valider"), gettext_lazy("Complément d'information")),
    "completer": (
        A.COMPLETER,
        gettext_lazy("Compléter"),
        gettext_lazy("Complément d'information pour le service financier"),
    ),
    "signaler-erreur-valideur": (
        A.SIGNALER_ERREUR_VALIDEUR,
        gettext_lazy("Refuser : je ne suis pas le bon valideur"),
        gettext_lazy("Motif"),
    ),
}
SEGMENT_DE = {action: segment for segment, (action, _t, _m) in TRAITEMENTS.items()}


def _suivantes(piece, role, actions) -> list[dict]:
    """« Déposer la pièce de facturation suivante »: the answers this role may deposit to
    the piece, or (for its depositor) the next piece of the same kind in the dossier."""
    liens = []
    if any(t.action == A.ASSOCIER for t in actions):
        for cadre in reponses_possibles(piece.cadre, piece.dossier.moa.presence_moa):
            if DEPOSANT[cadre] == role:
                liens.append(
                    {
                        "cadre": cadre,
                        "url": f"{url_role(role, 'deposer_piece', cadre.split('_')[0].lower())}"
                        f"?precedente={piece.pk}",
                    }
                )
    if (
        not liens
        and DEPOSANT.get(piece.cadre) == role
        and piece.statut not in (S.BROUILLON, *REFUS_DEFINITIFS)
    ):
        liens.append(
            {
                "cadre": piece.cadre,
                "url": f"{url_role(role, 'deposer_piece', piece.cadre.split('_')[0].lower())}"
                f"?dossier={piece.dossier_id}",
            }
        )
    return liens


@require_safe
def detail(request, role, pk):
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk, select_related=("cree_par", "document_original"))
    actions = actions_du_role(piece, request.user, role)
    codes = {t.action for t in actions}
    traitements = [
        {"segment": SEGMENT_DE[t.action], "libelle": TRAITEMENTS[SEGMENT_DE[t.action]][1]}
        for t in actions
        if t.action in SEGMENT_DE
    ]
    return render(
        request,
        "travaux/piece.html",
        contexte_role(
            request,
            role,
            piece=piece,
            contenu=contenu_de_la_piece(piece),
            deposant=services_depot.structure_deposante(piece),
            historique=list(piece.historique.select_related("acteur").order_by("date", "pk")),
            suivantes_du_dossier=list(
                piece.pieces_suivantes.exclude(statut__in=[S.BROUILLON, S.SUPPRIMEE])
            ),
            incluses=[
                i.piece
                for i in PieceIncluse.objects.filter(decompte=piece).select_related(
                    "piece__fournisseur"
                )
            ],
            traitements=traitements,
            peut_envoyer=A.VALIDER_ET_ENVOYER in codes,
            peut_supprimer=A.SUPPRIMER in codes,
            peut_corriger=bool(codes & {A.RECYCLER, A.CORRIGER_VALIDEUR}),
            suivantes=_suivantes(piece, role, actions),
            corriger_url=_url_pour_corriger(request, piece, role),
            refus=_refus(piece),
        ),
    )


@require_safe
def controles(request, role, pk):
    """The progress of a piece's file checks, polled by htmx: the same fragment while they
    run; once done, htmx is told to reload the page, which then shows the findings. Without
    htmx, back to the piece's page."""
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk)
    return suivre_les_controles(
        request,
        piece,
        fragment="travaux/_controles_piece.html",
        contexte={"piece": piece, "role": role},
        page=url_role(role, "detail", piece.pk),
    )


def _url_pour_corriger(request, piece, role) -> str | None:
    """« Déposer une pièce corrigée »: for the depositor of a refused piece, a new piece of
    the same cadre in its dossier, pre-filled from it."""
    if piece.statut not in REFUS_DEFINITIFS or DEPOSANT.get(piece.cadre) != role:
        return None
    if not acces.peut_agir(request.user, role, services_depot.structure_deposante(piece)):
        return None
    code = piece.cadre.split("_")[0].lower()
    return f"{url_role(role, 'deposer_piece', code)}?dossier={piece.dossier_id}&reprise={piece.pk}"


def _refus(piece):
    """The history row of a refusal, with its motif and author."""
    if piece.statut not in (*REFUS_DEFINITIFS, *ERREURS_D_ACHEMINEMENT):
        return None
    return piece.historique.select_related("acteur").order_by("-date", "-pk").first()


def _exiger_action(request, piece, role, action):
    """The action must be one of the role's on this piece: 403 if the user may not do it at
    all (another role's, or consultation only); if he could but the piece has moved on (done
    meanwhile…), a message and back to the piece."""
    circuit = circuit_de(piece)
    roles = set(circuit.roles_de(request.user, piece)) & ROLES_DU_CIRCUIT[role]
    transition = circuit.trouver(piece.statut, action)
    if transition is not None and transition.roles & roles:
        return None
    if transition is None and any(
        t.action == action and t.roles & roles for t in circuit.transitions
    ):
        messages.error(
            request,
            _(
                "Action impossible : la pièce est au statut « %(statut)s ». Elle a peut-être "
                "déjà été traitée ; la page a été actualisée."
            )
            % {"statut": piece.get_statut_display()},
        )
        return redirect(url_role(role, "detail", piece.pk))
    raise PermissionDenied


@GET_POST
def traiter(request, role, pk, action):
    exiger_role(request, role)
    if action not in TRAITEMENTS:
        raise Http404
    code, titre, libelle_motif = TRAITEMENTS[action]
    piece = piece_du_role(request, role, pk)
    if (retour := _exiger_action(request, piece, role, code)) is not None:
        return retour
    obligatoire = code not in (A.PRENDRE_EN_COMPTE, A.VALIDER)
    form = (
        MotifForm(data=saisie(request), obligatoire=obligatoire, libelle=libelle_motif)
        if libelle_motif
        else ConfirmationForm(data=saisie(request))
    )
    if request.method == "POST" and form.is_valid():
        try:
            piece_traiter(
                piece=piece,
                acting_user=request.user,
                action=code,
                motif=form.cleaned_data.get("motif", ""),
            )
        except TransitionRefusee as refus:
            messages.error(request, refus.message)
        else:
            messages.success(
                request,
                _("« %(action)s » : c'est fait pour la pièce %(numero)s.")
                % {"action": titre, "numero": piece.numero},
            )
        return redirect(url_role(role, "detail", piece.pk))
    return render(
        request,
        "travaux/traiter.html",
        contexte_role(request, role, piece=piece, form=form, titre=titre, action=action, code=code),
    )


@GET_POST
def envoyer(request, role, pk):
    """« Valider et envoyer », after a summary of what will be sent and to whom."""
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk, select_related=("document_original",))
    if (retour := _exiger_action(request, piece, role, A.VALIDER_ET_ENVOYER)) is not None:
        return retour
    form = ConfirmationForm(data=saisie(request))
    if request.method == "POST" and form.is_valid():
        try:
            piece = services_depot.piece_envoyer(piece=piece, acting_user=request.user)
        except (TransitionRefusee, ValidationError) as erreur:
            message = (
                erreur.message
                if isinstance(erreur, TransitionRefusee)
                else " ".join(erreur.messages)
            )
            messages.error(request, message)
            return redirect(url_role(role, "detail", pk))
        messages.success(
            request,
            _("La pièce %(numero)s est envoyée : %(statut)s.")
            % {"numero": piece.numero, "statut": piece.get_statut_display()},
        )
        return redirect(url_role(role, "dossier", piece.dossier_id))
    return render(
        request,
        "travaux/envoyer.html",
        contexte_role(
            request,
            role,
            piece=piece,
            contenu=contenu_de_la_piece(piece),
            form=form,
            incluses=[
                i.piece for i in PieceIncluse.objects.filter(decompte=piece).select_related("piece")
            ],
        ),
    )


@GET_POST
def supprimer(request, role, pk):
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk)
    if (retour := _exiger_action(request, piece, role, A.SUPPRIMER)) is not None:
        return retour
    form = ConfirmationForm(data=saisie(request))
    if request.method == "POST" and form.is_valid():
        dossier_id = piece.dossier_id
        try:
            services_depot.piece_supprimer(piece=piece, acting_user=request.user)
        except TransitionRefusee as refus:
            messages.error(request, refus.message)
            return redirect(url_role(role, "detail", pk))
        messages.success(request, _("Le brouillon est supprimé."))
        return redirect(url_role(role, "dossier", dossier_id))
    return render(
        request, "travaux/supprimer.html", contexte_role(request, role, piece=piece, form=form)
    )


@GET_POST
def corriger(request, role, pk):
    """After a routing error, the depositor names the right recipient; same number."""
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk)
    action = A.CORRIGER_VALIDEUR if piece.statut in ERREURS_DE_VALIDEUR else A.RECYCLER
    if (retour := _exiger_action(request, piece, role, action)) is not None:
        return retour
    base = Parties.du_dossier(piece.dossier)
    champs = champs_corrigeables(piece)
    initial = {
        "numero_marche": base.numero_marche,
        **{
            nom: getattr(base, nom).identifiant
            for nom in ("titulaire", "moa", "moe", "structure_financiere")
            if getattr(base, nom) is not None
        },
        **{
            nom: getattr(base, nom).code
            for nom in ("service_moa", "service_financier")
            if getattr(base, nom) is not None
        },
    }
    form = PartiesForm(
        data=saisie(request),
        initial=initial,
        role=role,
        cadre=piece.cadre,
        base=base,
        champs=champs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            piece = piece_corriger_acheminement(
                piece=piece, acting_user=request.user, parties=form.parties()
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except ActionImpossible as refus:
            messages.error(request, refus.message)
            return redirect(url_role(role, "detail", pk))
        else:
            messages.success(
                request,
                _("La pièce %(numero)s est renvoyée : %(statut)s.")
                % {"numero": piece.numero, "statut": piece.get_statut_display()},
            )
            return redirect(url_role(role, "detail", piece.pk))
    motif = piece.historique.exclude(motif="").order_by("-date", "-pk").first()
    return render(
        request,
        "travaux/corriger.html",
        contexte_role(request, role, piece=piece, form=form, motif=motif),
    )


@require_safe
def certificat(request, role, pk):
    """The certificat de dépôt of a piece deposited with its file."""
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk, select_related=("document_certificat",))
    if piece.document_certificat is None:
        raise Http404
    return documents.telecharger(request, piece.document_certificat)


@require_safe
def telecharger(request, role, pk):
    exiger_role(request, role)
    piece = piece_du_role(request, role, pk, select_related=("document_original",))
    if piece.document_original is None:
        raise Http404
    Telechargement.objects.create(
        facture=piece, utilisateur=request.user, type_document=TypeTelechargement.FACTURE
    )
    return documents.telecharger(request, piece.document_original)
