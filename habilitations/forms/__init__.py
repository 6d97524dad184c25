from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from chorus.forms import FormulaireDsfr


class ConnexionForm(FormulaireDsfr, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Après 5 échecs, "
            "le compte est verrouillé pendant une heure."
        ),
        "inactive": _("Ce compte est désactivé."),
    }


class MotDePasseOublieForm(FormulaireDsfr, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse électronique de connexion"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, **_options) -> None:
        """Hands each matching account (active, with a password) to the worker, which writes
        and sends its link (habilitations.services.reinitialisation); the request neither
        waits for the mail server nor fails with it."""
        from habilitations import tasks

        for utilisateur in self.get_users(self.cleaned_data["email"]):
            tasks.envoyer_lien_reinitialisation.delay(utilisateur.pk)


AIDE_MOT_DE_PASSE = _(
    "Au moins 12 caractères ; ni trop courant, ni uniquement des chiffres, ni trop proche de "
    "votre nom ou de votre adresse électronique."
)


class NouveauMotDePasseForm(FormulaireDsfr, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One plain sentence rather than Django's list, which cannot sit inside a <label>.
        self.fields["new_password1"].help_text = AIDE_MOT_DE_PASSE


class ChangerMotDePasseForm(FormulaireDsfr, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = AIDE_MOT_DE_PASSE
