from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacturesConfig(AppConfig):
    name = "factures"
    verbose_name = _("Factures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from factures import signaux  # noqa: F401  (the returns dialog at sign-in)
