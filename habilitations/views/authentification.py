import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from chorus.langue import poser_cookie_langue
from habilitations import forms, services
from habilitations.forms.compte import CodeForm
from habilitations.services import compte as services_compte
from habilitations.views.compte import qr_svg

# The sign-in's second step: after a correct password, a user who has (or must have)
# two-factor authentication is NOT signed in yet. His id waits in the session until he
# types a valid code; only then is he signed in.
CONNEXION_EN_ATTENTE = "connexion_en_attente"
DUREE_ETAPE_CODE = 10 * 60  # seconds to type the code after the password
ESSAIS_CODE = 5


def terminer_connexion(request, user, suivant: str, appareil=None):
    """Signs the user in (verified by `appareil` when given) and sends him on."""
    if appareil is not None:
        user.otp_device = appareil  # django-otp marks the session as verified on login
    login(request, user, backend=user.backend)
    # The interface follows the language chosen on the account.
    translation.activate(user.langue)
    response = HttpResponseRedirect(suivant)
    poser_cookie_langue(response, user.langue)
    messages.success(request, _("Bienvenue, %(nom)s.") % {"nom": user.get_full_name()})
    return response


class Connexion(auth_views.LoginView):
    template_name = "habilitations/connexion.html"
    form_class = forms.ConnexionForm
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # On its own page the form takes the focus; on the home page it must not scroll it.
        form.fields["username"].widget.attrs["autofocus"] = True
        return form

    def form_valid(self, form):
        user = form.get_user()
        suivant = self.get_success_url()
        if not services_compte.code_requis_a_la_connexion(user):
            return terminer_connexion(self.request, user, suivant)
        # A fresh session id for the pending step, as login() would do.
        self.request.session.cycle_key()
        self.request.session[CONNEXION_EN_ATTENTE] = {
            "utilisateur": user.pk,
            "backend": user.backend,
            "suivant": suivant,
            "echecs": 0,
            "depuis": time.time(),
        }
        return redirect("habilitations:connexion_verification")


def _utilisateur_en_attente(request):
    attente = request.session.get(CONNEXION_EN_ATTENTE)
    if not attente or time.time() - attente.get("depuis", 0) > DUREE_ETAPE_CODE:
        return None, None
    user = get_user_model().objects.filter(pk=attente["utilisateur"], is_active=True).first()
    if user is not None:
        user.backend = attente["backend"]
    return user, attente


@login_not_required
@require_http_methods(["GET", "POST"])
def connexion_verification(request):
    """Second step of the sign-in: the one-time code of the user's authentication app, or,
    when one of his structures requires it and he has none yet, setting one up."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    user, attente = _utilisateur_en_attente(request)
    if user is None:
        request.session.pop(CONNEXION_EN_ATTENTE, None)
        messages.error(
            request,
            _("Votre connexion a expiré ou n'a pas commencé : saisissez vos identifiants."),
        )
        return redirect("habilitations:connexion")
    appareil = services_compte.appareil_confirme(user)
    configuration = appareil is None
    if configuration:
        if not services_compte.double_authentification_obligatoire(user):
            request.session.pop(CONNEXION_EN_ATTENTE, None)
            return terminer_connexion(request, user, attente["suivant"])
        appareil = services_compte.double_authentification_preparer(utilisateur=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if configuration:
                services_compte.double_authentification_confirmer(
                    utilisateur=user, appareil=appareil, code=code
                )
            else:
                services_compte.code_verifier(appareil=appareil, code=code)
        except services_compte.CodeTropRapide as erreur:
            form.add_error("code", erreur.message)
        except services_compte.CodeRefuse as erreur:
            attente["echecs"] += 1
            request.session.modified = True
            restants = ESSAIS_CODE - attente["echecs"]
            if restants <= 0:
                request.session.pop(CONNEXION_EN_ATTENTE, None)
                messages.error(
                    request,
                    _("%(n)s codes erronés : reconnectez-vous avec votre mot de passe.")
                    % {"n": ESSAIS_CODE},
                )
                return redirect("habilitations:connexion")
            form.add_error(
                "code",
                "{} {}".format(
                    erreur.message,
                    ngettext("Il vous reste %(n)s essai.", "Il vous reste %(n)s essais.", restants)
                    % {"n": restants},
                ),
            )
        else:
            request.session.pop(CONNEXION_EN_ATTENTE, None)
            if configuration:
                appareil.refresh_from_db()
            response = terminer_connexion(request, user, attente["suivant"], appareil)
            if configuration:
                messages.success(request, _("La double authentification est activée."))
            return response
    contexte = {"form": form, "configuration": configuration}
    if configuration:
        contexte |= {"qr": qr_svg(appareil), "secret": services_compte.secret_lisible(appareil)}
    return render(request, "habilitations/compte/connexion_verification.html", contexte)


class Deconnexion(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Vous êtes déconnecté."))
        return response


class MotDePasseOublie(auth_views.PasswordResetView):
    template_name = "habilitations/mot_de_passe_oublie.html"
    form_class = forms.MotDePasseOublieForm  # its save() hands the e-mail to the worker
    success_url = reverse_lazy("habilitations:mot_de_passe_oublie_envoye")


class MotDePasseOublieEnvoye(auth_views.PasswordResetDoneView):
    template_name = "habilitations/mot_de_passe_oublie_envoye.html"


class NouveauMotDePasse(auth_views.PasswordResetConfirmView):
    template_name = "habilitations/mot_de_passe_nouveau.html"
    form_class = forms.NouveauMotDePasseForm
    success_url = reverse_lazy("habilitations:connexion")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.mot_de_passe_modifie_notifier(utilisateur=form.user)
        messages.success(
            self.request,
            _("Votre mot de passe a été réinitialisé. Vous pouvez vous connecter."),
        )
        return response


class ChangerMotDePasse(auth_views.PasswordChangeView):
    template_name = "habilitations/mot_de_passe_changer.html"
    form_class = forms.ChangerMotDePasseForm
    success_url = reverse_lazy("habilitations:mon_compte")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.mot_de_passe_modifie_notifier(utilisateur=form.user)
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return response
