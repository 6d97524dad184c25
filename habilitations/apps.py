from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HabilitationsConfig(AppConfig):
    name = "habilitations"
    verbose_name = _("Utilisateurs et habilitations")
    default_auto_field = "django.db.models.BigAutoField"
