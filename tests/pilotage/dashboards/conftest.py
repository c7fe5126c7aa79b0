"""The world of the report's tests: last school year at federation A."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from core.school_years import current_school_year, school_year_bounds
from pilotage.models import (
    ActionRecord,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
)
from tests.accounts.factories import SchoolFactory
from tests.pilotage.factories import ActionRecordFactory, ActionTypeFactory, accompany

LAST_YEAR = current_school_year() - 1


def held(accompaniment, action_type, day):
    ActionRecordFactory(
        accompaniment=accompaniment, action_type=action_type, status=ActionRecord.Status.HELD, date=day
    )


@pytest.fixture
def year_of_a(side_a, side_b, seminar_a):
    """Last school year at federation A: École A 1 accompanied from its start, with actions of
    two types, an engagement met, an evaluation; Athénée A 2 accompanied, a third school of the
    PO not accompanied; federation B busy too."""
    start, end = school_year_bounds(LAST_YEAR)
    coaching = ActionTypeFactory(federation=side_a.federation, title="Coaching en école", kind="coaching")
    first = accompany(side_a, started_on=start)
    for day in (start + timedelta(days=10), start + timedelta(days=40), end - timedelta(days=5)):
        held(first, seminar_a, day)
    held(first, coaching, start + timedelta(days=60))
    held(first, coaching, end + timedelta(days=1))  # the year after
    ActionRecordFactory(
        accompaniment=first,
        action_type=coaching,
        status=ActionRecord.Status.CANCELLED,
        cancel_reason="Grève",
        date=start + timedelta(days=70),
    )
    EngagementCheck.objects.filter(accompaniment=first, engagement__code="referent").update(
        done_at=timezone.make_aware(datetime(LAST_YEAR, 10, 1, 10))
    )
    plan = Plan.objects.get(accompaniment=first)
    Plan.objects.filter(pk=plan.pk).update(
        state=Plan.State.ACCEPTED,
        submitted_to_dco_on=start + timedelta(days=100),
        accepted_on=start + timedelta(days=150),
    )
    evaluation = Evaluation.objects.create(plan=plan, kind=Evaluation.Kind.ANNUAL, school_year=LAST_YEAR)
    for position, status in enumerate(
        [ObjectiveStatus.MET, ObjectiveStatus.IN_PROGRESS, ObjectiveStatus.IN_PROGRESS, None], start=1
    ):
        objective = SchoolObjective.objects.create(plan=plan, title=f"Objectif {position}", position=position)
        if status:
            EvaluationResult.objects.create(evaluation=evaluation, objective=objective, status=status)
    second = accompany(side_a, school=side_a.other_school, started_on=start + timedelta(days=30))
    held(second, seminar_a, start + timedelta(days=45))
    SchoolFactory(
        name="École sans convention",
        organising_authority=side_a.organising_authority,
        federation=side_a.federation,
    )
    accompany(side_b, started_on=start)
    return side_a
