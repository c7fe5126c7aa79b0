"""Termination follows the convention's text: only the party that gave notice pronounces or
withdraws it, the other answers in writing; a template whose text states no such procedure
offers none."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from conventions.models import State
from conventions.services import workflow
from tests.conventions.factories import TemplateFactory
from tests.conventions.test_workflow import SIGNED, _drive
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def test_the_notified_party_cannot_withdraw_the_other_sides_notice(client, side_a):
    convention = _drive(side_a, [*SIGNED, "give_notice"])  # notice given by the federation
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = text_of(client.get(convention.get_absolute_url()))
    assert "Maintenir la convention" not in page and "Prononcer la résiliation" not in page
    refused = client.post(
        f"/conventions/{convention.reference}/actions/maintain/", {"comment": "Non"}, follow=True
    )
    assert "Seule la partie qui a notifié la résiliation peut la prononcer ou la retirer" in text_of(refused)
    convention.refresh_from_db()
    assert convention.state == State.TERMINATION_NOTICE
    assert convention.termination_notices.get().outcome == ""

    client.force_login(side_a.users[Role.FPO_STAFF])
    assert "Maintenir la convention" in text_of(client.get(convention.get_absolute_url()))
    client.post(f"/conventions/{convention.reference}/actions/maintain/", {"comment": "Accord trouvé"})
    convention.refresh_from_db()
    assert convention.state == State.SIGNED
    assert convention.termination_notices.get().outcome == "maintained"


def test_a_template_without_a_termination_clause_offers_no_notice(client, side_a):
    template = TemplateFactory(federation=side_a.federation, termination_notice_days=None)
    convention = _drive(side_a, SIGNED, template=template)
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert "Notifier la résiliation" not in text_of(client.get(convention.get_absolute_url()))
    with pytest.raises(ValidationError, match="ne prévoit pas de procédure de résiliation"):
        workflow.apply_transition(
            convention=convention, name="give_notice", by=side_a.users[Role.FPO_STAFF], comment="Motif"
        )
    convention.refresh_from_db()
    assert convention.state == State.SIGNED and not convention.termination_notices.exists()
