from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TravauxConfig(AppConfig):
    name = "travaux"
    verbose_name = _("Factures de travaux")
    default_auto_field = "django.db.models.BigAutoField"
