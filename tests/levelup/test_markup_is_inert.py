"""Text people write is shown as text: help text of every form field, escaped."""

import copy
import importlib
import pkgutil

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template

pytestmark = pytest.mark.django_db

MARKUP = '<a href="https://evil.example/">Sign in again</a><script>alert(1)</script>'
ESCAPED = (
    "&lt;a href=&quot;https://evil.example/&quot;&gt;Sign in again&lt;/a&gt;"
    "&lt;script&gt;alert(1)&lt;/script&gt;"
)


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the apps' form modules (modules or packages)."""
    found = []
    for app in ("levelup", "evidence", "partnerships"):
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if "forms" not in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    found.append(value)
    return found


def _fields():
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            if field.widget.is_hidden:
                continue  # a hidden input shows no help text at all
            yield pytest.param(form_class, name, field, id=f"{form_class.__name__}.{name}")


def test_every_form_module_is_found():
    names = {form_class.__name__ for form_class in _project_forms()}

    assert {"SignInForm", "ImportMappingForm"} <= names
    assert len(names) >= 15


@pytest.mark.parametrize(("form_class", "name", "field"), list(_fields()))
def test_help_text_with_markup_renders_as_text(form_class, name, field):
    probe_field = copy.deepcopy(field)
    probe_field.help_text = MARKUP
    if isinstance(probe_field, forms.ModelChoiceField) and probe_field.queryset is None:
        # Set per object in the form's __init__; an empty one renders the same help text.
        probe_field.queryset = ContentType.objects.none()
    probe = type("Probe", (forms.Form,), {name: probe_field})()

    html = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}").render(
        Context({"field": probe[name]})
    )

    assert ESCAPED in html
    assert MARKUP not in html
