"""The public directory of public structures (under /annuaire/)."""

urlpatterns = []
