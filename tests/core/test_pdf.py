"""The PDF renderer fetches nothing but the application's own static files."""

import pytest

from core.pdf import StaticOnlyFetcher, html_to_pdf
from tests.conventions.test_pdf import pdf_text

STYLESHEET = "conventions/print.css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/image.png",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "pilotis-static:/static/../../../etc/passwd",
        "pilotis-static:/ailleurs/x.png",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ValueError, match="refusée|disallowed"):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_our_static_files_and_data_urls():
    css = StaticOnlyFetcher().fetch("pilotis-static:/static/conventions/print.css")
    assert b"@page" in css.read()
    assert StaticOnlyFetcher().fetch("data:text/plain,bonjour").read() == b"bonjour"


def test_a_document_pointing_at_local_files_or_the_network_embeds_nothing_of_them(caplog):
    html = """<html lang="fr"><head><title>Essai</title>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>
      <body><p>Texte</p><img src="http://127.0.0.1:9/pixel.png" alt=""><img src="file:///etc/hostname" alt="">
      <a rel="attachment" href="file:///etc/passwd">pièce</a></body></html>"""
    data = html_to_pdf(html, stylesheet=STYLESHEET)
    assert b"/EmbeddedFile" not in data
    assert b"root:" not in data
    assert "Texte" in pdf_text(data)
    refused = [r.getMessage() for r in caplog.records if "refusée" in r.getMessage()]
    assert any("file:///etc/passwd" in m for m in refused)
    assert any("127.0.0.1:9" in m for m in refused)
