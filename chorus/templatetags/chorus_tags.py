from django import template

from chorus import notifications

register = template.Library()


@register.simple_tag
def texte_fil(notification):
    """The feed line of a notification, in the active language."""
    return notifications.rendre_fil(notification)
