"""A structure managed by its gestionnaires (under /organisation/)."""

urlpatterns = []
