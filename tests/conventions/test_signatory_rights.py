"""Signatories and their decline are actors of the one workflow table: the rules read the
table's "sign" and "decline" rows, for the signatory's own account, in the states they name."""

import pytest

from accounts.models import Role
from conventions.rules import may_act_as_signatory
from conventions.workflow import TRANSITIONS, Actor, available
from tests.conventions.factories import convention_for

pytestmark = pytest.mark.django_db

SIGNING = ["send_to_po", "fill", "submit", "approve", "send_for_signature"]


def test_signing_and_declining_are_rows_of_the_table():
    sign, decline = TRANSITIONS["sign"], TRANSITIONS["decline"]
    assert sign.actors == decline.actors == {Actor.SIGNATORY}
    assert decline.target == "in_review" and decline.comment_required
    # Nobody else sees them among the convention's buttons.
    assert not {"sign", "decline"} & {t.name for t in available("signing", {Actor.FPO, Actor.PO})}


def test_only_the_signatory_themself_signs_or_declines_while_the_convention_is_in_signature(side_a, side_b):
    convention = convention_for(side_a, state_path=SIGNING)
    signatory = convention.signatories.exclude(party="fpo").first()
    person = side_a.users[Role.SIGNATORY]
    signatory.email = person.email.upper()
    signatory.save(update_fields=["email"])
    for name in ("sign", "decline"):
        assert may_act_as_signatory(person, signatory, name)
        for other in (
            side_a.users[Role.FPO_STAFF],
            side_a.users[Role.PO_REFERENT],
            side_b.users[Role.SIGNATORY],
        ):
            assert not may_act_as_signatory(other, signatory, name), other
    convention.state = "signed"
    convention.save(update_fields=["state"])
    signatory.refresh_from_db()
    assert not may_act_as_signatory(person, signatory, "sign")
    assert not may_act_as_signatory(person, signatory, "decline")
