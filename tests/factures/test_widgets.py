"""The light select renders what Django's Select renders: value, label, selection, attrs."""

from django import forms

from factures.forms.widgets import SelectLeger


class Formulaire(forms.Form):
    statut = forms.ChoiceField(
        choices=[("", "Tous"), ("A", "Première <option>"), ("B", "Seconde")],
        widget=SelectLeger(attrs={"class": "fr-select"}),
        required=False,
    )


def test_le_select_leger_rend_les_options_echappees_et_la_selection():
    html = str(Formulaire(data={"statut": "B"})["statut"])
    assert html.startswith('<select class="fr-select" id="id_statut" name="statut">')
    assert '<option value="A">Première &lt;option&gt;</option>' in html
    assert '<option value="B" selected>Seconde</option>' in html
    assert html.endswith("</select>")
