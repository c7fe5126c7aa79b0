"""PDF rendering with WeasyPrint, with nothing fetched but the application's own static files.
Nothing here knows what a convention is: the documents of conventions are in `rendering`.

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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# 1 CSS px = 0.75 PDF point; PDF y counts from the bottom of the page.
PX_TO_PT = 0.75
SIGNATURE_FIELD_ATTRIBUTE = "data-signature-field"


def html_to_pdf_with_fields(html: str, *, stylesheet: str = PRINT_STYLESHEET) -> tuple[bytes, list[dict]]:
    """The PDF (PDF/A) and, for each element carrying `data-signature-field`, where it was laid
    out: `{"name", "page", "box": [x1, y1, x2, y2]}` in PDF points from the page's bottom-left,
    so that the signature fields can be placed over the boxes the document draws for them."""
    options = {
        "stylesheets": [print_stylesheet(stylesheet)],
        "presentational_hints": False,
        "uncompressed_pdf": False,
        "pdf_variant": "pdf/a-3b",
    }
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render(
        **options
    )
    fields, seen = [], set()
    for index, page in enumerate(document.pages):
        page_height = page.height * PX_TO_PT
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            name = element.get(SIGNATURE_FIELD_ATTRIBUTE) if element is not None else None
            if not name or name in seen or box.element_tag is None:
                continue
            seen.add(name)
            x, y = box.border_box_x(), box.border_box_y()
            width, height = box.border_width(), box.border_height()
            fields.append(
                {
                    "name": name,
                    "page": index,
                    "box": [
                        round(x * PX_TO_PT, 2),
                        round(page_height - (y + height) * PX_TO_PT, 2),
                        round((x + width) * PX_TO_PT, 2),
                        round(page_height - y * PX_TO_PT, 2),
                    ],
                }
            )
    return document.write_pdf(**options), fields
