"""Nobody sees the other side's pilotage, whatever the model."""

import pytest

from accounts.models import Role
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    Note,
    Plan,
    SchoolObjective,
    StepEntry,
    Strategy,
)
from pilotage.services.notes import add_note
from pilotage.services.plans import save_evaluation, set_indicator_value
from tests.pilotage.factories import ActionRecordFactory, objective_with_indicator

MODELS = [
    Accompaniment,
    ActionRecord,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    Note,
    Plan,
    SchoolObjective,
    StepEntry,
    Strategy,
]


def _fill(side, accompaniment):
    ActionRecordFactory(accompaniment=accompaniment)
    indicator = objective_with_indicator(accompaniment)
    set_indicator_value(indicator=indicator, school_year=2024, value=1, by=None)
    Strategy.objects.create(plan=accompaniment.plan, title="Stratégie")
    save_evaluation(
        plan=accompaniment.plan,
        by=side.users[Role.PO_REFERENT],
        kind="annual",
        school_year=2024,
        results={indicator.objective_id: ("met", "")},
    )
    add_note(accompaniment=accompaniment, by=side.users[Role.FPO_ADVISER], text="n", visibility="shared")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_side_sees_its_own_rows_only(
    side_a, side_b, accompaniment_a, accompaniment_b, admin_user, model
):
    _fill(side_a, accompaniment_a)
    _fill(side_b, accompaniment_b)
    for side, accompaniment in ((side_a, accompaniment_a), (side_b, accompaniment_b)):
        for role, user in side.users.items():
            rows = model.objects.visible_to(user)
            schools = {_school_of(row) for row in rows}
            assert schools == {accompaniment.school_id}, (model.__name__, role)
    assert model.objects.visible_to(admin_user).count() == model.objects.count()


def _school_of(row):
    for path in (
        "school_id",
        "accompaniment.school_id",
        "plan.school_id",
        "objective.plan.school_id",
        "indicator.objective.plan.school_id",
        "evaluation.plan.school_id",
    ):
        value = row
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    raise AssertionError(row)
