"""The convention in Word and OpenDocument: the same text as the preview and the PDF, in the
same order, with its articles as headings, the annex's lettered actions, the ETP list and the
signature blocks; « PROJET » on a draft, the reference, the version and the signed
PDF's SHA-256 on a frozen one; seen by the people who see the convention, and only by them."""

import os
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.template.loader import render_to_string
from pypdf import PdfReader

from accounts.models import Role
from conventions.models import Convention
from conventions.rendering import document_context
from conventions.services.documents import convention_file, latest_document
from pilotage.demo import load_full_demo
from tests.conventions.factories import convention_for
from tests.office_files import read

# Every test, the demo's included, needs the test database: pytest-django sets up only the
# databases that the collected tests ask for.
pytestmark = pytest.mark.django_db

FORMATS = ("docx", "odt")
DEMO = ("CPEONS-2026-0001", "CECP-2026-0001")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def preview_text(convention) -> str:
    """The text of the page's preview (the partial the page and the PDF include)."""
    html = render_to_string("conventions/includes/document.html", {"doc": document_context(convention)})
    return BeautifulSoup(html, "html.parser").get_text(" ")


def paragraphs_of(convention) -> list[str]:
    """Every paragraph and list item of the template's text and annex, as the preview shows it."""
    doc = document_context(convention)
    fragments = [doc.parties, doc.preamble, doc.closing]
    fragments += [a.body for a in doc.articles] + [s.body for s in doc.annex_before + doc.annex_after]
    stack = list(doc.annex_nodes)
    while stack:
        item = stack.pop()
        fragments.append(item.text)
        stack.extend(item.children)
    found = []
    for fragment in fragments:
        soup = BeautifulSoup(str(fragment), "html.parser")
        for line_break in soup.find_all("br"):
            line_break.replace_with("\n")
        for element in soup.find_all(["p", "li", "td", "th", "h3", "h4"]):
            if element.find(["p", "ul", "ol"]):  # a loose item: its paragraphs are looked for
                continue
            found.append(" ".join(element.get_text().split()))
    return [text for text in found if text]


def articles_of(doc) -> list[str]:
    """The articles' headings: « Article 1 – Objet … » (CPEONS), or « Article 1er » under the
    article's title (CECP)."""
    if doc.titles_first:
        return [f"Article {a.number}" for a in doc.articles]
    return [f"Article {a.number} – {a.title}" for a in doc.articles]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's two conventions exported once (by the command) and what they must carry; the
    demo is rolled back afterwards."""
    exported = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_full_demo()
        for reference in DEMO:
            convention = Convention.objects.get(reference=reference)
            exported[reference] = {
                "preview": preview_text(convention),
                "paragraphs": paragraphs_of(convention),
                "articles": articles_of(document_context(convention)),
                "captions": [block.caption for block in document_context(convention).signature_blocks],
                "labels": {
                    signatory.pk: label
                    for block in document_context(convention).signature_blocks
                    for signatory, label in block.entries
                },
                "sha256": latest_document(convention).sha256,
                "signatories": [(s.pk, s.display_name, s.function) for s in convention.signatories.all()],
                "files": {fmt: convention_file(convention, fmt).content for fmt in FORMATS},
            }
        transaction.set_rollback(True)
    return exported


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("reference", DEMO)
def test_the_demo_conventions_carry_the_previews_text_in_its_order(demo, reference, fmt):
    expected = demo[reference]
    document = read(expected["files"][fmt], fmt)
    assert words(document.text) == words(expected["preview"])
    flat = " ".join(" ".join(document.lines).split())
    assert len(expected["paragraphs"]) > 40
    missing = [p for p in expected["paragraphs"] if p not in flat]
    assert not missing, missing[:3]
    headings = [text for level, text in document.headings]
    assert [h for h in headings if h.startswith("Article ")] == expected["articles"]
    # The seed's signature blocks: « SIGNATURES DES PARTIES » (CPEONS), the captions
    # (« Pour le Pouvoir Organisateur », « Pour le CECP asbl, »), then each signatory.
    assert expected["captions"] and all(caption in headings for caption in expected["captions"] if caption)
    for pk, name, function in expected["signatories"]:
        label = expected["labels"].get(pk, "")
        assert (f"{label}\n{name}" if label else f"{name}\n{function}") in document.lines


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_cpeons_annex_keeps_its_objectives_lettered_actions_and_etp_list(demo, fmt):
    document = read(demo["CPEONS-2026-0001"]["files"][fmt], fmt)
    objectives = [
        text for level, text in document.headings if re.match(r"Objectif (transversal|thématique) \d", text)
    ]
    assert len(objectives) == 12
    text = document.text.split("Objectifs transversaux", 1)[1]
    parts = re.split(r"Objectif (?:transversal|thématique) \d+", text)[1:]
    counts = [len(re.findall(r"(?m)^[a-z]\) ", part)) for part in parts]
    assert counts == [16, 8, 7, 5, 8, 2, 7, 8, 9, 14, 11, 7]
    # The staff committed, listed as the seed lists them, and the total.
    assert "16 ETP chargés de missions « article 5 » ;" in document.lines
    assert "TOTAL : 63,2 ETP." in document.lines


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("reference", DEMO)
def test_a_signed_convention_carries_its_reference_version_and_the_signed_pdfs_hash(demo, reference, fmt):
    document = read(demo[reference]["files"][fmt], fmt)
    margins = document.header + "\n" + document.footer
    assert f"{reference} – version 1 – Signée" in document.header
    assert demo[reference]["sha256"] in margins
    assert "PROJET" not in margins


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_draft_says_projet_and_carries_no_hash(client, side_a, fmt):
    convention = convention_for(side_a)
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = client.get(convention.get_absolute_url()).content.decode()
    assert f'href="/conventions/{convention.reference}/{fmt}"' in page
    response = client.get(f"/conventions/{convention.reference}/{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert f'filename="{convention.reference}-projet.{fmt}"' in response["Content-Disposition"]
    document = read(response.content, fmt)
    assert "PROJET" in document.header
    assert f"{convention.reference} – version 1 – PROJET, ne pas signer" in document.footer
    assert "SHA-256" not in document.header + document.footer
    assert words(document.text) == words(preview_text(convention))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_frozen_convention_gives_the_hash_of_its_stored_pdf(client, side_a, fmt):
    convention = convention_for(side_a, state_path=["send_to_po", "fill", "submit", "approve"])
    assert convention.is_frozen
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    response = client.get(f"/conventions/{convention.reference}/{fmt}")
    assert f'filename="{convention.reference}.{fmt}"' in response["Content-Disposition"]
    document = read(response.content, fmt)
    stored = convention.documents.get()
    assert f"{convention.reference} – version" in document.header
    assert stored.sha256 in document.footer
    assert "PROJET" not in document.header + document.footer


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_organisation_and_an_unknown_reference_get_a_404(client, side_a, side_b, fmt):
    convention = convention_for(side_a)
    client.force_login(side_b.users[Role.FPO_STAFF])
    response = client.get(f"/conventions/{convention.reference}/{fmt}")
    assert response.status_code == 404
    assert side_a.school.name.encode() not in response.content
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert client.get(f"/conventions/INCONNUE-2026-9999/{fmt}").status_code == 404


def test_the_text_is_never_interpreted_as_markup(side_a):
    convention = convention_for(side_a)
    convention.organising_authority.name = "Ville <b>gras</b> & <script>alert(1)</script>"
    convention.organising_authority.save()
    for fmt in FORMATS:
        assert (
            "Ville <b>gras</b> & <script>alert(1)</script>"
            in read(convention_file(convention, fmt).content, fmt).text
        )


def test_the_command_writes_each_format_from_the_extension(side_a, tmp_path):
    convention = convention_for(side_a)
    for fmt in ("docx", "odt", "pdf"):
        output = tmp_path / f"convention.{fmt.upper()}"
        call_command("export_convention", convention.reference, "-o", str(output))
        assert output.read_bytes() == convention_file(convention, fmt).content or fmt != "pdf"
        assert output.read_bytes()[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    assert "Objet" in read((tmp_path / "convention.ODT").read_bytes(), "odt").text
    with pytest.raises(CommandError, match="doit finir par .pdf, .docx ou .odt"):
        call_command("export_convention", convention.reference, "-o", str(tmp_path / "convention.txt"))
    with pytest.raises(CommandError, match="Aucune convention ne porte la référence « NON-0 »"):
        call_command("export_convention", "NON-0", "-o", str(tmp_path / "x.docx"))
    assert not (tmp_path / "convention.txt").exists()
    call_command("export_convention_pdf", convention.reference, "-o", str(tmp_path / "sans-extension"))
    assert (tmp_path / "sans-extension").read_bytes()[:4] == b"%PDF"


def _soffice() -> str:
    """LibreOffice's command; without it the test is skipped, unless REQUIRE_BROWSER=1 (CI)."""
    soffice = shutil.which("soffice")
    if soffice:
        return soffice
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(
            "REQUIRE_BROWSER=1 but LibreOffice is absent (Debian: libreoffice-writer-nogui)", pytrace=False
        )
    pytest.skip("LibreOffice (soffice) is not installed")


@pytest.mark.parametrize("reference", DEMO)
def test_libreoffice_converts_both_files_to_a_pdf_with_every_article(demo, reference, tmp_path):
    soffice = _soffice()
    files = []
    for fmt in FORMATS:
        files.append(tmp_path / f"{fmt}-{reference}.{fmt}")
        files[-1].write_bytes(demo[reference]["files"][fmt])
    home = tmp_path / "home"
    subprocess.run(
        [soffice, f"-env:UserInstallation={home.as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), *map(str, files)],
        env={**os.environ, "HOME": str(home)},
        check=True,
        capture_output=True,
        timeout=240,
    )
    for fmt in FORMATS:
        reader = PdfReader(BytesIO((tmp_path / "pdf" / f"{fmt}-{reference}.pdf").read_bytes()))
        flat = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        for title in demo[reference]["articles"]:
            assert title in flat, (fmt, title)
        for caption in demo[reference]["captions"]:
            assert caption in flat, (fmt, caption)
        assert reference in flat and demo[reference]["sha256"] in flat.replace(" ", "")
