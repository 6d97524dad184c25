"""Sign-up and activation (under /compte/inscription/)."""

urlpatterns = []
