"""E-mails are plain text: what a party is called reaches the reader as it is written."""

import pytest
from django.core import mail

from accounts.models import Role
from conventions.services import workflow
from tests.conventions.factories import convention_for

pytestmark = pytest.mark.django_db


def test_an_apostrophe_or_a_bracket_is_not_html_escaped_in_an_email(
    side_a, django_capture_on_commit_callbacks
):
    side_a.organising_authority.name = "Commune d'Évère <Nord> & environs"
    side_a.organising_authority.save()
    convention = convention_for(side_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(convention=convention, name="send_to_po", by=side_a.users[Role.FPO_STAFF])
    body = mail.outbox[0].body
    assert "Commune d'Évère <Nord> & environs" in body
    assert "&#x27;" not in body and "&lt;" not in body and "&amp;" not in body
