"""Sign-up, activation link, new activation link: public pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from habilitations.forms.inscription import ActivationRenvoyerForm, InscriptionForm
from habilitations.services import inscription as services


@login_not_required
@require_http_methods(["GET", "POST"])
def inscription(request):
    """Creates an account: inactive until its activation link is followed."""
    if request.user.is_authenticated:
        return redirect("accueil")
    form = InscriptionForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.compte_creer(**form.donnees_du_compte(), langue=translation.get_language())
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, _("Votre compte est créé : il reste à l'activer."))
            return redirect("habilitations:inscription_envoyee")
    return render(request, "habilitations/inscription/inscription.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def inscription_envoyee(request):
    return render(request, "habilitations/inscription/envoyee.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def activation(request, uidb64, token):
    """GET shows the button (mail scanners that open links activate nothing); POST
    activates the account and leads to the sign-in page."""
    utilisateur = services.utilisateur_du_lien(uidb64)
    erreur = None
    if request.method == "POST":
        try:
            if utilisateur is None:
                services.lien_verifier(utilisateur=None, jeton=token)
            services.compte_activer(utilisateur=utilisateur, jeton=token)
        except services.ActivationImpossible as refus:
            erreur = refus
        else:
            messages.success(
                request, _("Votre compte est activé. Vous pouvez maintenant vous connecter.")
            )
            return redirect(
                "accueil" if request.user.is_authenticated else "habilitations:connexion"
            )
    else:
        try:
            services.lien_verifier(utilisateur=utilisateur, jeton=token)
        except services.ActivationImpossible as refus:
            erreur = refus
    return render(
        request,
        "habilitations/inscription/activation.html",
        {
            "erreur": erreur,
            "utilisateur_du_lien": utilisateur if erreur is None else None,
            "form": ActivationRenvoyerForm(),
        },
        status=200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def activation_renvoyer(request):
    """Sends a new activation link; the answer is the same whether an account exists or not."""
    form = ActivationRenvoyerForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.activation_renvoyer(email=form.cleaned_data["email"])
        return redirect("habilitations:inscription_envoyee")
    return render(request, "habilitations/inscription/activation_renvoyer.html", {"form": form})
