from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HabilitationsConfig(AppConfig):
    name = "habilitations"
    verbose_name = _("Utilisateurs et habilitations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from habilitations.middleware import controle_fait_a_la_connexion

        user_logged_in.connect(controle_fait_a_la_connexion, dispatch_uid="habilitations-2fa")
