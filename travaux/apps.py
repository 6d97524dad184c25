from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TravauxConfig(AppConfig):
    name = "travaux"
    verbose_name = _("Factures de travaux")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The works circuits, keyed by cadre, join the invoice circuits (factures.circuits).
        from travaux import circuits

        circuits.enregistrer()
