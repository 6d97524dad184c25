from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SollicitationsConfig(AppConfig):
    name = "sollicitations"
    verbose_name = _("Sollicitations")
    default_auto_field = "django.db.models.BigAutoField"
