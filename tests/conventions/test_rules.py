"""The rules of conventions that views and services share."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from conventions.models import Party
from conventions.rules import can_manage_conventions, may_answer_notice, parties_for
from conventions.workflow import Actor


def test_managing_conventions_follows_the_managed_federations(side_a, side_b, admin_user):
    staff = side_a.users[Role.FPO_STAFF]
    assert can_manage_conventions(staff)
    assert can_manage_conventions(staff, side_a.federation)
    assert not can_manage_conventions(staff, side_b.federation)
    assert not can_manage_conventions(side_a.users[Role.FPO_ADVISER])
    assert can_manage_conventions(admin_user, side_b.federation)
    assert not can_manage_conventions(AnonymousUser())


def test_only_the_other_party_answers_a_notice_once():
    assert parties_for({Actor.FPO, Actor.PO}) == {Party.FPO, Party.PO}
    notice = SimpleNamespace(party=Party.FPO, answered_at=None)
    assert may_answer_notice({Actor.PO}, notice)
    assert not may_answer_notice({Actor.FPO}, notice)
    assert may_answer_notice({Actor.FPO, Actor.PO}, notice)
    notice.answered_at = "hier"
    assert not may_answer_notice({Actor.PO}, notice)
