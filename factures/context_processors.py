"""The returns dialog (factures.views.retours), computed only when the session asks for it."""

from django.utils.functional import SimpleLazyObject

from factures.services import acquittement
from factures.views.retours import CLE_DIALOGUE


def _dialogue(request):
    if not request.session.get(CLE_DIALOGUE) or not request.user.is_authenticated:
        return None
    retours = list(acquittement.retours_a_acquitter(request.user)[:50])
    if not retours:
        return None
    return {"retours": retours, "obligatoire": acquittement.acquittement_obligatoire(retours)}


def retours(request):
    if not hasattr(request, "session") or not request.session.get(CLE_DIALOGUE):
        return {"dialogue_retours": None}
    return {"dialogue_retours": SimpleLazyObject(lambda: _dialogue(request))}
