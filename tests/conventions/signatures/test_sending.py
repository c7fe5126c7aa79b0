"""Sending a convention for signature: the prepared document with a field per signatory and the
platform's certification, the frozen footer, the reminders."""

from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from accounts.models import Role
from conventions.models import (
    ConventionDocument,
    ConventionEvent,
    SignatureRequest,
    State,
)
from conventions.rendering import reference_hash
from conventions.services import collecting, workflow
from conventions.signatures import rounds
from conventions.signatures.crypto import CERTIFICATION_FIELD
from conventions.signatures.verification import verify_pdf_bytes
from core.pdf import sha256
from tests.conventions.signatures.helpers import (
    links,
    mails_at_once,  # noqa: F401 - autouse: e-mails sent at once
    ready_convention,
    send_for_signature,
)
from tests.conventions.test_pdf import pdf_text

pytestmark = pytest.mark.django_db


# --- preparing ---------------------------------------------------------------------------------


def test_send_for_signature_prepares_every_field_and_certifies(side_a):
    convention = send_for_signature(side_a)
    prepared = rounds.current_round(convention)
    assert prepared.kind == ConventionDocument.Kind.PREPARED
    content = bytes(ConventionDocument.objects.get(pk=prepared.pk).content)
    assert prepared.sha256 == sha256(content)
    fields = {name: value for name, value, _ref in enumerate_sig_fields(PdfFileReader(BytesIO(content)))}
    assert set(fields) == {CERTIFICATION_FIELD, "Signature-1-0", "Signature-2-1", "Signature-3-2"}
    report = verify_pdf_bytes(content)
    assert report.ok and report.signatures[0].docmdp_level == 2
    assert report.known_reference == convention.reference
    # The fields lie over the boxes the document draws (on the page, inside its width).
    frozen = convention.documents.get(kind=ConventionDocument.Kind.FROZEN)
    for field in frozen.fields:
        x1, y1, x2, y2 = field["box"]
        assert 0 < x1 < x2 < 600 and 0 < y1 < y2 < 850 and 55 < y2 - y1 < 70  # 22 mm ≈ 62 pt
    # Only the first step gets its link.
    assert list(links()) == [side_a.users[Role.SIGNATORY].email]
    kinds = list(convention.events.values_list("kind", flat=True))
    assert kinds == [ConventionEvent.Kind.PREPARED, ConventionEvent.Kind.SENT]


def test_the_frozen_pdf_footer_gives_the_verification_address_and_reference_hash(side_a):
    convention = ready_convention(side_a)
    text = " ".join(pdf_text(bytes(convention.documents.get().content)).split())
    assert "/verifier/" in text
    assert reference_hash(convention.reference) in text


def test_send_for_signature_is_refused_without_a_sealing_key(side_a, settings):
    convention = ready_convention(side_a)
    settings.SIGNING_P12_PATH = ""
    with pytest.raises(ValidationError, match="signature électronique n'est pas configurée"):
        workflow.apply_transition(
            convention=convention, name="send_for_signature", by=side_a.users[Role.FPO_STAFF]
        )
    convention.refresh_from_db()
    assert convention.state == State.READY
    assert not convention.documents.filter(kind=ConventionDocument.Kind.PREPARED).exists()


def test_reminders_send_a_new_link_after_the_delay(side_a, settings):
    settings.SIGNATURE_REMINDER_DAYS = 5
    convention = send_for_signature(side_a)
    po = side_a.users[Role.SIGNATORY]
    old_token = links()[po.email]
    call_command("send_signature_reminders", stdout=StringIO())
    assert not [m for m in mail.outbox if m.subject.startswith("Rappel")]
    SignatureRequest.objects.filter(convention=convention).update(sent_at=timezone.now() - timedelta(days=6))
    mail.outbox.clear()
    call_command("send_signature_reminders", stdout=StringIO())
    assert [m.subject for m in mail.outbox] == [f"Rappel : convention {convention.reference} à signer"]
    new_token = links()[po.email]
    assert new_token != old_token
    with pytest.raises(collecting.SigningRefused):
        collecting.request_for_token(old_token)
    assert collecting.request_for_token(new_token).signatory.step == 1
    assert convention.events.latest("sequence").kind == ConventionEvent.Kind.REMINDED
