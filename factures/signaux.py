"""At sign-in, a supplier with returns to acknowledge gets the dialog (factures.views.retours)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from factures.services import acquittement
from factures.views.retours import CLE_DIALOGUE


@receiver(user_logged_in, dispatch_uid="factures_retours_a_acquitter")
def retours_a_acquitter_a_la_connexion(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if acquittement.retours_a_acquitter(user).exists():
        request.session[CLE_DIALOGUE] = True
