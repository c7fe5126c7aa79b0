"""A failing SMTP server never undoes the state change that asked for an e-mail, and the e-mail
is not lost: a real SMTP server (aiosmtpd) on a loopback port first refuses, then accepts; the
e-mail tasks run from the database queue (django-tasks-db) as a worker runs them."""

import email
import email.policy
import logging
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from conventions.models import ConventionTransition, State
from conventions.services import workflow
from tests.conventions.factories import convention_for

pytestmark = pytest.mark.django_db


class Inbox:
    """An SMTP server's handler: answers `refusal` to each recipient while it is set, and keeps
    the messages it accepts."""

    def __init__(self):
        self.refusal = None
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusal:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """A free loopback port the application sends to; the server is started by `listen()`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_DELAYS = [60, 300]
    inbox = Inbox()
    controllers = []

    def listen():
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)

    inbox.listen = listen
    yield inbox
    for controller in controllers:
        controller.stop()


def run_due_tasks() -> list[DBTaskResult]:
    """What `manage.py db_worker` does with each task due now: claim it, run it, record how it ended."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = []
    while (due := DBTaskResult.objects.ready().get_locked()) is not None:
        due.claim(worker.worker_id)
        worker.run_task(due)
        due.refresh_from_db()
        ran.append(due)
    return ran


def send_to_po(side, capture):
    side.organising_authority.name = "Commune d'Évère"
    side.organising_authority.save()
    convention = convention_for(side)
    with capture(execute=True):
        workflow.apply_transition(convention=convention, name="send_to_po", by=side.users[Role.FPO_STAFF])
    return convention


@pytest.mark.parametrize(
    "refusal",
    [None, "421 4.3.2 Service not available, closing channel", "451 4.3.0 Try again later"],
    ids=["port-ferme", "421", "451"],
)
def test_an_email_the_smtp_server_refuses_is_sent_later_and_the_step_stays_done(
    side_a, smtp, refusal, django_capture_on_commit_callbacks, caplog
):
    if refusal:
        smtp.refusal = refusal
        smtp.listen()
    convention = send_to_po(side_a, django_capture_on_commit_callbacks)

    with caplog.at_level(logging.WARNING, logger="core.mail"):
        [first] = run_due_tasks()
    assert first.status == TaskResultStatus.FAILED
    convention.refresh_from_db()
    assert convention.state == State.TO_COMPLETE
    assert ConventionTransition.objects.filter(convention=convention, name="send_to_po").exists()
    assert "E-mail « convention_transition » non remis à la tentative 1" in caplog.text
    assert "nouvel essai dans 60 s" in caplog.text
    assert smtp.messages == []

    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["kwargs"]["delivery_attempt"] == 2
    assert timedelta(seconds=55) < retry.run_after - timezone.now() <= timedelta(seconds=60)
    assert run_due_tasks() == [], "not before its minute has passed"

    smtp.refusal = None
    if not refusal:
        smtp.listen()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # a minute later
    [delivered] = run_due_tasks()
    assert delivered.status == TaskResultStatus.SUCCESSFUL
    [message] = smtp.messages
    referent = side_a.users[Role.PO_REFERENT]
    assert message["To"] == referent.email
    # Folding of the encoded header leaves a leading space, which no mail reader shows.
    assert message["Subject"].strip() == f"[Pilotis] {convention.reference} : à compléter par le PO"
    body = message.get_content()
    assert f"La convention {convention.reference} entre" in body
    assert "Commune d'Évère" in body
    assert "&#x27;" not in body and "&amp;" not in body


def test_after_the_last_attempt_the_email_is_given_up_with_an_error_naming_its_kind(
    side_a, smtp, django_capture_on_commit_callbacks, caplog
):
    send_to_po(side_a, django_capture_on_commit_callbacks)
    with caplog.at_level(logging.WARNING, logger="core.mail"):
        for _attempt in range(3):
            [failed] = run_due_tasks()
            assert failed.status == TaskResultStatus.FAILED
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    [given_up] = [r for r in caplog.records if r.name == "core.mail" and r.levelno == logging.ERROR]
    assert given_up.getMessage() == (
        "E-mail « convention_transition » abandonné après 3 tentative(s) (ConnectionRefusedError) : "
        "1 destinataire(s) ne l'ont pas reçu"
    )
    assert side_a.users[Role.PO_REFERENT].email not in caplog.text
