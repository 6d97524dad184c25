"""Widgets of the invoice forms that render without a template per option.

Django renders each `<option>` of a select through the template engine; a search form of
the follow-up pages has a hundred of them (statuses, cadres, structures…), which made a fifth
of a list page's time. These widgets build the same markup in Python, every value escaped.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class SelectLeger(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        contexte = self.get_context(name, value, attrs)["widget"]
        options = []
        for _groupe, choix, _index in contexte["optgroups"]:
            for option in choix:
                options.append(
                    (
                        option["value"],
                        " selected" if option["selected"] else "",
                        option["label"],
                    )
                )
        corps = format_html_join("", '<option value="{}"{}>{}</option>', options)
        return format_html(
            "<select{}>{}</select>",
            flatatt({**contexte["attrs"], "name": contexte["name"]}),
            corps,
        )
