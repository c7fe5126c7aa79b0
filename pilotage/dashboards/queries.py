"""What the dashboards and the yearly report count, as QuerySets.

Every figure is an annotation (a correlated subquery, in the manner of `accounts.models.count_of`)
or one grouped query, so that a page makes the same number of queries whatever the number of
schools. The yearly report reads the very QuerySets the federation's dashboard shows: the counts
cannot drift apart.

School years are named by their first calendar year: 2024 is the school year 2024-2025, from
1 September 2024 to 31 August 2025. Figures of a past year are taken as they stood at its last
day; those of the current year as they stand today.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
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
    _membership_ids,
    count_of,
)
from conventions.models import TemplateEngagement
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
    school_year_label,
    school_year_of,
)

MONTHS = ["sept.", "oct.", "nov.", "déc.", "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août"]
MONTH_NAMES = [
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
]
# An adviser without a profile is counted as one full-time equivalent.
DEFAULT_FTE = Decimal("1.00")


@contextmanager
def without_jit():
    """PostgreSQL compiles a query whose estimated cost is high (a list of every school with
    its figures) before running it: seconds of compiling for a fraction of a second of work.
    Inside this block, it does not; elsewhere nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


# --- School years ----------------------------------------------------------------------------


def current_school_year(today: date | None = None) -> int:
    return school_year_of(today or timezone.localdate())


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


@dataclass(frozen=True)
class Period:
    """A school year, and the day its figures are read at: its last day, or today while it runs."""

    year: int
    today: date

    @property
    def start(self) -> date:
        return school_year_bounds(self.year)[0]

    @property
    def end(self) -> date:
        return school_year_bounds(self.year)[1]

    @property
    def reference(self) -> date:
        return min(self.end, self.today)

    @property
    def historical(self) -> bool:
        return self.end < self.today

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def end_of_reference(self) -> datetime:
        """The first instant after the reference day, in Brussels."""
        return timezone.make_aware(datetime.combine(self.reference + timedelta(days=1), time.min))

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) from September to August."""
        return [(self.year + (month < 9), month) for month in [*range(9, 13), *range(1, 9)]]


def period_for(year: int | None, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(year if year is not None else school_year_of(today), today)


def available_years(federation=None, today: date | None = None) -> list[int]:
    """From the first accompaniment's school year (six years back at most, if none) to now."""
    current = current_school_year(today)
    accompaniments = Accompaniment.objects.all()
    if federation is not None:
        accompaniments = accompaniments.filter(federation=federation)
    first = accompaniments.aggregate(first=Min("started_on"))["first"]
    start = school_year_of(first) if first else current - 6
    return list(range(current, min(start, current) - 1, -1))


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


def _count(queryset, field: str, outer: str = "pk"):
    """`accounts.models.count_of`, correlated to any `outer` field or annotation of the row."""
    counted = queryset.filter(**{field: OuterRef(outer)}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def _total(
    queryset, condition: Q | None = None, *, function: str = "COUNT", field: str = "pk", output_field=None
):
    """COUNT (or MAX…) over a correlated queryset, as one subquery without GROUP BY; with a
    `condition`, only the rows that meet it count. The queryset should filter on keys only and
    leave the other conditions here: the database then reaches its rows by the index that
    starts with those keys (SQLite, without statistics, would otherwise pick an index on the
    condition's columns and read the rows of every school)."""
    output_field = output_field or IntegerField()
    expression = F(field)
    if condition is not None:
        expression = Case(When(condition, then=F(field)))
    value = Subquery(
        queryset.order_by()
        .annotate(value=Func(expression, function=function, output_field=output_field))
        .values("value")[:1],
        output_field=output_field,
    )
    return Coalesce(value, 0) if function == "COUNT" else value


def _first(queryset, field: str):
    return Subquery(queryset.values(field)[:1])


def federation_school_rows(federation, period: Period):
    """One row per school of the federation with its figures for the school year: the rows of
    the federation's dashboard and of the yearly report."""
    accompaniments = Accompaniment.objects.filter(
        school=OuterRef("pk"), federation=federation, started_on__lte=period.reference
    ).order_by(F("closed_on").desc(nulls_first=True), "-started_on", "-pk")
    if period.historical:
        step = _first(
            StepEntry.objects.filter(
                accompaniment__school=OuterRef("pk"),
                accompaniment__federation=federation,
                entered_on__lte=period.reference,
            ).order_by("-entered_on", "-step"),
            "step",
        )
    else:
        step = _first(accompaniments, "current_step")
    plans = Plan.objects.filter(
        school=OuterRef("pk"),
        accompaniment__federation=federation,
        accompaniment__started_on__lte=period.reference,
    ).order_by("-accompaniment__started_on", "-pk")
    if period.historical:
        # The plan's state at the end of the year, from its dates.
        plan_state = _first(
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
        plan_state = _first(plans, "state")
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
            accompaniment_id=_first(accompaniments, "pk"),
            step=step,
            plan_id=_first(plans, "pk"),
            plan_state=plan_state,
            actions_held=_total(actions),
            last_action_on=_total(actions, function="MAX", field="date", output_field=DateField()),
            engagements_total=_total(checks),
            engagements_due=_total(checks, conditions["due"]),
            engagements_met=_total(checks, conditions["met"]),
            engagements_late=_total(checks, conditions["late"]),
        )
    )
    # The year's evaluation: the intermediate one if there was one, else the annual one.
    # (`kind__in` lets the (plan, kind, school_year) index serve.)
    evaluation = _first(
        Evaluation.objects.filter(
            plan=OuterRef("plan_id"), kind__in=Evaluation.Kind.values, school_year=period.year
        ).order_by("-kind", "-pk"),
        "pk",
    )
    rows = rows.annotate(
        evaluation_id=evaluation,
        objectives_total=_count(SchoolObjective.objects.all(), "plan", outer="plan_id"),
        **{
            f"objectives_{status}": _count(
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
        for school, entered_on, step in StepEntry.objects.filter(
            accompaniment__federation=federation, entered_on__lte=period.reference
        ).values_list("accompaniment__school", "entered_on", "step"):
            if school not in latest or (entered_on, step) > latest[school]:
                latest[school] = (entered_on, step)
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
        .annotate(schools_count=_count(schools, "organising_authority"))
        .alias(
            engagements_total=_total(checks, ours),
            engagements_due=_total(checks, ours & conditions["due"]),
            engagements_met=_total(checks, ours & conditions["met"]),
            engagements_late=_total(checks, ours & conditions["late"]),
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


def adviser_workload_rows(federation, period: Period):
    """The federation's advisers: schools followed, actions held this year and planned, and
    both per full-time equivalent (ETP from their profile, one if it is not filled in)."""
    assignments = AdviserAssignment.objects.filter(
        accompaniment__federation=federation, accompaniment__closed_on__isnull=True
    )
    planned = ActionRecord.objects.filter(
        accompaniment__federation=federation,
        status=ActionRecord.Status.PLANNED,
        date__gte=period.today,
    )
    fte = Coalesce(
        Subquery(AdviserProfile.objects.filter(user=OuterRef("pk"), federation=federation).values("fte")[:1]),
        Value(DEFAULT_FTE),
        output_field=DecimalField(max_digits=3, decimal_places=2),
    )
    return (
        User.objects.filter(
            pk__in=Membership.objects.filter(federation=federation, role=Role.FPO_ADVISER).values("user")
        )
        .annotate(
            fte=fte,
            technopedagogical=Coalesce(
                Subquery(
                    AdviserProfile.objects.filter(user=OuterRef("pk"), federation=federation).values(
                        "technopedagogical"
                    )[:1]
                ),
                Value(False),
            ),
            schools_count=_count(assignments, "adviser"),
            actions_held=_count(held_actions(federation, period), "adviser"),
            actions_planned=_count(planned, "adviser"),
        )
        .annotate(
            schools_per_fte=Cast(F("schools_count"), FloatField()) / Cast(F("fte"), FloatField()),
            actions_per_fte=Cast(F("actions_held"), FloatField()) / Cast(F("fte"), FloatField()),
        )
    )


# --- The adviser's dashboard ----------------------------------------------------------------


def _latest_status():
    return (
        EvaluationResult.objects.filter(objective=OuterRef("pk"))
        .order_by("-evaluation__school_year", "-evaluation__kind", "-pk")
        .values("status")[:1]
    )


def objectives_at_risk():
    """Objectives whose latest evaluation says « non atteint »."""
    return SchoolObjective.objects.annotate(latest_status=Subquery(_latest_status())).filter(
        latest_status=ObjectiveStatus.NOT_MET
    )


def with_progress(accompaniments, today: date):
    """Annotates accompaniments with what the adviser's and the PO's dashboards show.

    The engagements are filtered on their accompaniment only, the rest being conditions inside
    the counts and the ordering: the database then reaches them by the index that starts with
    the accompaniment (SQLite would otherwise pick the (done_at, due_on) index and read every
    open engagement of every school)."""
    held = ActionRecord.objects.filter(
        accompaniment=OuterRef("pk"), status=ActionRecord.Status.HELD, date__lte=today
    ).order_by("-date", "-pk")
    upcoming = ActionRecord.objects.filter(
        accompaniment=OuterRef("pk"), status=ActionRecord.Status.PLANNED, date__gte=today
    ).order_by("date", "pk")
    checks = EngagementCheck.objects.filter(accompaniment=OuterRef("pk"))

    # The first engagement still to tick: open ones first, then by date and checklist order.
    first = (
        EngagementCheck.objects.filter(accompaniment=OuterRef("pk"))
        .annotate(is_done=Case(When(done_at__isnull=True, then=Value(0)), default=Value(1)))
        .order_by("is_done", F("due_on").asc(nulls_last=True), "engagement__position", "pk")
    )
    return (
        accompaniments.select_related("school__organising_authority", "current_step", "federation", "plan")
        .annotate(
            step_entered_on=_first(
                StepEntry.objects.filter(accompaniment=OuterRef("pk"), step=OuterRef("current_step")),
                "entered_on",
            ),
            last_action_on=_first(held, "date"),
            last_action_title=_first(held, "action_type__title"),
            next_action_on=_first(upcoming, "date"),
            next_action_title=_first(upcoming, "action_type__title"),
            engagements_total=_total(checks),
            engagements_done=_total(checks, Q(done_at__isnull=False)),
            engagements_late=_total(checks, Q(done_at__isnull=True, due_on__lt=today)),
            first_engagement_done=_first(first, "is_done"),
            first_engagement=_first(first, "engagement__label"),
            first_engagement_due=_first(first, "due_on"),
            objectives_at_risk=count_of(objectives_at_risk(), "plan__accompaniment"),
        )
        .annotate(
            next_engagement=Case(When(first_engagement_done=0, then=F("first_engagement"))),
            next_engagement_due=Case(When(first_engagement_done=0, then=F("first_engagement_due"))),
        )
    )


def adviser_rows(user, today: date):
    """The accompaniments (still running) assigned to `user`."""
    return with_progress(Accompaniment.objects.visible_to(user).assigned_to(user).active(), today)


def po_rows(user, today: date):
    """The running accompaniments of the schools a PO référent or a direction follows."""
    accompaniments = Accompaniment.objects.visible_to(user).active()
    if not user.is_superuser:
        followed = Q(
            school__organising_authority__in=_membership_ids(user, "organising_authority", [Role.PO_REFERENT])
        ) | Q(school__in=_membership_ids(user, "school", [Role.SCHOOL_DIRECTION]))
        accompaniments = accompaniments.filter(followed)
    return with_progress(accompaniments, today)


def steps() -> list[Step]:
    return list(Step.objects.all())
