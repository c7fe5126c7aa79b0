"""The hostile corpus in a convention's PO part: markup is refused by the forms in French; names
with formulas, apostrophes, right-to-left marks and emoji are kept as typed and come out safely in
the page, the PDF, the e-mails and the list export."""

from io import BytesIO

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.models import Role
from conventions.services import workflow
from tests.conventions.factories import convention_for
from tests.conventions.signatures.helpers import mails_at_once  # noqa: F401 - fixture
from tests.utils import text_of

from .corpus import CORPUS, HYPERLINK, MARKUP, assert_escaped, assert_plain_text

pytestmark = pytest.mark.django_db
NAME = "L'Échevine \u202eemoji \U0001f3eb « Dupont-Lambert »"


def _signed_names(convention, side):
    """The PO's signatories named after the corpus (markup aside, which the form refuses)."""
    names = [NAME, HYPERLINK, CORPUS["plus"], CORPUS["minus"], CORPUS["at"]]
    for signatory, name in zip(
        convention.signatories.exclude(party="fpo").order_by("pk"), names, strict=False
    ):
        signatory.full_name, signatory.function = name[:150], name[:200]
        signatory.email = side.users[Role.SIGNATORY].email if signatory.party == "po" else signatory.email
        signatory.save(update_fields=["full_name", "function", "email"])


def test_markup_in_the_po_part_is_refused_in_french(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = client.get(f"/conventions/{convention.reference}/modifier/", follow=True)
    assert page.status_code == 200
    form_url = (
        page.redirect_chain[-1][0]
        if page.redirect_chain
        else f"/conventions/{convention.reference}/modifier/"
    )
    response = client.post(
        form_url,
        {
            "lock_version": convention.lock_version,
            "council_decision_reference": MARKUP,
            "start_date": "2025-09-01",
            "end_date": "2031-08-31",
        },
        follow=True,
    )
    assert response.status_code == 400
    assert "Le texte ne peut pas contenir de balises HTML ni de script." in text_of(response)
    convention.refresh_from_db()
    assert convention.council_decision_reference != MARKUP
    assert_escaped(response.content.decode())


def test_names_come_out_as_typed_in_page_pdf_and_e_mail(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po", "fill", "submit"])
    _signed_names(convention, side_a)
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = client.get(f"/conventions/{convention.reference}/")
    assert page.status_code == 200
    assert_escaped(page.content.decode())
    assert NAME in text_of(page)

    pdf = client.get(f"/conventions/{convention.reference}/pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages).replace("\x00", "")
    assert "<script" not in text and "&lt;" not in text and "&#x27;" not in text
    assert "L'Échevine" in text and "HYPERLINK" in text

    workflow.apply_transition(convention=convention, name="approve", by=side_a.users[Role.FPO_STAFF])
    mail.outbox.clear()
    workflow.apply_transition(
        convention=convention, name="send_for_signature", by=side_a.users[Role.FPO_STAFF]
    )
    assert mail.outbox
    for message in mail.outbox:
        assert_plain_text(message.subject + message.body)
