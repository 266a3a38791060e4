"""Bootstrap 5 form fields built in Python, for the pages that render many of them.

crispy-forms renders each field through a dozen nested templates (about a millisecond a
field); a reviewer's queue and response pages render twelve fields on every visit, within a
50 ms budget (docs/benchmarks.md, "Review"). These tags give the same markup as
crispy-bootstrap5 (the same ids, classes, `aria-describedby` and `aria-invalid`, a fieldset
with a legend for a group of radios or checkboxes) in a fraction of the time.

Every label, help text, choice and error passes through `format_html`, so it is escaped
like any other text: nothing a person typed becomes markup.

    {% load form_fields %}
    {% bootstrap_fields form %}       every field, hidden ones first
    {{ form.notes|bootstrap_field }}  one field
"""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

CHOICE_GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _label_text(field: BoundField) -> SafeString:
    if field.field.required:
        return format_html('{}<span class="asteriskField">*</span>', field.label)
    return format_html("{}", field.label)


def _help(field: BoundField) -> SafeString | str:
    if not field.help_text:
        return ""
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
    )


def _errors(field: BoundField) -> SafeString | str:
    if not field.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback d-block">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}" class="mb-0"><strong>{}</strong></p>',
            ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
        ),
    )


def _choice_group(field: BoundField) -> SafeString:
    """A fieldset of radios or checkboxes, each option built here, not by a template."""
    invalid = " is-invalid" if field.errors else ""
    radio = isinstance(field.field.widget, forms.RadioSelect)
    required = " required" if radio and field.field.required else ""
    aria_invalid = ' aria-invalid="true"' if field.errors else ""
    options = format_html_join(
        "",
        '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" '
        'value="{}" id="{}"{}{}{}><label for="{}" class="form-check-label">{}</label></div>',
        (
            (
                option.data["type"],
                invalid,
                option.data["name"],
                option.data["value"],
                option.id_for_label,
                " checked" if option.data["selected"] else "",
                required,
                aria_invalid,
                option.id_for_label,
                option.choice_label,
            )
            for option in field.subwidgets
        ),
    )
    # Django puts these ids on the widget; for a group they belong on the fieldset.
    described = field.aria_describedby
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label{} fs-6">{}'
        "</legend><div>{}</div>{}{}</fieldset></div>",
        field.auto_id,
        format_html(' aria-describedby="{}"', described) if described else "",
        " requiredField" if field.field.required else "",
        _label_text(field),
        options,
        _errors(field),
        _help(field),
    )


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.filter
def bootstrap_field(field: BoundField) -> SafeString:
    """One field, as crispy-bootstrap5 would draw it."""
    widget = field.field.widget
    if widget.is_hidden:
        return field.as_widget()
    if isinstance(widget, CHOICE_GROUP_WIDGETS):
        return _choice_group(field)
    classes = " ".join(
        part
        for part in (
            widget.attrs.get("class", ""),
            _widget_class(widget),
            "is-invalid" * bool(field.errors),
        )
        if part
    )
    control = field.as_widget(attrs={"class": classes})
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div id="div_{}" class="mb-3 form-check">{}<label for="{}" class="form-check-label">'
            "{}</label>{}{}</div>",
            field.auto_id,
            control,
            field.id_for_label,
            _label_text(field),
            _errors(field),
            _help(field),
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        " requiredField" if field.field.required else "",
        _label_text(field),
        control,
        _errors(field),
        _help(field),
    )


@register.simple_tag
def bootstrap_fields(form: forms.Form) -> SafeString:
    """Every field of the form in order, hidden ones first (no <form> tag, no CSRF)."""
    return format_html_join(
        "",
        "{}",
        ((bootstrap_field(field),) for field in [*form.hidden_fields(), *form.visible_fields()]),
    )
