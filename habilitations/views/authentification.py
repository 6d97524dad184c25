from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chorus.langue import poser_cookie_langue
from habilitations import forms, services


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
        response = super().form_valid(form)
        # The interface follows the language chosen on the account.
        translation.activate(self.request.user.langue)
        poser_cookie_langue(response, self.request.user.langue)
        messages.success(
            self.request,
            _("Bienvenue, %(nom)s.") % {"nom": self.request.user.get_full_name()},
        )
        return response


class Deconnexion(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Vous êtes déconnecté."))
        return response


class MotDePasseOublie(auth_views.PasswordResetView):
    template_name = "habilitations/mot_de_passe_oublie.html"
    form_class = forms.MotDePasseOublieForm
    email_template_name = "habilitations/emails/reinitialisation_body.txt"
    subject_template_name = "habilitations/emails/reinitialisation_subject.txt"
    success_url = reverse_lazy("habilitations:mot_de_passe_oublie_envoye")
    extra_email_context = {"portail": settings.PORTAIL_NOM}


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
