"""`manage.py send_reminders`: an e-mail N days before each deadline, once."""

from datetime import date, timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command

from accounts.models import Role
from pilotage.models import Plan, ReminderSent


def _meeting_in(accompaniment, days: int, today: date) -> Plan:
    Plan.objects.filter(accompaniment=accompaniment).update(
        state="submitted",
        submitted_to_dco_on=today - timedelta(days=30),
        dco_meeting_on=today + timedelta(days=days),
    )
    return Plan.objects.get(accompaniment=accompaniment)


def test_the_people_concerned_are_reminded_once(
    side_a, accompaniment_a, settings, django_capture_on_commit_callbacks
):
    settings.PILOTAGE_REMINDER_DAYS = 14
    today = date(2026, 3, 2)
    _meeting_in(accompaniment_a, 14, today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "send_reminders",
            "--date",
            today.isoformat(),
            "--base-url",
            "https://pilotis.example/",
            stdout=StringIO(),
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"[Pilotis] Rencontre avec le DCO le 16/03/2026 — {accompaniment_a.school.name}"
    assert sorted(message.to) == sorted(
        side_a.users[role].email for role in (Role.PO_REFERENT, Role.SCHOOL_DIRECTION, Role.FPO_ADVISER)
    )
    assert f"https://pilotis.example/ecoles/{accompaniment_a.school.fase}/#pilotage-plan" in message.body
    # Again the same day, or the next: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", today.isoformat(), stdout=StringIO())
        call_command("send_reminders", "--date", (today + timedelta(days=1)).isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_a_deadline_further_than_n_days_waits(accompaniment_a, settings, django_capture_on_commit_callbacks):
    settings.PILOTAGE_REMINDER_DAYS = 14
    today = date(2026, 3, 2)
    _meeting_in(accompaniment_a, 20, today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", today.isoformat(), stdout=StringIO())
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", (today + timedelta(days=7)).isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 1


def test_reminders_carry_whole_links_from_site_url(
    accompaniment_a, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://pilotis.cpeons.example"
    today = date(2026, 3, 2)
    _meeting_in(accompaniment_a, 3, today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", today.isoformat(), stdout=StringIO())
    link = f"https://pilotis.cpeons.example/ecoles/{accompaniment_a.school.fase}/#pilotage-plan"
    assert mail.outbox and all(link in message.body for message in mail.outbox)


def test_the_contract_deadlines_are_reminded_too(accompaniment_a, django_capture_on_commit_callbacks):
    Plan.objects.filter(accompaniment=accompaniment_a).update(
        state="accepted",
        submitted_to_dco_on=date(2024, 3, 1),
        accepted_on=date(2024, 6, 1),
        contract_start=date(2024, 9, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2027-06-20", "--days", "14", stdout=StringIO())
    assert [m.subject.split(" le ")[0] for m in mail.outbox] == [
        "[Pilotis] Évaluation intermédiaire (année 3)"
    ]
