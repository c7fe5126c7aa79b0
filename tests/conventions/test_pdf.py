"""The PDF: the same text as the page's preview, nothing fetched but the application's own
static files, and the demo conventions carrying what the seed documents carry."""

import re
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from pypdf import PdfReader

from accounts.models import Role
from conventions.models import Convention
from conventions.rendering import document_context, reference_hash, render_convention_pdf
from pilotage.demo import load_full_demo
from tests.conventions.factories import convention_for

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())  # the print stylesheet capitalises some headings


def test_text_with_html_or_script_is_printed_as_text_never_interpreted(side_a):
    convention = convention_for(side_a)
    convention.organising_authority.name = 'Ville <script>alert(1)</script> <img src="file:///etc/passwd">'
    convention.organising_authority.save()
    data = render_convention_pdf(convention)
    assert "<script>alert(1)</script>" in pdf_text(data).replace("\n", " ")
    assert b"/EmbeddedFile" not in data


def test_the_preview_and_the_pdf_carry_the_same_text(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po", "fill"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = BeautifulSoup(client.get(convention.get_absolute_url()).content, "html.parser")
    preview = words(page.select_one(".convention-document").get_text(" "))
    footer = re.compile(
        rf"{re.escape(convention.reference)} – version \d+( – PROJET, ne pas signer)?\s*page \d+ / \d+"
    )
    printed = words(footer.sub(" ", pdf_text(render_convention_pdf(convention))))
    assert preview == printed
    assert "signataire" in preview and str(side_a.school.fase) in preview


def test_a_frozen_convention_downloads_the_same_bytes_every_time(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po", "fill", "submit", "approve"])
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    first = client.get(f"/conventions/{convention.reference}/pdf")
    second = client.get(f"/conventions/{convention.reference}/pdf")
    assert first["Content-Type"] == "application/pdf"
    assert first.content == second.content == bytes(convention.documents.get().content)


def test_the_footer_gives_the_reference_the_version_and_the_page_numbers(side_a):
    convention = convention_for(side_a)
    text = pdf_text(render_convention_pdf(convention))
    assert f"{convention.reference} – version 1 – PROJET, ne pas signer" in text
    assert "page 1 / 1" in text


def test_the_frozen_footer_keeps_its_reference_and_page_number_on_one_line_each(side_a, settings):
    settings.SITE_URL = "https://pilotis.federation-des-pouvoirs-organisateurs.example.be"
    convention = convention_for(side_a, state_path=["send_to_po", "fill", "submit", "approve"])
    text = pdf_text(bytes(convention.documents.get().content))
    reference = convention.reference
    footer = f"{reference} – version 1 – vérifier : {settings.SITE_URL}/verifier/ (réf. {reference_hash(reference)})"
    assert footer in text  # a wrapped footer would hold a line break
    assert re.search(r"page 1 / \d+", text)


def test_the_demo_conventions_print_what_the_seed_documents_carry(tmp_path, settings):
    load_full_demo()
    cpeons = Convention.objects.get(
        organising_authority__name="Ville de Bruxelles", template__code="cpeons-po"
    )
    output = tmp_path / "cpeons.pdf"
    call_command("export_convention_pdf", cpeons.reference, "-o", str(output))
    text = pdf_text(output.read_bytes())
    flat = re.sub(r"\s+", " ", text)
    for number, title in enumerate(
        [
            "Objet de la convention",
            "Description de la nature",
            "Personnes de Contact du Pouvoir",
            "Personne de Contact du Réseau",
            "Durée",
            "Responsabilité civile",
            "Règlement des litiges",
            "Clause résolutoire",
        ],
        start=1,
    ):
        assert f"Article {number} – {title}" in flat
    for n in range(1, 9):
        assert f"Objectif transversal {n}" in flat
    for n in range(1, 5):
        assert f"Objectif thématique {n}" in flat
    # Every lettered action: the letters in each objective's part of the text, in order.
    parts = re.split(r"Objectif (?:transversal|thématique) \d+", flat.split("Objectifs transversaux", 1)[1])[
        1:
    ]
    counts = [len(re.findall(r"(?:^| )[a-z]\) ", part)) for part in parts]
    assert counts == [16, 8, 7, 5, 8, 2, 7, 8, 9, 14, 11, 7]
    assert "ETP" in flat and "63,2" in flat
    for name in ("Roberto GALLUCCIO", "Faouzia HARICHE", "Luc SYMOENS", "Ville de Bruxelles"):
        assert name in flat

    adolphe_max = Convention.objects.get(schools__fase=104)
    output = tmp_path / "adolphe-max.pdf"
    call_command("export_convention_pdf", adolphe_max.reference, "-o", str(output))
    flat = re.sub(r"\s+", " ", pdf_text(output.read_bytes()))
    assert "104" in flat and "École primaire Adolphe Max" in flat
    for step in ("Mobiliser", "état des lieux", "stratégies", "contrat d'objectifs", "suivi"):
        assert step.lower() in flat.lower()
    # The CECP's articles: their title, then « Article 7 » (the seed's layout).
    assert re.search(r"Fin de la convention Article 7 .*?30 jours", flat)


def test_the_list_of_schools_is_a_list_never_markup_shown_as_text(side_a):
    convention = convention_for(side_a)
    article = convention.template.articles.get(number="1")
    article.body = "Les écoles :\n\n{{ schools_list }}\n\nFin."
    article.save()
    side_a.school.name = "École l'Envol"
    side_a.school.save()
    html = str(document_context(convention).articles[0].body)
    assert f"<ul><li>École l&#x27;Envol (FASE {side_a.school.fase})</li></ul>" in html
    assert "&lt;" not in html
