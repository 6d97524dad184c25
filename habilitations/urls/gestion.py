"""Users, habilitations and approvals of a structure (under /organisation/)."""

urlpatterns = []
