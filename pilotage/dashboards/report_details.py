"""What the yearly report adds to the dashboard's rows, school by school: the advisers, the days
of accompaniment by action type (from each action's duration), the cancelled actions, the
evaluation of the year and the indicators' values against their baseline and target. Each is one
grouped query for the whole federation, so that the report costs the same number of queries
whatever the number of schools."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from pilotage.models import (
    HOURS_PER_UNIT,
    ActionRecord,
    AdviserAssignment,
    Evaluation,
    Indicator,
    IndicatorValue,
)

from .periods import Period
from .queries import held_actions

HOURS_PER_DAY = Decimal(8)
HOURS_PER_HALF_DAY = Decimal(4)


def advisers_by_accompaniment(accompaniment_ids) -> dict[int, str]:
    """The advisers designated for each accompaniment, names in alphabetical order. (An
    assignment keeps no history yet: a past year shows today's advisers.)"""
    names = defaultdict(list)
    for accompaniment, first, last, email in (
        AdviserAssignment.objects.filter(accompaniment__in=accompaniment_ids)
        .order_by("adviser__last_name", "adviser__first_name", "adviser__email")
        .values_list("accompaniment", "adviser__first_name", "adviser__last_name", "adviser__email")
    ):
        names[accompaniment].append(f"{first} {last}".strip() or email)
    return {accompaniment: ", ".join(people) for accompaniment, people in names.items()}


def hours_by_school_and_type(federation, period: Period) -> dict[tuple[int, int], Decimal]:
    """The hours of the actions held during the year, per school and action type (a half-day
    counts 4 hours, a day 8; an action without a duration counts none)."""
    hours = defaultdict(Decimal)
    for school, action_type, unit, total in (
        held_actions(federation, period)
        .exclude(duration__isnull=True)
        .order_by()
        .values("school", "action_type", "duration_unit")
        .annotate(total=Sum("duration"))
        .values_list("school", "action_type", "duration_unit", "total")
    ):
        hours[(school, action_type)] += total * HOURS_PER_UNIT[unit]
    return hours


def cancelled_by_school(federation, period: Period) -> dict[int, int]:
    return dict(
        ActionRecord.objects.filter(
            accompaniment__federation=federation,
            status=ActionRecord.Status.CANCELLED,
            date__gte=period.start,
            date__lte=period.reference,
        )
        .order_by()
        .values("school")
        .annotate(n=Count("pk"))
        .values_list("school", "n")
    )


def evaluations_by_id(evaluation_ids) -> dict[int, str]:
    """'Auto-évaluation annuelle du 12/05/2026' (or without a date, if none was recorded)."""
    described = {}
    for evaluation in Evaluation.objects.filter(pk__in=[pk for pk in evaluation_ids if pk]):
        held = f" du {evaluation.held_on:%d/%m/%Y}" if evaluation.held_on else ""
        described[evaluation.pk] = f"{evaluation.get_kind_display()}{held}"
    return described


@dataclass
class IndicatorLine:
    fase: int
    school: str
    objective: str
    indicator: str
    unit: str
    direction: str
    baseline: Decimal
    baseline_year: str
    target: Decimal
    target_year: str
    value: Decimal | None

    @property
    def progress(self) -> str:
        """How far the year's value has come from the baseline towards the target, in %."""
        if self.value is None or self.target == self.baseline:
            return ""
        share = round((self.value - self.baseline) / (self.target - self.baseline) * 100)
        return f"{share + 0} %"  # never « -0 % »

    @property
    def name_with_unit(self) -> str:
        """« Élèves en retard (%) », unless the name already says its unit."""
        if not self.unit or self.indicator.endswith(f"({self.unit})"):
            return self.indicator
        return f"{self.indicator} ({self.unit})"


def indicator_lines(plan_ids, period: Period, year_label) -> list[IndicatorLine]:
    """Every indicator of the plans, with its value for the year (None where none was recorded)."""
    values = dict(
        IndicatorValue.objects.filter(
            indicator__objective__plan__in=plan_ids, school_year=period.year
        ).values_list("indicator", "value")
    )
    lines = []
    for indicator in (
        Indicator.objects.filter(objective__plan__in=plan_ids)
        .select_related("objective__plan__school")
        .order_by("objective__plan__school__name", "objective__position", "objective__pk", "position", "pk")
    ):
        objective = indicator.objective
        school = objective.plan.school
        lines.append(
            IndicatorLine(
                fase=school.fase,
                school=school.name,
                objective=" ".join(part for part in (objective.label, objective.title) if part),
                indicator=indicator.name,
                unit=indicator.unit,
                direction=indicator.get_direction_display(),
                baseline=indicator.baseline,
                baseline_year=year_label(indicator.baseline_year),
                target=indicator.target,
                target_year=year_label(indicator.target_year),
                value=values.get(indicator.pk),
            )
        )
    return lines


def days(hours: Decimal) -> Decimal:
    return (hours / HOURS_PER_DAY).quantize(Decimal("0.1"))


def half_days(hours: Decimal) -> Decimal:
    return (hours / HOURS_PER_HALF_DAY).quantize(Decimal("0.1"))
