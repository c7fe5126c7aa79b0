"""What the federation's dashboard and the yearly report count, as QuerySets.

Every figure is an annotation (a correlated subquery, see `aggregates`) or one grouped query,
so that a page makes the same number of queries whatever the number of schools. The yearly
report reads the very QuerySets the federation's dashboard shows: the counts cannot drift
apart. School years and their reference day: `periods`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from accounts.models import (
    Membership,
    OrganisingAuthority,
    Role,
    School,
    User,
)
from conventions.models import Convention, TemplateEngagement
from core.school_years import school_year_bounds, school_year_label
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    ActionType,
    AdviserAssignment,
    AdviserProfile,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    StepEntry,
)

from .aggregates import correlated_count, correlated_first, correlated_total
from .periods import Period

DEFAULT_FTE = Decimal("1.00")

# --- Building blocks shared by the pages and the report ---------------------------------------


def held_actions(federation, period: Period):
    """The actions of the federation held during the school year."""
    return ActionRecord.objects.filter(
        accompaniment__federation=federation,
        status=ActionRecord.Status.HELD,
        date__gte=period.start,
        date__lte=period.reference,
    )


def engagement_conditions(period: Period) -> dict[str, Q]:
    """Engagements as they stood at the end of the reference day: met, due, late."""
    met = Q(done_at__lt=period.end_of_reference)
    return {
        "met": met,
        "due": Q(due_on__lte=period.reference),
        "late": Q(due_on__lt=period.reference) & ~met,
    }


def steps_as_they_stood(period: Period) -> Q:
    """The step moves a past school year is read from: those that took effect by its last day
    and were recorded by then (the opening entry of an accompaniment counts from its start,
    whenever it was recorded). A move recorded after the year closed, a correction back to an
    earlier step above all, shows in the years that follow and never rewrites a closed year."""
    return Q(entered_on__lte=period.reference) & (
        Q(recorded_at__lt=period.end_of_reference) | Q(from_step__isnull=True)
    )


# The latest move first: by the day it takes effect, then by when it was recorded.
LATEST_MOVE_FIRST = ("-entered_on", "-recorded_at", "-pk")


def federation_schools(federation):
    """The schools a federation reports on: those affiliated to it (while their PO is), and
    any it accompanies."""
    affiliated_pos = OrganisingAuthority.federations.through.objects.filter(federation=federation).values(
        "organisingauthority"
    )
    return School.objects.filter(
        Q(federation=federation, organising_authority__in=affiliated_pos)
        | Q(pk__in=Accompaniment.objects.filter(federation=federation).values("school"))
    )


def federation_school_rows(federation, period: Period):
    """One row per school of the federation with its figures for the school year: the rows of
    the federation's dashboard and of the yearly report."""
    accompaniments = Accompaniment.objects.filter(
        school=OuterRef("pk"), federation=federation, started_on__lte=period.reference
    ).order_by(F("closed_on").desc(nulls_first=True), "-started_on", "-pk")
    if period.historical:
        step = correlated_first(
            StepEntry.objects.filter(
                steps_as_they_stood(period),
                accompaniment__school=OuterRef("pk"),
                accompaniment__federation=federation,
            ).order_by(*LATEST_MOVE_FIRST),
            "step",
        )
    else:
        step = correlated_first(accompaniments, "current_step")
    plans = Plan.objects.filter(
        school=OuterRef("pk"),
        accompaniment__federation=federation,
        accompaniment__started_on__lte=period.reference,
    ).order_by("-accompaniment__started_on", "-pk")
    if period.historical:
        # The plan's state at the end of the year, from its dates.
        plan_state = correlated_first(
            plans.annotate(
                state_then=Case(
                    When(accepted_on__lte=period.reference, then=Value(Plan.State.ACCEPTED)),
                    When(adjustment_requested_on__lte=period.reference, then=Value(Plan.State.TO_ADJUST)),
                    When(submitted_to_dco_on__lte=period.reference, then=Value(Plan.State.SUBMITTED)),
                    default=Value(Plan.State.DRAFTING),
                    output_field=CharField(),
                )
            ),
            "state_then",
        )
    else:
        plan_state = correlated_first(plans, "state")
    # The school's accompaniments by the federation: what its actions and engagements hang off
    # (their indexes start with the accompaniment).
    school_accompaniments = Accompaniment.objects.filter(
        federation=federation, school=OuterRef(OuterRef("pk"))
    ).values("pk")
    checks = EngagementCheck.objects.filter(accompaniment__in=school_accompaniments)
    conditions = engagement_conditions(period)
    # The school's actions: the same as `held_actions`, one school at a time.
    actions = ActionRecord.objects.filter(
        accompaniment__in=school_accompaniments,
        status=ActionRecord.Status.HELD,
        date__gte=period.start,
        date__lte=period.reference,
    )
    rows = (
        federation_schools(federation)
        .select_related("organising_authority")
        .annotate(
            accompaniment_id=correlated_first(accompaniments, "pk"),
            step=step,
            plan_id=correlated_first(plans, "pk"),
            plan_state=plan_state,
            actions_held=correlated_total(actions),
            last_action_on=correlated_total(actions, function="MAX", field="date", output_field=DateField()),
            engagements_total=correlated_total(checks),
            engagements_due=correlated_total(checks, conditions["due"]),
            engagements_met=correlated_total(checks, conditions["met"]),
            engagements_late=correlated_total(checks, conditions["late"]),
        )
    )
    # The year's evaluation: the intermediate one if there was one, else the annual one.
    # (`kind__in` lets the (plan, kind, school_year) index serve.)
    evaluation = correlated_first(
        Evaluation.objects.filter(
            plan=OuterRef("plan_id"), kind__in=Evaluation.Kind.values, school_year=period.year
        ).order_by("-kind", "-pk"),
        "pk",
    )
    rows = rows.annotate(
        evaluation_id=evaluation,
        objectives_total=correlated_count(SchoolObjective.objects.all(), "plan", outer="plan_id"),
        **{
            f"objectives_{status}": correlated_count(
                EvaluationResult.objects.filter(status=status), "evaluation", outer="evaluation_id"
            )
            for status in ObjectiveStatus.values
        },
    )
    return rows


# --- The federation's dashboard ---------------------------------------------------------------


def steps_by_wave(federation, period: Period) -> dict[tuple[int | None, int], int]:
    """How many of the federation's schools at each step (None: not accompanied), per wave:
    the `step` of `federation_school_rows`, worked out here from two plain queries (instead of
    one subquery per school) with the same choice of accompaniment and of step."""
    waves = dict(federation_schools(federation).values_list("pk", "wave"))
    steps = {}
    if period.historical:
        # The last step entered by the end of the year, whichever accompaniment it was in.
        latest = {}
        for school, entered_on, recorded_at, pk, step in StepEntry.objects.filter(
            steps_as_they_stood(period), accompaniment__federation=federation
        ).values_list("accompaniment__school", "entered_on", "recorded_at", "pk", "step"):
            key = (entered_on, recorded_at, pk)
            if school not in latest or key > latest[school][0]:
                latest[school] = (key, step)
        steps = {school: step for school, (_, step) in latest.items()}
    else:
        # The step of the school's accompaniment: the running one, else the latest begun.
        chosen = {}
        for school, pk, step, started_on, closed_on in Accompaniment.objects.filter(
            federation=federation, started_on__lte=period.reference
        ).values_list("school", "pk", "current_step", "started_on", "closed_on"):
            key = (closed_on is None, closed_on or date.min, started_on, pk)
            if school not in chosen or key > chosen[school][0]:
                chosen[school] = (key, step)
        steps = {school: step for school, (_, step) in chosen.items()}
    counts = {}
    for school, wave in waves.items():
        key = (steps.get(school), wave)
        counts[key] = counts.get(key, 0) + 1
    return counts


def actions_by_type_and_month(federation, period: Period) -> dict[tuple[int, int], int]:
    """{(action type id, month): number held}: one query grouped by action type, with one
    conditional count per month (plain date comparisons: no date function on every row)."""
    months = {}
    for year, month in period.months:
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        months[month] = Count("pk", filter=Q(date__gte=first, date__lt=following))
    counted = (
        held_actions(federation, period)
        .order_by()
        .values("action_type")
        .annotate(**{f"m{month}": count for month, count in months.items()})
    )
    return {
        (row["action_type"], month): row[f"m{month}"]
        for row in counted
        for month in months
        if row[f"m{month}"]
    }


def catalogue(federation):
    return list(ActionType.objects.filter(federation=federation).select_related("step"))


def engagements_by_item(federation, period: Period) -> list[dict]:
    """Per engagement of the checklist: met, late and not yet due, as one grouped query."""
    conditions = engagement_conditions(period)
    counted = (
        EngagementCheck.objects.filter(
            accompaniment__in=Accompaniment.objects.filter(federation=federation).values("pk")
        )
        .order_by()
        .values("engagement")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=conditions["met"]),
            late=Count("pk", filter=conditions["late"]),
        )
    )
    engagements = {
        engagement.pk: engagement
        for engagement in TemplateEngagement.objects.filter(template__federation=federation).only(
            "code", "label", "position"
        )
    }
    items = {}
    for row in counted:
        engagement = engagements.get(row["engagement"])
        code = engagement.code if engagement else row["engagement"]
        item = items.setdefault(
            code,
            {
                "label": engagement.label if engagement else "?",
                "position": engagement.position if engagement else 0,
                "total": 0,
                "met": 0,
                "late": 0,
            },
        )
        for name in ("total", "met", "late"):
            item[name] += row[name]
    return sorted(items.values(), key=lambda item: (item["position"], item["label"]))


PO_FIGURES = ("engagements_total", "engagements_due", "engagements_met", "engagements_late")


def po_compliance_rows(federation, period: Period):
    """Each PO of the federation's schools. Its engagements are aliases, computed in the
    database only to sort or filter on them; `add_po_figures` gives a page's rows their values
    in one grouped query."""
    schools = federation_schools(federation)
    # The engagements of the PO's schools, found from the PO (its schools, their
    # accompaniments); the federation is a condition of the counts, not of the search.
    checks = EngagementCheck.objects.filter(
        accompaniment__in=Accompaniment.objects.filter(
            school__organising_authority=OuterRef(OuterRef("pk"))
        ).values("pk")
    )
    ours = Q(accompaniment__federation=federation)
    conditions = engagement_conditions(period)
    return (
        OrganisingAuthority.objects.filter(pk__in=schools.values("organising_authority"))
        .annotate(schools_count=correlated_count(schools, "organising_authority"))
        .alias(
            engagements_total=correlated_total(checks, ours),
            engagements_due=correlated_total(checks, ours & conditions["due"]),
            engagements_met=correlated_total(checks, ours & conditions["met"]),
            engagements_late=correlated_total(checks, ours & conditions["late"]),
        )
        .alias(
            # Share of the engagements due that were met (NULL when none is due yet).
            compliance=Cast(F("engagements_due") - F("engagements_late"), FloatField())
            * 100
            / NullIf(Cast(F("engagements_due"), FloatField()), 0.0)
        )
    )


def add_po_figures(rows, federation, period: Period) -> None:
    """Sets the engagement figures of `po_compliance_rows` on these POs, in one query."""
    conditions = engagement_conditions(period)
    counted = (
        EngagementCheck.objects.filter(
            accompaniment__federation=federation,
            accompaniment__school__organising_authority__in=[row.pk for row in rows],
        )
        .order_by()
        .values("accompaniment__school__organising_authority")
        .annotate(
            engagements_total=Count("pk"),
            engagements_due=Count("pk", filter=conditions["due"]),
            engagements_met=Count("pk", filter=conditions["met"]),
            engagements_late=Count("pk", filter=conditions["late"]),
        )
    )
    figures = {item.pop("accompaniment__school__organising_authority"): item for item in counted}
    for row in rows:
        for name in PO_FIGURES:
            setattr(row, name, figures.get(row.pk, {}).get(name, 0))


def advisers_with_fte(federation):
    """The federation's advisers, each with `fte` from their profile (one if it is not filled in)."""
    fte = Coalesce(
        Subquery(AdviserProfile.objects.filter(user=OuterRef("pk"), federation=federation).values("fte")[:1]),
        Value(DEFAULT_FTE),
        output_field=DecimalField(max_digits=3, decimal_places=2),
    )
    return User.objects.filter(
        pk__in=Membership.objects.filter(federation=federation, role=Role.FPO_ADVISER).values("user")
    ).annotate(fte=fte)


def adviser_workload_rows(federation, period: Period):
    """The federation's advisers: schools followed, actions held this year and planned, and
    both per full-time equivalent (ETP from their profile, one if it is not filled in)."""
    # The adviser's assignments reached by their index, the accompaniment's conditions counted
    # on each: filtered in the subquery, PostgreSQL read every accompaniment of the federation
    # again for each adviser (2 ms each at 4,000 schools).
    assignments = AdviserAssignment.objects.filter(adviser=OuterRef("pk"))
    followed = Q(accompaniment__federation=federation, accompaniment__closed_on__isnull=True)
    planned = ActionRecord.objects.filter(
        accompaniment__federation=federation,
        status=ActionRecord.Status.PLANNED,
        date__gte=period.today,
    )
    return (
        advisers_with_fte(federation)
        .annotate(
            technopedagogical=Coalesce(
                Subquery(
                    AdviserProfile.objects.filter(user=OuterRef("pk"), federation=federation).values(
                        "technopedagogical"
                    )[:1]
                ),
                Value(False),
            ),
            schools_count=correlated_total(assignments, followed),
            actions_held=correlated_count(held_actions(federation, period), "adviser"),
            actions_planned=correlated_count(planned, "adviser"),
        )
        .annotate(
            schools_per_fte=Cast(F("schools_count"), FloatField()) / Cast(F("fte"), FloatField()),
            actions_per_fte=Cast(F("actions_held"), FloatField()) / Cast(F("fte"), FloatField()),
        )
    )


def steps() -> list[Step]:
    return list(Step.objects.all())


# --- Human resources against the conventions -------------------------------------------------


@dataclass(frozen=True)
class FteYear:
    """One school year: the advisers' ETP (from their profiles) beside what the federation's
    signed conventions in force that year commit in their annex."""

    year: int
    advisers_fte: Decimal
    committed_adviser_fte: Decimal | None
    committed_fte: Decimal | None
    conventions: tuple[str, ...]

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def gap(self) -> Decimal | None:
        """Advisers' ETP minus the ETP of advisers committed (negative: fewer than promised)."""
        if self.committed_adviser_fte is None:
            return None
        return plain(self.advisers_fte - self.committed_adviser_fte)


def plain(value: Decimal | None) -> Decimal | None:
    """1.80 → 1.8 and 3.00 → 3, for a reader (never 1E+1)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def fte_against_conventions(federation, years: list[int]) -> list[FteYear]:
    """Per school year, newest first. The annex states the federation's whole staff, the same in
    every convention it signs with a PO: a year's commitment is the largest stated by the
    conventions in force (signed, and their period covering part of the year), not their sum.
    Profiles keep no history yet: every year shows today's ETP."""
    advisers_fte = sum(advisers_with_fte(federation).values_list("fte", flat=True), Decimal(0))
    signed = list(
        Convention.objects.filter(
            federation=federation, signed_at__isnull=False, template__committed_adviser_fte__isnull=False
        )
        .order_by("reference")
        .values_list(
            "reference",
            "start_date",
            "end_date",
            "signed_at",
            "template__committed_fte",
            "template__committed_adviser_fte",
        )
    )
    lines = []
    for year in years:
        start, end = school_year_bounds(year)
        in_force = [
            (reference, total, advisers)
            for reference, starts, ends, signed_at, total, advisers in signed
            if (starts or timezone.localdate(signed_at)) <= end and (ends is None or ends >= start)
        ]
        lines.append(
            FteYear(
                year=year,
                advisers_fte=plain(advisers_fte),
                committed_adviser_fte=plain(max((advisers for _, _, advisers in in_force), default=None)),
                committed_fte=plain(
                    max((total for _, total, _ in in_force if total is not None), default=None)
                ),
                conventions=tuple(reference for reference, _, _ in in_force),
            )
        )
    return lines
