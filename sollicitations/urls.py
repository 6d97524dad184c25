"""Sollicitations: requests to support or to a public entity, and the desk."""

app_name = "sollicitations"

urlpatterns = []
