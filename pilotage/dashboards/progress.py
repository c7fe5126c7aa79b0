"""What the adviser's and the PO's (and direction's) dashboards show of each running
accompaniment: its step, its last and next actions, its engagements, its objectives at risk."""

from datetime import date

from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When

from accounts.models import Role, membership_ids
from core.scoping import count_of
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    EngagementCheck,
    EvaluationResult,
    ObjectiveStatus,
    SchoolObjective,
    StepEntry,
)

from .aggregates import correlated_first, correlated_total


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
            step_entered_on=correlated_first(
                StepEntry.objects.filter(
                    accompaniment=OuterRef("pk"), step=OuterRef("current_step")
                ).order_by("-entered_on", "-recorded_at", "-pk"),
                "entered_on",
            ),
            last_action_on=correlated_first(held, "date"),
            last_action_title=correlated_first(held, "action_type__title"),
            next_action_on=correlated_first(upcoming, "date"),
            next_action_title=correlated_first(upcoming, "action_type__title"),
            engagements_total=correlated_total(checks),
            engagements_done=correlated_total(checks, Q(done_at__isnull=False)),
            engagements_late=correlated_total(checks, Q(done_at__isnull=True, due_on__lt=today)),
            first_engagement_done=correlated_first(first, "is_done"),
            first_engagement=correlated_first(first, "engagement__label"),
            first_engagement_due=correlated_first(first, "due_on"),
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
            school__organising_authority__in=membership_ids(user, "organising_authority", [Role.PO_REFERENT])
        ) | Q(school__in=membership_ids(user, "school", [Role.SCHOOL_DIRECTION]))
        accompaniments = accompaniments.filter(followed)
    return with_progress(accompaniments, today)
