from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TravauxConfig(AppConfig):
    name = "travaux"
    verbose_name = _("Factures de travaux")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The works pieces join the invoices' machinery: their circuits (keyed by cadre),
        # their routing (after a validation in Factures à valider too) and their deadlines
        # (the same sweep as the validators').
        from factures.services.acheminement import enregistrer_acheminement
        from travaux import circuits
        from travaux.routage import DEPOSANT
        from travaux.services import acheminement, delais

        circuits.enregistrer()
        enregistrer_acheminement(DEPOSANT, lambda piece: acheminement.piece_acheminer(piece=piece))
        delais.enregistrer()
