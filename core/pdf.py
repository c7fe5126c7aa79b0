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

logger = logging.getLogger(__name__)

# Documents are rendered against this base: "/static/x.svg" becomes
# "pilotis-static:/static/x.svg", which only `StaticOnlyFetcher` knows how to read.
BASE_URL = "pilotis-static:/"
# 1 CSS px = 0.75 PDF point; PDF y counts from the bottom of the page.
PX_TO_PT = 0.75


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
def print_stylesheet(name: str) -> weasyprint.CSS:
    css = Path(finders.find(name)).read_text(encoding="utf-8")
    return weasyprint.CSS(string=css, url_fetcher=StaticOnlyFetcher(), base_url=BASE_URL)


def _options(stylesheet: str, pdf_a: bool) -> dict:
    options = {
        "stylesheets": [print_stylesheet(stylesheet)],
        "presentational_hints": False,
        "uncompressed_pdf": False,
    }
    if pdf_a:
        options["pdf_variant"] = "pdf/a-3b"
    return options


def _document(html: str) -> weasyprint.HTML:
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())


def html_to_pdf(html: str, *, stylesheet: str, pdf_a: bool = True, attachments=()) -> bytes:
    """`attachments`: (file name, bytes, description) of the files to embed in the PDF."""
    options = _options(stylesheet, pdf_a)
    if attachments:
        options["attachments"] = [
            weasyprint.Attachment(string=content, name=name, description=description)
            for name, content, description in attachments
        ]
    return _document(html).write_pdf(**options)


def html_to_pdf_with_boxes(html: str, *, stylesheet: str, attribute: str) -> tuple[bytes, list[dict]]:
    """The PDF (PDF/A) and, for each element carrying `attribute`, where it was laid out:
    `{"name": the attribute's value, "page", "box": [x1, y1, x2, y2]}` in PDF points from the
    page's bottom-left (for example to place signature fields over the boxes drawn for them)."""
    options = _options(stylesheet, pdf_a=True)
    document = _document(html).render(**options)
    boxes, seen = [], set()
    for index, page in enumerate(document.pages):
        page_height = page.height * PX_TO_PT
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            name = element.get(attribute) if element is not None else None
            if not name or name in seen or box.element_tag is None:
                continue
            seen.add(name)
            x, y = box.border_box_x(), box.border_box_y()
            width, height = box.border_width(), box.border_height()
            boxes.append(
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
    return document.write_pdf(**options), boxes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
