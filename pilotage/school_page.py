"""What the pilotage section of a school's page shows: the school's current accompaniment,
its timeline, actions, engagements, plan and notes, read in a fixed number of queries. A
selector: it reads, never writes; the views add the forms."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import Federation, School
from conventions.models import Convention, FrameworkNode, State
from core.school_years import school_year_of

from .indicator_chart import attach_charts
from .models import (
    Accompaniment,
    ActionRecord,
    EngagementUntick,
    Evaluation,
    EvaluationResult,
    Indicator,
    Note,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    Strategy,
)
from .rules import abilities, can_delete

HISTORY_SHOWN = 30
NOTES_SHOWN = 50


def current_accompaniment(user, school: School) -> Accompaniment | None:
    """The school's accompaniment the page shows, if the user may see one: the running one,
    else the latest begun."""
    return (
        Accompaniment.objects.visible_to(user)
        .filter(school=school)
        .with_parties()
        # Running first on every database (PostgreSQL sorts NULL last by default).
        .order_by(F("closed_on").asc(nulls_first=True), "-started_on")
        .first()
    )


def startable_conventions(user, school: School):
    """The signed conventions covering `school` under which the user may start its
    accompaniment (staff of the convention's federation)."""
    return Convention.objects.filter(
        state=State.SIGNED, schools=school, federation__in=Federation.objects.staffed_by(user)
    ).exclude(accompaniments__school=school)


@dataclass
class TimelineStep:
    step: Step
    entered_on: date | None
    state: str  # "done", "current", "next"


def section_context(user, accompaniment: Accompaniment) -> dict:
    """Everything the pilotage section of the school's page shows of `accompaniment` (the
    views add the forms)."""
    today = timezone.localdate()
    can = abilities(user, accompaniment)

    # The history of moves, oldest first; each step shows the latest day it was entered.
    moves = list(accompaniment.step_entries.in_order().select_related("entered_by"))
    entries = {entry.step_id: entry.entered_on for entry in moves}
    timeline = [
        TimelineStep(
            step,
            entries.get(step.number),
            "current"
            if step.number == accompaniment.current_step_id
            else "done"
            if step.number < accompaniment.current_step_id
            else "next",
        )
        for step in Step.objects.all()
    ]
    current_step = next(t.step for t in timeline if t.state == "current")

    actions = accompaniment.actions.select_related("action_type", "adviser")
    planned = list(actions.filter(status=ActionRecord.Status.PLANNED).order_by("date", "start_time", "pk"))
    history = list(
        actions.exclude(status=ActionRecord.Status.PLANNED).order_by("-date", "-pk")[:HISTORY_SHOWN]
    )
    # Every correction of the accompaniment's actions in one query, the deleted ones included.
    corrections = defaultdict(list)
    for correction in accompaniment.action_corrections.select_related("by"):
        corrections[correction.action_id].append(correction)
    for action in (*planned, *history):
        action.correction_list = corrections.get(action.pk, [])
        action.deletable = can["record_actions"] and can_delete(action, user)
    _present_actions([*planned, *history], with_links=can["record_actions"])
    deleted_actions = corrections.get(None, [])[:HISTORY_SHOWN]

    checks = list(
        accompaniment.engagement_checks.select_related("engagement", "done_by")
        .prefetch_related(
            Prefetch("unticks", queryset=EngagementUntick.objects.select_related("by", "was_done_by"))
        )
        .order_by("engagement__position")
    )
    for check in checks:
        check.late = check.is_late(today)

    plan = (
        Plan.objects.filter(accompaniment=accompaniment)
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=SchoolObjective.objects.prefetch_related(
                    Prefetch(
                        "framework_nodes", queryset=FrameworkNode.objects.select_related("version__framework")
                    ),
                    Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
                ),
            ),
            Prefetch("strategies", queryset=Strategy.objects.prefetch_related("objectives")),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.prefetch_related(
                    Prefetch("results", queryset=EvaluationResult.objects.select_related("objective"))
                ),
            ),
        )
        .first()
    )
    deadlines = []
    if plan is not None:
        for deadline in plan.deadlines():
            deadlines.append({"deadline": deadline, "days": (deadline.due_on - today).days})
        _latest_status_per_objective(plan)
        attach_charts(
            indicator for objective in plan.objectives.all() for indicator in objective.indicators.all()
        )

    notes = (
        Note.objects.visible_to(user)
        .filter(accompaniment=accompaniment)
        .select_related("author")[:NOTES_SHOWN]
    )
    return {
        "accompaniment": accompaniment,
        "school": accompaniment.school,
        "can": can,
        "today": today,
        "timeline": timeline,
        "step_history": moves[::-1],
        "current_step": current_step,
        "planned": planned,
        "history": history,
        "deleted_actions": deleted_actions,
        "checks": checks,
        "late_count": sum(1 for check in checks if check.late),
        "done_count": sum(1 for check in checks if check.done_at),
        "plan": plan,
        "deadlines": deadlines,
        "notes": notes,
        "advisers": [
            a.adviser
            for a in accompaniment.assignments.select_related("adviser").order_by("adviser__last_name")
        ],
        "sees_private_notes": Note.objects.reads_private(user, accompaniment),
        "current_school_year": school_year_of(today),
        "statuses": ObjectiveStatus,
    }


# The gestures of an action row, each a URL taking the action's pk.
ACTION_LINKS = {
    "held": "pilotage_action_held",
    "cancel": "pilotage_action_cancel",
    "correct": "pilotage_action_correct",
    "reopen": "pilotage_action_reopen",
    "delete": "pilotage_action_delete",
}
# A pk no action has, reversed once per gesture and replaced by each row's own: reversing
# five URLs for each of the page's 36 rows cost more than the rest of the rows' rendering.
_SENTINEL_PK = 987654321


def _present_actions(actions: list[ActionRecord], *, with_links: bool) -> None:
    """What a row of the actions' tables repeats, computed once per row rather than by each
    cell: the template's `{% url %}` and `|date` in every cell were most of the page's
    rendering time."""
    patterns = {}
    if with_links:
        patterns = {gesture: reverse(name, args=[_SENTINEL_PK]) for gesture, name in ACTION_LINKS.items()}
    for action in actions:
        action.date_shown = format_date(action.date, "d/m/Y")
        action.label = f"{action.action_type.title} du {action.date_shown}"
        action.links = {
            gesture: pattern.replace(str(_SENTINEL_PK), str(action.pk))
            for gesture, pattern in patterns.items()
        }
        if with_links and action.batch:
            action.links["group"] = reverse("pilotage_action_group", args=[action.batch])


def _latest_status_per_objective(plan: Plan) -> None:
    """Give each objective the status of its latest evaluation (`objective.latest_result`)."""
    latest = {}
    for evaluation in sorted(plan.evaluations.all(), key=lambda e: (e.school_year, e.kind == "intermediate")):
        for result in evaluation.results.all():
            latest[result.objective_id] = result
    for objective in plan.objectives.all():
        objective.latest_result = latest.get(objective.pk)
