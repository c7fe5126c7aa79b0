"""The workflow table, tried by every role: each action is allowed exactly to the people the
table names, refused to everybody else and from any other state, and a refusal changes nothing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from conventions.models import ConventionDocument, State
from conventions.services import drafting, workflow
from conventions.workflow import TRANSITIONS
from tests.conventions.factories import convention_for

pytestmark = pytest.mark.django_db

TO_REVIEW = ["send_to_po", "fill", "submit"]
SIGNED = [*TO_REVIEW, "approve", "send_for_signature", "complete_signatures"]
# From which path each action is tried, and who may take it ("staff" and "referent" of side A).
CASES = {
    "send_to_po": ([], {"staff", "admin"}),
    "submit": (["send_to_po", "fill"], {"referent"}),
    "request_changes": (TO_REVIEW, {"staff", "admin"}),
    "approve": (TO_REVIEW, {"staff", "admin"}),
    "send_for_signature": ([*TO_REVIEW, "approve"], {"staff", "admin"}),
    "complete_signatures": ([*TO_REVIEW, "approve", "send_for_signature"], set()),
    "cancel": ([], {"staff", "admin"}),
    "give_notice": (SIGNED, {"staff", "referent", "admin"}),
    "terminate": ([*SIGNED, "give_notice", "answer_notice"], {"staff", "admin"}),
    # Only the party that gave notice (here the federation) withdraws it; the PO answers in writing.
    "maintain": ([*SIGNED, "give_notice"], {"staff", "admin"}),
    "expire": (SIGNED, set()),
    # Signatories sign and decline through their own link (tests/conventions/test_signatory_rights.py),
    # never through the buttons of the convention.
    "sign": ([*TO_REVIEW, "approve", "send_for_signature"], set()),
    "decline": ([*TO_REVIEW, "approve", "send_for_signature"], set()),
}


class Undo(Exception):
    pass


def _drive(side, path, *, template=None):
    """A convention of `side` moved along `path`: the people's steps by `convention_for`, then
    the steps that are the application's own or the other party's answer."""
    people_steps = path[: _split(path)]
    convention = convention_for(side, template=template, state_path=people_steps)
    for step in path[len(people_steps) :]:
        convention.refresh_from_db()
        if step == "complete_signatures":
            workflow.apply_transition(convention=convention, name=step, by=None, as_system=True)
        elif step == "answer_notice":
            workflow.answer_termination_notice(
                convention=convention, by=side.users[Role.PO_REFERENT], answer="Nous prenons acte."
            )
        else:
            workflow.apply_transition(
                convention=convention, name=step, by=side.users[Role.FPO_STAFF], comment="Motif"
            )
    convention.refresh_from_db()
    return convention


def _split(path):
    """Where the people's steps end: at the completion of the signatures, if the path has it."""
    return path.index("complete_signatures") if "complete_signatures" in path else len(path)


def _visitors(side_a, side_b, admin_user):
    yield "admin", admin_user
    for role in Role:
        name = {Role.FPO_STAFF: "staff", Role.PO_REFERENT: "referent"}.get(role, role.value)
        yield name, side_a.users[role]
        yield f"{name} (B)", side_b.users[role]


def test_every_action_has_a_case():
    assert set(CASES) == set(TRANSITIONS)


@pytest.mark.parametrize("name", list(CASES))
def test_each_action_is_allowed_exactly_to_the_roles_of_the_table(name, side_a, side_b, admin_user):
    path, allowed = CASES[name]
    convention = _drive(side_a, path)
    before = (convention.state, convention.transitions.count())
    results = {}
    for who, user in _visitors(side_a, side_b, admin_user):
        try:
            with transaction.atomic():
                workflow.apply_transition(convention=convention, name=name, by=user, comment="Motif écrit")
                convention.refresh_from_db()
                assert convention.state == TRANSITIONS[name].target
                raise Undo
        except Undo:
            results[who] = True
        except (PermissionDenied, ValidationError):
            results[who] = False
        convention.refresh_from_db()
        assert (convention.state, convention.transitions.count()) == before, f"{who} a changé la convention"
    assert {who for who, ok in results.items() if ok} == allowed


def test_system_actions_are_taken_by_the_application_only(side_a):
    convention = _drive(side_a, [*TO_REVIEW, "approve", "send_for_signature"])
    workflow.apply_transition(convention=convention, name="complete_signatures", by=None, as_system=True)
    convention.refresh_from_db()
    assert convention.state == State.SIGNED and convention.signed_at is not None


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("send_to_po", "cancel")])
def test_an_action_from_another_state_is_refused_and_changes_nothing(name, side_a):
    convention = convention_for(side_a)  # a draft
    staff = side_a.users[Role.FPO_STAFF]
    with pytest.raises((ValidationError, PermissionDenied)) as refusal:
        workflow.apply_transition(
            convention=convention,
            name=name,
            by=staff,
            comment="Motif",
            as_system=name in ("complete_signatures", "expire"),
        )
    message = " ".join(getattr(refusal.value, "messages", [str(refusal.value)]))
    assert "impossible" in message or "ne pouvez pas" in message
    convention.refresh_from_db()
    assert convention.state == State.DRAFT and convention.transitions.count() == 1


def test_a_reason_is_required_where_the_table_says_so(side_a):
    convention = _drive(side_a, TO_REVIEW)
    with pytest.raises(ValidationError) as refusal:
        workflow.apply_transition(
            convention=convention, name="request_changes", by=side_a.users[Role.FPO_STAFF], comment="  "
        )
    assert "motif" in str(refusal.value).lower()
    convention.refresh_from_db()
    assert convention.state == State.IN_REVIEW


def test_submitting_an_incomplete_convention_says_what_is_missing(side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    with pytest.raises(ValidationError) as refusal:
        workflow.apply_transition(convention=convention, name="submit", by=side_a.users[Role.PO_REFERENT])
    assert "la date de prise de cours" in str(refusal.value)
    assert "au moins une personne de contact" in str(refusal.value)


def test_approval_freezes_the_text_and_keeps_its_pdf_bytes_in_the_same_step(side_a):
    convention = _drive(side_a, [*TO_REVIEW, "approve"])
    document = convention.documents.get()
    assert document.kind == ConventionDocument.Kind.FROZEN
    assert bytes(document.content).startswith(b"%PDF-")
    import hashlib

    assert document.sha256 == hashlib.sha256(bytes(document.content)).hexdigest()
    assert convention.is_frozen and convention.snapshots.count() == 1


def test_termination_waits_for_the_answer_or_the_deadline(side_a):
    convention = _drive(side_a, [*SIGNED, "give_notice"])
    notice = convention.termination_notices.get()
    # The deadline counts Belgian calendar days, whatever the UTC date of the notice.
    assert (notice.answer_deadline - timezone.localdate(notice.given_at)).days == 30
    with pytest.raises(ValidationError) as refusal:
        workflow.apply_transition(convention=convention, name="terminate", by=side_a.users[Role.FPO_STAFF])
    assert notice.answer_deadline.strftime("%d/%m/%Y") in str(refusal.value)
    with pytest.raises(PermissionDenied):
        workflow.answer_termination_notice(
            convention=convention, by=side_a.users[Role.FPO_STAFF], answer="Je me réponds"
        )
    workflow.answer_termination_notice(
        convention=convention, by=side_a.users[Role.PO_REFERENT], answer="Nous contestons."
    )
    workflow.apply_transition(convention=convention, name="terminate", by=side_a.users[Role.FPO_STAFF])
    convention.refresh_from_db()
    assert convention.state == State.TERMINATED
    assert convention.termination_notices.get().outcome == "terminated"


def test_an_amendment_is_a_new_version_on_the_templates_grounds_only(side_a):
    convention = _drive(side_a, SIGNED)
    referent = side_a.users[Role.PO_REFERENT]
    with pytest.raises(ValidationError):
        drafting.create_amendment(convention=convention, by=referent, ground="Parce que")
    amendment = drafting.create_amendment(
        convention=convention, by=referent, ground="Modification des dispositions décrétales"
    )
    assert amendment.reference == f"{convention.reference}-A1"
    assert amendment.state == State.DRAFT and amendment.amendment_of == convention
    assert list(amendment.schools.all()) == list(convention.schools.all())


def test_each_step_notifies_the_other_side_by_email_after_commit(side_a, django_capture_on_commit_callbacks):
    convention = convention_for(side_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(convention=convention, name="send_to_po", by=side_a.users[Role.FPO_STAFF])
    assert [m.to for m in mail.outbox] == [[side_a.users[Role.PO_REFERENT].email]]
    assert convention.reference in mail.outbox[0].subject
    # The state's label keeps its capitals inside the sentence (« le PO », never « le po »).
    assert "à compléter par le PO" in mail.outbox[0].subject
    assert "est désormais « à compléter par le PO »" in mail.outbox[0].body


def test_references_follow_each_other_per_federation_and_year(side_a):
    first, second = convention_for(side_a), convention_for(side_a, school=side_a.other_school)
    year = first.created_at.year
    assert (first.reference, second.reference) == (f"FPO-A-{year}-0001", f"FPO-A-{year}-0002")
