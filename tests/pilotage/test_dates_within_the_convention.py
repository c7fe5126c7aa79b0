"""What is recorded under a convention falls within its period: an action planned, held,
rescheduled or planned for several schools, and an evaluation, dated outside the convention's
start and end are refused in French, and nothing is saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from conventions.models import Convention
from pilotage.models import ActionRecord, Evaluation
from pilotage.services import actions, corrections, plans
from tests.pilotage.factories import ActionRecordFactory, ActionTypeFactory, accompany
from tests.utils import text_of

pytestmark = pytest.mark.django_db
START, END = date(2023, 9, 1), date(2029, 8, 31)
OUTSIDE = "tombe en dehors de la convention"


@pytest.fixture
def world(side_a):
    accompaniment = accompany(side_a)
    Convention.objects.filter(pk=accompaniment.convention_id).update(start_date=START, end_date=END)
    accompaniment.convention.refresh_from_db()
    return accompaniment, ActionTypeFactory(federation=side_a.federation)


def test_an_action_planned_after_the_convention_is_refused_in_the_form(client, side_a, world):
    accompaniment, action_type = world
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.post(
        f"/pilotage/accompagnements/{accompaniment.pk}/actions/nouvelle/",
        {"action_type": action_type.pk, "date": "15/09/2030"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code in (200, 400)
    reference = accompaniment.convention.reference
    assert (
        f"L'action du 15/09/2030 tombe en dehors de la convention {reference}, "
        "en vigueur du 01/09/2023 au 31/08/2029." in text_of(response)
    )
    assert not ActionRecord.objects.exists()


def test_held_rescheduled_and_bulk_actions_outside_the_period_are_refused(side_a, world):
    accompaniment, action_type = world
    adviser = side_a.users[Role.FPO_ADVISER]
    with pytest.raises(ValidationError, match=OUTSIDE):
        actions.plan_bulk_action(
            accompaniments=[accompaniment], action_type=action_type, date=date(2023, 8, 31), by=adviser
        )
    planned = ActionRecordFactory(accompaniment=accompaniment, action_type=action_type, date=date(2024, 3, 1))
    with pytest.raises(ValidationError, match=OUTSIDE):
        actions.mark_held(action=planned, by=adviser, held_on=date(2023, 6, 1))
    with pytest.raises(ValidationError, match=OUTSIDE):
        corrections.correct_action(action=planned, by=adviser, reason="Reportée", date=date(2030, 1, 6))
    planned.refresh_from_db()
    assert (planned.status, planned.date) == (ActionRecord.Status.PLANNED, date(2024, 3, 1))
    assert ActionRecord.objects.count() == 1
    # Inside the period, the same actions pass.
    planned = corrections.correct_action(action=planned, by=adviser, reason="Reportée", date=date(2024, 3, 8))
    assert actions.mark_held(action=planned, by=adviser).date == date(2024, 3, 8)


def test_an_evaluation_outside_the_period_is_refused(side_a, world):
    accompaniment, _ = world
    referent = side_a.users[Role.PO_REFERENT]
    plan = plans.plan_of(accompaniment=accompaniment, by=referent)
    with pytest.raises(ValidationError, match="L'évaluation du 01/06/2023"):
        plans.save_evaluation(
            plan=plan,
            by=referent,
            kind=Evaluation.Kind.ANNUAL,
            school_year=2022,
            held_on=date(2023, 6, 1),
            comment="",
            results={},
        )
    assert not Evaluation.objects.exists()


def test_a_convention_without_known_dates_refuses_nothing(side_a):
    accompaniment = accompany(side_a)
    assert accompaniment.convention.start_date is None
    action = actions.plan_action(
        accompaniment=accompaniment,
        action_type=ActionTypeFactory(federation=side_a.federation),
        date=timezone.localdate() + timedelta(days=3),
        by=side_a.users[Role.FPO_ADVISER],
    )
    assert action.pk
