"""Requests handled by support agents (under /support/)."""

urlpatterns = []
