"""PDF rendering with WeasyPrint, with nothing fetched but the application's own static files.

The print stylesheet is passed as a string (a stylesheet URL would go around the fetcher in
older WeasyPrint releases) and is kept small: WeasyPrint's cost grows with rules × elements,
so the web framework's CSS never comes near a PDF."""

import hashlib
import logging
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Documents are rendered against this base: "/static/x.svg" becomes
# "pilotis-static:/static/x.svg", which only `StaticOnlyFetcher` knows how to read.
BASE_URL = "pilotis-static:/"
PRINT_STYLESHEET = "conventions/print.css"


class StaticOnlyFetcher(weasyprint.urls.URLFetcher):
    """Serves the application's own static files and `data:` URLs, nothing else: no
    `file:`, no network, no redirects."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if parts.scheme == "pilotis-static" and parts.path.startswith(static_prefix):
            relative = unquote(parts.path.removeprefix(static_prefix))
            found = finders.find(relative) if ".." not in Path(relative).parts else None
            if found:
                return weasyprint.urls.URLFetcherResponse(url, Path(found).read_bytes())
        logger.warning("Ressource refusée dans un PDF : %s", url[:200])
        raise ValueError(f"Ressource refusée : {url[:200]}")


@cache
def print_stylesheet(name: str = PRINT_STYLESHEET) -> weasyprint.CSS:
    css = Path(finders.find(name)).read_text(encoding="utf-8")
    return weasyprint.CSS(string=css, url_fetcher=StaticOnlyFetcher(), base_url=BASE_URL)


def html_to_pdf(html: str, *, stylesheet: str = PRINT_STYLESHEET, pdf_a: bool = True) -> bytes:
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    options = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    return document.write_pdf(
        stylesheets=[print_stylesheet(stylesheet)],
        presentational_hints=False,
        uncompressed_pdf=False,
        **options,
    )


def convention_html(convention, *, draft: bool) -> str:
    from .rendering import document_context

    return render_to_string(
        "conventions/pdf/convention.html",
        {"doc": document_context(convention), "draft": draft, "version": text_version(convention)},
    )


def text_version(convention) -> int:
    """The number the footer gives: how many times the text went to review or was frozen."""
    return max(convention.snapshots.count(), 1)


def render_convention_pdf(convention) -> bytes:
    return html_to_pdf(convention_html(convention, draft=not convention.is_frozen))


def render_convention_pdf_draft(convention) -> bytes:
    """The PDF a download produces while the text is not frozen (what the benchmark measures)."""
    return html_to_pdf(convention_html(convention, draft=True))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
