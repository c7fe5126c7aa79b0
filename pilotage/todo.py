"""What waits in the pilotage for each person (core.todo): the federation's late PO
engagements and yearly reports, the adviser's actions to encode, this week's and the step
deadlines, the référent's engagements, a direction's next actions and deadlines, and the
plans a DCO has to read."""

from datetime import date, timedelta

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import Federation, Role, membership_ids
from core.models import Job
from core.school_years import school_year_label, school_year_of
from core.todo import TodoItem, TodoQuery, register

from .models import Accompaniment, ActionRecord, EngagementCheck, Plan, add_months
from .services.reports import KIND as REPORT_KIND

LIMIT = 50
# How far ahead a deadline is announced.
SOON = timedelta(days=30)
# The yearly follow-up report of a school year is due by this day of the following autumn.
REPORT_DUE = (9, 30)

LATE_ENGAGEMENTS = "Engagements des PO en retard"
REPORTS = "Rapports de suivi annuel"
TO_ENCODE = "Actions passées à encoder"
THIS_WEEK = "Actions de la semaine"
STEP_DEADLINES = "Échéances des étapes"
ENGAGEMENTS = "Engagements du PO à tenir"
NEXT_ACTIONS = "Prochaines actions et échéances"
PLANS_TO_READ = "Plans de pilotage à lire"


def school_url(fase: int, section: str) -> str:
    return reverse("school_detail", kwargs={"fase": fase}) + f"#pilotage-{section}"


@register
def federation_items(query: TodoQuery):
    if not query.has(Role.FPO_STAFF):
        return []
    federations = Federation.objects.staffed_by(query.user)
    late = (
        EngagementCheck.objects.filter(accompaniment__federation__in=federations)
        .late(query.today)
        .values("accompaniment__school__fase", "accompaniment__school__name")
        .annotate(count=Count("pk"), first_due=Min("due_on"))
        .order_by("first_due")[:LIMIT]
    )
    items = [
        TodoItem(
            LATE_ENGAGEMENTS,
            row["accompaniment__school__name"],
            school_url(row["accompaniment__school__fase"], "engagements"),
            due_on=row["first_due"],
            detail=f"{row['count']} engagement{'s' if row['count'] > 1 else ''} du PO en retard.",
            action="Voir les engagements",
        )
        for row in late
    ]
    return items + _reports_due(query, federations)


def _reports_due(query: TodoQuery, federations):
    """The report of the school year just ended, from 1 July, until one has been produced."""
    year = school_year_of(query.today) - (0 if query.today.month in (7, 8) else 1)
    if query.today < date(year + 1, 7, 1):
        return []
    produced = set(
        Job.objects.filter(kind=REPORT_KIND, status=Job.Status.DONE, params__year=year).values_list(
            "params__federation", flat=True
        )
    )
    due_on = date(year + 1, *REPORT_DUE)
    return [
        TodoItem(
            REPORTS,
            f"Rapport {school_year_label(year)} — {federation.code}",
            reverse("pilotage_report") + f"?federation={federation.pk}&annee={year}",
            due_on=due_on,
            action="Produire le rapport",
        )
        for federation in federations.exclude(pk__in=produced)
    ]


def _action_item(group: str, action: ActionRecord, *, section: str = "actions", detail: str = "") -> TodoItem:
    return TodoItem(
        group,
        f"{action.action_type.title} — {action.school.name}",
        school_url(action.school.fase, section),
        due_on=action.date,
        detail=detail or f"Prévue le {action.date:%d/%m/%Y}.",
    )


@register
def adviser_items(query: TodoQuery):
    if not query.has(Role.FPO_ADVISER):
        return []
    today = query.today
    end_of_week = today + timedelta(days=6 - today.weekday())
    actions = (
        ActionRecord.objects.for_calendar_of(query.user)
        .planned()
        .filter(date__lte=end_of_week)
        .select_related("action_type", "school")
        .order_by("date", "pk")[:LIMIT]
    )
    items, groups_listed = [], set()
    for action in actions:
        if action.date >= today:
            items.append(_action_item(THIS_WEEK, action))
        elif action.batch is None:
            items.append(
                _action_item(
                    TO_ENCODE, action, detail=f"Prévue le {action.date:%d/%m/%Y} : réalisée ou annulée ?"
                )
            )
        elif action.batch not in groups_listed:
            # Planned for several schools: one item, its page encodes them all at once.
            groups_listed.add(action.batch)
            items.append(
                TodoItem(
                    TO_ENCODE,
                    f"{action.action_type.title} — plusieurs écoles",
                    reverse("pilotage_action_group", args=[action.batch]),
                    due_on=action.date,
                    detail=f"Prévue le {action.date:%d/%m/%Y} : réalisée ou annulée, école par école ou toutes à la fois ?",
                    action="Encoder pour toutes les écoles",
                )
            )
    accompaniments = (
        Accompaniment.objects.assigned_to(query.user)
        .active()
        .filter(federation__in=membership_ids(query.user, "federation", [Role.FPO_ADVISER]))
        .select_related("school", "current_step")
        .order_by("started_on")
    )
    for accompaniment in accompaniments:
        step = accompaniment.current_step
        due_on = add_months(accompaniment.started_on, step.months_from_start)
        if due_on <= today + SOON:
            items.append(
                TodoItem(
                    STEP_DEADLINES,
                    f"Étape {step.number} — {accompaniment.school.name}",
                    school_url(accompaniment.school.fase, "etapes"),
                    due_on=due_on,
                    detail=f"« {step.short_name} » devrait être terminée le {due_on:%d/%m/%Y}.",
                )
            )
    return items


@register
def referent_items(query: TodoQuery):
    if not query.has(Role.PO_REFERENT):
        return []
    checks = (
        EngagementCheck.objects.filter(
            accompaniment__school__organising_authority__in=membership_ids(
                query.user, "organising_authority", [Role.PO_REFERENT]
            ),
            accompaniment__closed_on__isnull=True,
            done_at__isnull=True,
            due_on__lte=query.today + SOON,
        )
        .select_related("engagement", "accompaniment__school")
        .order_by("due_on", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            ENGAGEMENTS,
            f"{Truncator(check.engagement.label).words(12)} — {check.accompaniment.school.name}",
            school_url(check.accompaniment.school.fase, "engagements"),
            due_on=check.due_on,
            action="Cocher l'engagement",
        )
        for check in checks
    ]


@register
def direction_items(query: TodoQuery):
    if not query.has(Role.SCHOOL_DIRECTION):
        return []
    schools = membership_ids(query.user, "school", [Role.SCHOOL_DIRECTION])
    horizon = query.today + SOON
    actions = (
        ActionRecord.objects.planned()
        .filter(school__in=schools, accompaniment__closed_on__isnull=True)
        .filter(date__gte=query.today, date__lte=horizon)
        .select_related("action_type", "school")
        .order_by("date", "pk")[:LIMIT]
    )
    items = [_action_item(NEXT_ACTIONS, action) for action in actions]
    plans = Plan.objects.filter(school__in=schools, accompaniment__closed_on__isnull=True).select_related(
        "school"
    )
    for plan in plans:
        for deadline in plan.deadlines():
            if query.today <= deadline.due_on <= horizon:
                items.append(
                    TodoItem(
                        NEXT_ACTIONS,
                        f"{deadline.label} — {plan.school.name}",
                        school_url(plan.school.fase, "plan"),
                        due_on=deadline.due_on,
                    )
                )
    return items


@register
def dco_items(query: TodoQuery):
    if not query.has(Role.DCO):
        return []
    plans = (
        Plan.objects.filter(
            school__in=membership_ids(query.user, "school", [Role.DCO]),
            state=Plan.State.SUBMITTED,
        )
        .select_related("school")
        .order_by("submitted_to_dco_on", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            PLANS_TO_READ,
            plan.school.name,
            school_url(plan.school.fase, "plan"),
            due_on=plan.dco_meeting_on,
            since=plan.submitted_to_dco_on,
            detail=f"Remis le {plan.submitted_to_dco_on:%d/%m/%Y}." if plan.submitted_to_dco_on else "",
            action="Lire le plan",
        )
        for plan in plans
    ]
