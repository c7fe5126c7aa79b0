"""The plan de pilotage and what it holds: objectives, strategies, indicators and their values, evaluations."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from pilotage.models import (
    Accompaniment,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Strategy,
)

from .common import require

PLAN_FIELDS = [
    "state",
    "diagnosis",
    "submitted_to_dco_on",
    "dco_meeting_on",
    "adjustment_requested_on",
    "dco_comment",
    "accepted_on",
    "contract_start",
]


def plan_of(*, accompaniment: Accompaniment, by: User) -> Plan:
    """The accompaniment's plan, created if it has none yet (`start_accompaniment` creates
    it; older accompaniments may lack one): for a form about to be saved, never on a GET."""
    require(by, "edit_plan", accompaniment)
    with transaction.atomic():
        plan, _ = Plan.objects.get_or_create(
            accompaniment=accompaniment, defaults={"school": accompaniment.school}
        )
    plan.accompaniment = accompaniment
    return plan


def update_plan(*, plan: Plan, by: User, **values) -> Plan:
    """Change the plan's state and dates (school direction and PO référent)."""
    require(by, "edit_plan", plan.accompaniment)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {unknown}")
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        for field, value in values.items():
            setattr(locked, field, value)
        if locked.state == Plan.State.SUBMITTED and not locked.submitted_to_dco_on:
            locked.submitted_to_dco_on = timezone.localdate()
        if locked.state == Plan.State.TO_ADJUST and not locked.adjustment_requested_on:
            locked.adjustment_requested_on = timezone.localdate()
        locked.updated_by = by
        locked.full_clean()
        locked.save()
    return locked


def _part_of(plan: Plan, instance, model, related: str):
    """A new row at the end of the plan's `related`, or `instance` if it belongs to the plan."""
    if instance is None:
        return model(plan=plan, position=getattr(plan, related).count() + 1)
    if instance.plan_id != plan.pk:
        raise ValidationError("Cet élément n'appartient pas à ce plan.")
    return instance


def _save(instance, *, many: tuple[str, Iterable] | None = None, **values):
    """Set the values (text stripped), validate, save, and set the many-to-many `many`."""
    for field, value in values.items():
        setattr(instance, field, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        if many:
            getattr(instance, many[0]).set(many[1])
    return instance


def save_objective(
    *,
    plan: Plan,
    by: User,
    title: str,
    label: str = "",
    description: str = "",
    framework_nodes=(),
    objective: SchoolObjective | None = None,
) -> SchoolObjective:
    """An objectif spécifique of the plan and the framework nodes it contributes to."""
    require(by, "edit_plan", plan.accompaniment)
    objective = _part_of(plan, objective, SchoolObjective, "objectives")
    return _save(
        objective,
        label=label,
        title=title,
        description=description,
        many=("framework_nodes", framework_nodes),
    )


def save_strategy(
    *,
    plan: Plan,
    by: User,
    title: str,
    actions: str = "",
    responsible: str = "",
    timeline: str = "",
    objectives=(),
    strategy: Strategy | None = None,
) -> Strategy:
    """A strategy of the plan, serving some of its objectives."""
    require(by, "edit_plan", plan.accompaniment)
    strategy = _part_of(plan, strategy, Strategy, "strategies")
    if any(objective.plan_id != plan.pk for objective in objectives):
        raise ValidationError({"objectives": "Choisissez des objectifs de ce plan."})
    return _save(
        strategy,
        title=title,
        actions=actions,
        responsible=responsible,
        timeline=timeline,
        many=("objectives", objectives),
    )


def save_indicator(
    *,
    objective: SchoolObjective,
    by: User,
    name: str,
    baseline: Decimal,
    target: Decimal,
    direction: str = Indicator.Direction.RISE,
    unit: str = "",
    baseline_year: int | None = None,
    target_year: int | None = None,
    indicator: Indicator | None = None,
) -> Indicator:
    """An indicator of the objective; its target must go the way it should move."""
    require(by, "edit_plan", objective.plan.accompaniment)
    if indicator is None:
        indicator = Indicator(objective=objective, position=objective.indicators.count() + 1)
    return _save(
        indicator,
        name=name,
        unit=unit,
        direction=direction,
        baseline=baseline,
        target=target,
        baseline_year=baseline_year,
        target_year=target_year,
    )


def record_indicator_value(
    *, indicator: Indicator, school_year: int, value: Decimal, by: User
) -> IndicatorValue:
    """The value of the indicator for a school year (replaces the one recorded before)."""
    require(by, "record_indicator_values", indicator.objective.plan.accompaniment)
    return set_indicator_value(indicator=indicator, school_year=school_year, value=value, by=by)


def set_indicator_value(
    *, indicator: Indicator, school_year: int, value: Decimal, by: User | None
) -> IndicatorValue:
    """Without the rule: for the import, which checks the rule for each row itself."""
    candidate = IndicatorValue(indicator=indicator, school_year=school_year, value=value, recorded_by=by)
    candidate.full_clean(exclude=["indicator"], validate_unique=False)
    with transaction.atomic():
        recorded, _ = IndicatorValue.objects.update_or_create(
            indicator=indicator, school_year=school_year, defaults={"value": value, "recorded_by": by}
        )
    return recorded


def save_evaluation(
    *,
    plan: Plan,
    by: User,
    kind: str,
    school_year: int,
    results: dict[int, tuple[str, str]],
    held_on: date | None = None,
    comment: str = "",
    replace: bool = False,
) -> Evaluation:
    """An evaluation of the plan for a school year, with a status per objective
    ({objective id: (status, comment)}). Recording it again updates it: what is left empty
    keeps what was saved. With `replace` (the evaluation's own form, which showed the saved
    values), what is empty is cleared: the date, the comment, the objectives left unevaluated."""
    require(by, "edit_plan", plan.accompaniment)
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": "Une évaluation ne peut pas être datée dans le futur."})
    objectives = {objective.pk: objective for objective in plan.objectives.all()}
    unknown = set(results) - set(objectives)
    if unknown:
        raise ValidationError("Ces objectifs n'appartiennent pas au plan.")
    for status, _ in results.values():
        if status not in ObjectiveStatus.values:
            raise ValidationError(f"Statut inconnu : « {status} ».")
    with transaction.atomic():
        evaluation, _ = Evaluation.objects.select_for_update().get_or_create(
            plan=plan, kind=kind, school_year=school_year, defaults={"created_by": by}
        )
        comment = comment.strip()
        if replace:
            evaluation.held_on, evaluation.comment = held_on, comment
            evaluation.results.exclude(objective__in=list(results)).delete()
        else:
            evaluation.held_on = held_on or evaluation.held_on
            evaluation.comment = comment or evaluation.comment
        evaluation.full_clean()
        evaluation.save()
        for objective_id, (status, result_comment) in results.items():
            defaults = {"status": status, "comment": result_comment.strip()}
            if not replace and not defaults["comment"]:
                del defaults["comment"]
            EvaluationResult.objects.update_or_create(
                evaluation=evaluation, objective=objectives[objective_id], defaults=defaults
            )
    return evaluation
