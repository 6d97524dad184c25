from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChorusConfig(AppConfig):
    """The project package is an app too: it holds the models of the cross-cutting cores
    (documents, notifications) and the `demo` command."""

    name = "chorus"
    verbose_name = _("Socle du portail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from chorus import lookups  # noqa: F401  (registers `__any` on every field)
