"""PDFs from our templates: tagged (PDF/UA-1), our print stylesheet, fonts from the system.

`render_pdf` is the one place that makes a PDF, for reports and the place prospectus alike.
Rendering is slow (seconds), so callers run it in a Celery task, never in a request. Nothing
is fetched over the network: the stylesheet is read from our static files and any other
address in the page is refused.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

PRINT_STYLESHEET = "css/print.css"


class PDFResourceRefused(ValueError):
    """The page asked for a resource that is not one of our static files."""


def _static_only(url: str, *args, **kwargs):
    """Serve `file:` addresses inside our static folders and `data:` addresses; refuse the rest."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    if url.startswith("file://"):
        path = Path(url.removeprefix("file://")).resolve()
        roots = [Path(root).resolve() for root in finders.searched_locations]
        if any(path.is_relative_to(root) for root in roots):
            return default_url_fetcher(url, *args, **kwargs)
    raise PDFResourceRefused(f"PDF rendering does not fetch {url}")


def render_pdf(*, template_name: str, context: dict, title: str, lang: str = "en-GB") -> bytes:
    """`template_name` rendered with `context` as a tagged PDF (PDF/UA-1) in language `lang`.

    The template should extend `pdf/base.html`, which sets the document's language and title
    (both part of the PDF's metadata) and lays out the page.
    """
    from weasyprint import CSS, HTML

    stylesheet = finders.find(PRINT_STYLESHEET)
    with translation.override(lang.lower()):
        html = render_to_string(
            template_name,
            {"site_name": settings.SITE_NAME, **context, "pdf_title": title, "pdf_lang": lang},
        )
    finders.find(PRINT_STYLESHEET, find_all=True)  # fills `searched_locations` for the fetcher
    document = HTML(string=html, url_fetcher=_static_only, base_url=str(Path(stylesheet).parent))
    return document.write_pdf(
        stylesheets=[CSS(filename=stylesheet, url_fetcher=_static_only)],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
