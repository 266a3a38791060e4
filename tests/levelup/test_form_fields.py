"""Bootstrap fields built in Python: crispy's markup and accessibility, text kept inert."""

import pytest
from django import forms
from django.template import Context, Template

from levelup.templatetags.form_fields import bootstrap_field

HOSTILE = '<script>alert("x")</script>'


class SampleForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=f"Name {HOSTILE}", help_text=f"Help {HOSTILE}", max_length=5)
    place = forms.ChoiceField(
        label="Place", required=False, choices=[("", "Any"), ("1", f"Bury {HOSTILE}")]
    )
    sure = forms.ChoiceField(
        label="How sure?",
        choices=[("1", "Not sure"), ("2", f"Sure {HOSTILE}")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    flags = forms.MultipleChoiceField(
        label="Flags (optional)",
        required=False,
        choices=[("a", "Offensive"), ("b", "Legal risk")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree", required=False)


def test_bootstrap_field_text_input_has_label_help_and_classes():
    form = SampleForm(initial={"name": "Ann"})

    html = bootstrap_field(form["name"])

    assert html == (
        '<div id="div_id_name" class="mb-3"><label for="id_name" class="form-label requiredField">'
        'Name &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<span class="asteriskField">*'
        '</span></label><input type="text" name="name" value="Ann" maxlength="5" '
        'class="form-control" required aria-describedby="id_name_helptext" id="id_name">'
        '<div id="id_name_helptext" class="form-text">Help &lt;script&gt;alert(&quot;x&quot;)'
        "&lt;/script&gt;</div></div>"
    )


def test_bootstrap_field_errors_are_linked_and_marked_invalid():
    form = SampleForm({"name": "Far too long", "sure": "9"})
    form.is_valid()

    name = bootstrap_field(form["name"])
    sure = bootstrap_field(form["sure"])

    assert 'class="form-control is-invalid"' in name
    assert 'aria-invalid="true"' in name
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert (
        '<div id="id_name_error" class="invalid-feedback d-block"><p id="error_1_id_name" '
        'class="mb-0"><strong>Ensure this value has at most 5 characters (it has 12).</strong>'
        "</p></div>"
    ) in name
    assert '<fieldset aria-describedby="id_sure_helptext id_sure_error">' in sure
    assert sure.count('class="form-check-input is-invalid"') == 2


def test_bootstrap_field_radios_are_a_fieldset_with_a_legend_and_checked_choice():
    form = SampleForm(initial={"sure": "2"})

    html = bootstrap_field(form["sure"])

    assert '<legend class="form-label requiredField fs-6">How sure?' in html
    assert (
        '<input type="radio" class="form-check-input" name="sure" value="2" id="id_sure_1" '
        'checked required><label for="id_sure_1" class="form-check-label">Sure &lt;script&gt;'
    ) in html
    assert '<fieldset aria-describedby="id_sure_helptext">' in html


def test_bootstrap_field_checkboxes_select_and_single_checkbox():
    form = SampleForm({"flags": ["b"], "place": "1", "agree": "on"})

    flags = bootstrap_field(form["flags"])
    place = bootstrap_field(form["place"])
    agree = bootstrap_field(form["agree"])

    assert 'value="b" id="id_flags_1" checked><label' in flags
    assert "required" not in flags
    assert 'class="form-select"' in place
    assert "Bury &lt;script&gt;" in place
    assert agree.startswith('<div id="div_id_agree" class="mb-3 form-check"><input type="checkbox"')
    assert 'class="form-check-input"' in agree


def test_bootstrap_fields_renders_hidden_fields_first_then_the_rest_in_order():
    html = Template("{% load form_fields %}{% bootstrap_fields form %}").render(
        Context({"form": SampleForm()})
    )

    order = [html.index(f'name="{name}"') for name in ("token", "name", "place", "sure", "flags")]
    assert order == sorted(order)
    assert html.startswith('<input type="hidden" name="token" id="id_token">')
    assert "<script>" not in html


@pytest.mark.parametrize("field", ["name", "place", "sure", "flags", "agree"])
def test_bootstrap_field_matches_crispy_ids_for_error_summaries(field):
    form = SampleForm()

    html = bootstrap_field(form[field])

    assert f'id="div_id_{field}"' in html
