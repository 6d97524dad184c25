"""Mon compte: the user's own data, attachments, habilitations and security."""

from django.shortcuts import render


def mon_compte(request):
    rattachements = request.user.rattachements.select_related("structure", "service")
    return render(request, "habilitations/compte/mon_compte.html", {"rattachements": rattachements})
