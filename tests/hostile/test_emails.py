"""The hostile corpus in the e-mails that no form sends at once: the invitation, the deadline
reminder and the signature reminder read as typed (plain text, no HTML entity), and a name that
holds markup or a formula comes out as the same characters, never as markup."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from accounts.services import invite_person
from conventions.models import SignatureRequest
from tests.conventions.signatures.helpers import mails_at_once, send_for_signature  # noqa: F401 - fixture
from tests.pilotage.factories import accompany

from .corpus import HYPERLINK, MARKUP, assert_plain_text

pytestmark = pytest.mark.django_db
NAME = "L'Échevinat « d'Ixelles » & Cie \u202e\U0001f3eb"


def _rename(side, name):
    side.organising_authority.name = name
    side.organising_authority.save(update_fields=["name"])
    side.school.name = f"{name} {MARKUP}"
    side.school.save(update_fields=["name"])


def _read(message) -> str:
    text = message.subject + "\n" + message.body
    assert_plain_text(text)
    return text


def test_the_invitation_reads_the_names_as_typed(side_a):
    _rename(side_a, NAME)
    invite_person(
        organisation=side_a.organising_authority,
        role=Role.SIGNATORY,
        email="nouvelle.signataire@pilotis.example",
        by=side_a.users[Role.PO_REFERENT],
        base_url="https://pilotis.example",
        function=HYPERLINK,
        first_name="Zoé \u202eO'Neil",
        last_name=MARKUP[:150],
    )
    (message,) = mail.outbox
    text = _read(message)
    assert NAME in text
    assert "https://pilotis.example/" in text


def test_the_deadline_reminder_reads_the_school_name_as_typed(side_a, settings):
    _rename(side_a, NAME)
    accompaniment = accompany(side_a)
    today = date(2026, 3, 2)
    accompaniment.plan.__class__.objects.filter(pk=accompaniment.plan.pk).update(
        state="submitted",
        submitted_to_dco_on=today - timedelta(days=30),
        dco_meeting_on=today + timedelta(days=settings.PILOTAGE_REMINDER_DAYS),
    )
    call_command("send_reminders", "--date", today.isoformat(), stdout=StringIO())
    assert mail.outbox
    for message in mail.outbox:
        text = _read(message)
        assert f"{NAME} {MARKUP}" in text


def test_the_signature_reminder_reads_the_names_as_typed(side_a, settings):
    settings.SIGNATURE_REMINDER_DAYS = 5
    _rename(side_a, NAME)
    convention = send_for_signature(side_a)
    SignatureRequest.objects.filter(convention=convention).update(sent_at=timezone.now() - timedelta(days=6))
    mail.outbox.clear()
    call_command("send_signature_reminders", stdout=StringIO())
    (message,) = mail.outbox
    text = _read(message)
    assert convention.reference in text
    assert NAME in text
