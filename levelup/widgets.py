"""Widgets that render the same HTML as Django's, faster."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A `<select>` built in Python rather than with one template per `<option>`.

    Django renders every option through a template; a list of a few hundred places took
    most of the respondent's details page (docs/benchmarks.md). Every value is escaped by
    `format_html`, as the template would.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        selected = " selected"  # no character to escape
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], selected if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )
