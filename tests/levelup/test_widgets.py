import pytest
from django import forms

from levelup.widgets import FastSelect

pytestmark = pytest.mark.unit


def test_fast_select_renders_what_django_renders_with_escaping():
    choices = [("", "Any"), ("1", "Blackpool"), ("2", "<b>Brixham & Paignton</b>")]
    fast = FastSelect(choices=choices, attrs={"class": "form-select", "id": "id_place"})
    django = forms.Select(choices=choices, attrs={"class": "form-select", "id": "id_place"})

    html = fast.render("place", "2")

    assert html == (
        '<select name="place" class="form-select" id="id_place">'
        '<option value="">Any</option><option value="1">Blackpool</option>'
        '<option value="2" selected>&lt;b&gt;Brixham &amp; Paignton&lt;/b&gt;</option></select>'
    )
    assert "".join(html.split()) == "".join(django.render("place", "2").split())
