"""The returns dialog (factures.views.retours), computed only when the session asks for it."""

import time

from django.utils.functional import SimpleLazyObject

from factures.services import acquittement
from factures.views.retours import CLE_DIALOGUE


def _dialogue(request):
    if not request.user.is_authenticated:
        return None
    retours = list(acquittement.retours_a_acquitter(request.user)[:50])
    if not retours:
        return None
    return {"retours": retours, "obligatoire": acquittement.acquittement_obligatoire(retours)}


def _demande(session) -> bool:
    """Does the session ask for the dialog: set at sign-in, or closed until a moment now past?"""
    drapeau = session.get(CLE_DIALOGUE)
    if drapeau is True:
        return True
    return isinstance(drapeau, (int, float)) and time.time() >= drapeau


def retours(request):
    if not hasattr(request, "session") or not _demande(request.session):
        return {"dialogue_retours": None}
    return {"dialogue_retours": SimpleLazyObject(lambda: _dialogue(request))}
