"""The one policy for rich text people write (a call's background, a finding's or a report's
summary, a prospectus's vision): what it may hold, applied on save and again when printed.

Sanitising on save keeps what is stored clean; sanitising again at render time (the
`rich_text` template filter) keeps a page safe even when a row was written by a path that
skipped the form, such as the admin or an import. nh3 is fast, so it costs little.
"""

import nh3

RICH_TEXT_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "blockquote"}
)
RICH_TEXT_ATTRIBUTES = {"a": {"href"}}
RICH_TEXT_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def rich_text_clean(html: str) -> str:
    """Keep basic structure and links; drop scripts, styles, handlers and everything else."""
    return nh3.clean(
        html or "",
        tags=set(RICH_TEXT_TAGS),
        attributes={tag: set(names) for tag, names in RICH_TEXT_ATTRIBUTES.items()},
        url_schemes=set(RICH_TEXT_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
