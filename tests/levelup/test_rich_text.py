"""The one rich-text policy and the `rich_text` filter that prints rich text."""

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from evidence.services.calls import background_clean
from levelup.rich_text import rich_text_clean
from levelup.templatetags.rich_text import rich_text
from partnerships.services import vision_clean

pytestmark = pytest.mark.unit

HOSTILE = (
    '<p onclick="steal()">Hi <strong>there</strong></p><script>alert(1)</script>'
    '<img src=x onerror=alert(2)><a href="javascript:alert(3)">link</a>'
    '<a href="https://example.org/">ok</a><style>p{}</style><iframe src="https://x"></iframe>'
)
CLEAN = (
    '<p>Hi <strong>there</strong></p><a rel="noopener noreferrer">link</a>'
    '<a href="https://example.org/" rel="noopener noreferrer">ok</a>'
)


def test_rich_text_clean_keeps_structure_and_drops_scripts_handlers_and_bad_links():
    assert rich_text_clean(HOSTILE) == CLEAN


def test_save_and_render_use_the_same_policy():
    assert background_clean(HOSTILE) == rich_text_clean(HOSTILE)
    assert vision_clean(f"  {HOSTILE}  ") == rich_text_clean(HOSTILE)
    assert rich_text(HOSTILE) == rich_text_clean(HOSTILE)


def test_filter_output_is_marked_safe_and_not_escaped_again():
    rendered = Template("{% load rich_text %}{{ value|rich_text }}").render(
        Context({"value": HOSTILE})
    )

    assert isinstance(rich_text(HOSTILE), SafeString)
    assert rendered == CLEAN


@pytest.mark.parametrize("value", [None, ""])
def test_filter_prints_nothing_for_empty_values(value):
    assert rich_text(value) == ""
