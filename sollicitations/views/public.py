"""Pages without an account: the contact form, the follow-up by signed link, the help centre.

Access, in words: open to everyone (no sign-in). The follow-up pages answer only to a valid
signed link, naming a request filed without an account (else 404, with a clear page); they
never show internal notes. The contact form is rate-limited and guarded against robots
(`sollicitations.antirobot`).
"""

from __future__ import annotations

from functools import wraps

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chorus.workflow import MotifObligatoire, TransitionRefusee
from sollicitations import antirobot, liens
from sollicitations.acces import DemandeurParLien
from sollicitations.circuits import SOLLICITATION
from sollicitations.enums import (
    EN_COURS_POUR_LE_DEMANDEUR,
    StatutSollicitation,
)
from sollicitations.enums import ActionSollicitation as A
from sollicitations.forms import SousCategorieForm, choix_sous_categories
from sollicitations.forms.contact import ContactForm
from sollicitations.forms.depot import MessageDemandeurForm, RenvoiForm, SollicitationForm
from sollicitations.forms.desk import RechercheAideForm
from sollicitations.models import (
    ArticleAide,
    PieceJointeSollicitation,
    Sollicitation,
    SousCategorie,
)
from sollicitations.services import aide, conversation, depot
from sollicitations.views.commun import conversation as fil
from sollicitations.views.commun import (
    diffuser,
    erreurs_dans,
    habiller,
    historique_lisible,
)

# --- Contact form ---------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def contact(request):
    form = ContactForm(data=request.POST or None)
    if request.method == "POST":
        adresse_ip = get_client_ip_address(request) or "inconnue"
        email = request.POST.get("email", "")
        if antirobot.limite_atteinte(adresse_ip=adresse_ip, email=email):
            form.add_error(
                None,
                _(
                    "Vous avez déjà envoyé plusieurs demandes dans l'heure : réessayez plus "
                    "tard. Si c'est urgent, répondez au courriel de votre première demande."
                ),
            )
        elif form.is_valid():
            try:
                sollicitation = depot.sollicitation_publique_deposer(
                    email=form.cleaned_data["email"],
                    sous_categorie=form.cleaned_data["sous_categorie_objet"],
                    objet=form.cleaned_data["objet"],
                    description=form.cleaned_data["description"],
                    langue=get_language() or "fr",
                )
            except ValidationError as erreur:
                erreurs_dans(form, erreur)
            else:
                antirobot.compter(adresse_ip=adresse_ip, email=email)
                messages.success(
                    request,
                    _(
                        "Votre demande est enregistrée sous le numéro %(numero)s. Un courriel "
                        "vous l'a confirmé, avec le lien de cette page pour suivre la réponse."
                    )
                    % {"numero": sollicitation.numero},
                )
                return redirect(liens.chemin_suivi(sollicitation))
        form.nouvelle_verification()
    objet = form.data.get("objet", "") if form.is_bound else ""
    return render(
        request,
        "sollicitations/public/contact.html",
        {"form": form, "suggestions": list(aide.rechercher(objet)) if objet else []},
    )


@login_not_required
@require_safe
def sous_categories(request):
    """The sub-category field for one category (htmx swaps it into the form)."""
    sans_compte = request.GET.get("sans_compte") == "1"
    choix = choix_sous_categories(sans_compte=sans_compte)
    categorie = request.GET.get("categorie", "")
    if categorie.isdigit():
        gardees = {
            str(pk)
            for pk in SousCategorie.objects.proposees(sans_compte=sans_compte)
            .filter(categorie_id=categorie)
            .values_list("pk", flat=True)
        }
        choix = [choix[0]] + [
            (groupe, options)
            for groupe, options in choix[1:]
            if any(valeur in gardees for valeur, _l in options)
        ]
    aide_champ = "" if sans_compte else SollicitationForm.base_fields["sous_categorie"].help_text
    form = SousCategorieForm(choix=choix, aide=aide_champ)
    return render(request, "sollicitations/_sous_categorie.html", {"form": form})


# --- Follow-up by signed link ------------------------------------------------------------


def par_lien(vue):
    """Resolves the signed link into its request (filed without an account): the view gets
    (request, sollicitation, jeton, ...). A forged, altered or expired link gets a clear page
    (404), and never tells whether a request exists."""

    @wraps(vue)
    def enveloppe(request, jeton, *args, **kwargs):
        try:
            pk = liens.lire_jeton(jeton)
        except liens.LienInvalide as erreur:
            return render(
                request,
                "sollicitations/public/lien_invalide.html",
                {"expire": erreur.expire},
                status=404,
            )
        sollicitation = get_object_or_404(
            Sollicitation.objects.filter(demandeur__isnull=True)
            .exclude(statut=StatutSollicitation.BROUILLON)
            .select_related("sous_categorie__categorie"),
            pk=pk,
        )
        return vue(request, sollicitation, jeton, *args, **kwargs)

    return enveloppe


def _contexte_suivi(sollicitation, jeton, **formulaires) -> dict:
    acteur = DemandeurParLien(sollicitation.pk)
    actions = {t.action for t in SOLLICITATION.actions_possibles(sollicitation, acteur)}
    return {
        "sollicitation": habiller([sollicitation])[0],
        "jeton": jeton,
        "messages_fil": fil(sollicitation, pour_le_desk=False),
        "historique": historique_lisible(sollicitation, pour_le_desk=False),
        "peut_ecrire": sollicitation.statut
        in [*EN_COURS_POUR_LE_DEMANDEUR, StatutSollicitation.EN_ATTENTE_COMPLEMENT],
        "attend_complement": sollicitation.statut == StatutSollicitation.EN_ATTENTE_COMPLEMENT,
        "peut_renvoyer": A.RENVOYER in actions,
        "peut_cloturer": A.CLOTURER in actions,
        "form": formulaires.get("form") or MessageDemandeurForm(),
        "form_renvoi": formulaires.get("form_renvoi") or RenvoiForm(prefix="renvoi"),
    }


@login_not_required
@require_safe
@par_lien
def suivi(request, sollicitation, jeton):
    return render(
        request, "sollicitations/public/suivi.html", _contexte_suivi(sollicitation, jeton)
    )


@login_not_required
@require_POST
@par_lien
def suivi_ecrire(request, sollicitation, jeton):
    form = MessageDemandeurForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            conversation.demandeur_ecrire(
                sollicitation=sollicitation,
                acteur=DemandeurParLien(sollicitation.pk),
                texte=form.cleaned_data["texte"],
                fichiers=form.cleaned_data["fichiers"],
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:suivi", jeton=jeton)
        else:
            messages.success(request, _("Votre message a été envoyé."))
            return redirect("sollicitations:suivi", jeton=jeton)
    return render(
        request,
        "sollicitations/public/suivi.html",
        _contexte_suivi(sollicitation, jeton, form=form),
    )


@login_not_required
@require_POST
@par_lien
def suivi_renvoyer(request, sollicitation, jeton):
    form = RenvoiForm(data=request.POST, files=request.FILES, prefix="renvoi")
    if form.is_valid():
        try:
            conversation.demandeur_renvoyer(
                sollicitation=sollicitation,
                acteur=DemandeurParLien(sollicitation.pk),
                motif=form.cleaned_data["motif"],
                fichiers=form.cleaned_data["fichiers"],
            )
        except ValidationError as erreur:
            erreurs_dans(form, erreur)
        except MotifObligatoire as erreur:
            form.add_error("motif", erreur.message)
        except TransitionRefusee as erreur:
            messages.error(request, erreur.message)
            return redirect("sollicitations:suivi", jeton=jeton)
        else:
            messages.success(request, _("Votre demande a été renvoyée au support."))
            return redirect("sollicitations:suivi", jeton=jeton)
    return render(
        request,
        "sollicitations/public/suivi.html",
        _contexte_suivi(sollicitation, jeton, form_renvoi=form),
    )


@login_not_required
@require_POST
@par_lien
def suivi_cloturer(request, sollicitation, jeton):
    try:
        conversation.demandeur_cloturer(
            sollicitation=sollicitation, acteur=DemandeurParLien(sollicitation.pk)
        )
    except TransitionRefusee as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(request, _("Votre demande est clôturée. Merci de votre retour."))
    return redirect("sollicitations:suivi", jeton=jeton)


@login_not_required
@require_safe
@par_lien
def suivi_piece(request, sollicitation, jeton, piece_pk):
    piece = get_object_or_404(
        PieceJointeSollicitation.objects.select_related("document", "message"),
        pk=piece_pk,
        sollicitation=sollicitation,
    )
    if piece.interne:
        raise Http404
    return diffuser(piece.document)


# --- Help centre ------------------------------------------------------------------------------


@login_not_required
@require_safe
def aide_accueil(request):
    form = RechercheAideForm(data=request.GET or None)
    texte = form.cleaned_data["q"] if form.is_valid() else ""
    articles = (
        aide.rechercher(texte, limite=None) if texte.strip() else ArticleAide.objects.publies()
    )
    return render(
        request,
        "sollicitations/aide/accueil.html",
        {"form": form, "articles": list(articles), "texte": texte},
    )


@login_not_required
@require_safe
def article(request, slug):
    article = get_object_or_404(ArticleAide.objects.publies(), slug=slug)
    return render(request, "sollicitations/aide/article.html", {"article": article})


@login_not_required
@require_safe
def suggestions(request):
    """Help articles matching a request's summary: a fragment for htmx, the help centre's
    results page otherwise."""
    texte = request.GET.get("objet", "") or request.GET.get("q", "")
    articles = list(aide.rechercher(texte))
    if request.htmx:
        return render(request, "sollicitations/aide/_suggestions.html", {"suggestions": articles})
    return render(
        request,
        "sollicitations/aide/accueil.html",
        {"form": RechercheAideForm(initial={"q": texte}), "articles": articles, "texte": texte},
    )
