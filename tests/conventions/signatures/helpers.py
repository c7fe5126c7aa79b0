"""What the signature tests share: a convention sent for signature, its links, a signatory
signing through the page."""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.account.internal.flows import login as login_flow
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conventions.models import (
    SignatureRequest,
)
from conventions.services import collecting, workflow
from conventions.signatures import evidence, rounds
from tests.conventions.factories import convention_for
from tests.utils import text_of

SIGNERS = {1: Role.SIGNATORY, 2: Role.FPO_ADVISER, 3: Role.SCHOOL_DIRECTION}
LINK = re.compile(r"https?://\S+/signer/([\w-]+)/")


@pytest.fixture(autouse=True)
def mails_at_once(monkeypatch):
    """The test's transaction never commits: run what waits for the commit (the e-mails) at once."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def ready_convention(side):
    """A convention of `side` approved (frozen), its signatories being `side`'s signatory (PO,
    step 1), adviser (federation, step 2) and direction (school, step 3)."""
    convention = convention_for(side, state_path=["send_to_po", "fill", "submit"])
    for signatory in convention.signatories.all():
        user = side.users[SIGNERS[signatory.step]]
        signatory.email, signatory.full_name = user.email, user.get_full_name() or user.email
        signatory.save(update_fields=["email", "full_name"])
    workflow.apply_transition(convention=convention, name="approve", by=side.users[Role.FPO_STAFF])
    convention.refresh_from_db()
    return convention


def send_for_signature(side):
    convention = ready_convention(side)
    mail.outbox.clear()
    workflow.apply_transition(convention=convention, name="send_for_signature", by=side.users[Role.FPO_STAFF])
    convention.refresh_from_db()
    return convention


def links(outbox=None) -> dict[str, str]:
    """The signing token in each e-mail, by recipient."""
    found = {}
    for message in outbox if outbox is not None else mail.outbox:
        match = LINK.search(message.body)
        if match:
            found[message.to[0]] = match.group(1)
    return found


def login_recently(client, user):
    """Logged in and just re-authenticated (what allauth's re-authentication form records)."""
    client.force_login(user)
    session = client.session
    session[login_flow._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[login_flow.AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session.save()


def sign_through_page(client, user, token):
    login_recently(client, user)
    page = client.get(reverse("signature_page", args=[token]))
    assert page.status_code == 200, text_of(page)
    shown = page.context["latest"].sha256
    return client.post(reverse("signature_page", args=[token]), {"read": "on", "document_sha256": shown})


def meta():
    return evidence.RequestMeta(ip="192.0.2.1", user_agent="test")


def open_request(convention, step):
    return SignatureRequest.objects.get(
        convention=convention, signatory__step=step, used_at__isnull=True, revoked_at__isnull=True
    )


def sign_step(convention, step, user):
    latest = rounds.latest_document(convention)
    return collecting.sign(
        request=open_request(convention, step),
        by=user,
        meta=meta(),
        shown_sha256=latest.sha256,
        authenticated_at=timezone.now(),
    )


PYHANKO = Path(sys.executable).parent / "pyhanko"


def pyhanko_validate(path, ca_pem: str, *, pretty: bool = True) -> subprocess.CompletedProcess:
    """pyHanko's own command line (pyhanko-cli, a dev dependency) on `path`, trusting `ca_pem`."""
    assert PYHANKO.exists() or shutil.which("pyhanko"), "pyhanko-cli manque : `make install`"
    command = [str(PYHANKO) if PYHANKO.exists() else "pyhanko", "sign", "validate", "--no-revocation-check"]
    return subprocess.run(  # noqa: S603
        [*command, "--trust", ca_pem, *(["--pretty-print"] if pretty else []), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
