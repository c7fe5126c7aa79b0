"""The reminders of `manage.py send_reminders`: N days before each deadline of a plan (the
DCO meeting, the annual self-evaluations, the intermediate evaluation, the end of the
contract), an e-mail to the people concerned: the PO's référents, the school's direction and
the advisers. Each deadline is reminded once, even if the command runs twice a day or
misses a day."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import Membership, Role
from pilotage.emails import send_deadline_reminder
from pilotage.models import Plan, ReminderSent
from pilotage.services.advisers import current_assignments


@dataclass(frozen=True)
class Reminder:
    plan: Plan
    label: str
    due_on: date
    recipients: list[str]


def reminder_days() -> int:
    return getattr(settings, "PILOTAGE_REMINDER_DAYS", 14)


def due_reminders(today: date, days: int) -> list[tuple[Plan, object]]:
    """(plan, deadline) for each deadline between today and `days` days from now."""
    horizon = today + timedelta(days=days)
    plans = (
        Plan.objects.filter(accompaniment__closed_on__isnull=True)
        .filter(Q(dco_meeting_on__range=(today, horizon)) | Q(state=Plan.State.ACCEPTED))
        .select_related("school__organising_authority", "accompaniment")
    )
    return [
        (plan, deadline)
        for plan in plans.iterator(chunk_size=500)
        for deadline in plan.deadlines()
        if today <= deadline.due_on <= horizon
    ]


def recipients_of(plans: list[Plan]) -> dict[int, list[str]]:
    """E-mail addresses per plan: PO référents, school directions, assigned advisers."""
    by_school, by_po, by_accompaniment = {}, {}, {}
    memberships = Membership.objects.filter(
        Q(role=Role.PO_REFERENT, organising_authority__in={p.school.organising_authority_id for p in plans})
        | Q(role=Role.SCHOOL_DIRECTION, school__in={p.school_id for p in plans})
    ).values_list("role", "organising_authority", "school", "user__email", "user__is_active")
    for role, po, school, email, active in memberships:
        if active:
            (
                by_po.setdefault(po, []) if role == Role.PO_REFERENT else by_school.setdefault(school, [])
            ).append(email)
    for accompaniment, email in (
        current_assignments()
        .filter(accompaniment__in={p.accompaniment_id for p in plans})
        .values_list("accompaniment", "adviser__email")
    ):
        by_accompaniment.setdefault(accompaniment, []).append(email)
    return {
        plan.pk: sorted(
            set(
                by_po.get(plan.school.organising_authority_id, [])
                + by_school.get(plan.school_id, [])
                + by_accompaniment.get(plan.accompaniment_id, [])
            )
        )
        for plan in plans
    }


def send_reminders(*, today: date, days: int | None = None, base_url: str = "") -> list[Reminder]:
    """Queue the e-mail of every deadline due within `days` days not yet reminded."""
    days = reminder_days() if days is None else days
    due = due_reminders(today, days)
    already = set(
        ReminderSent.objects.filter(plan__in={plan.pk for plan, _ in due}).values_list(
            "plan", "kind", "due_on"
        )
    )
    due = [
        (plan, deadline) for plan, deadline in due if (plan.pk, deadline.kind, deadline.due_on) not in already
    ]
    recipients = recipients_of([plan for plan, _ in due])
    sent = []
    for plan, deadline in due:
        emails = recipients.get(plan.pk, [])
        if not emails:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    plan=plan,
                    kind=deadline.kind,
                    due_on=deadline.due_on,
                    sent_on=today,
                    recipients=", ".join(emails),
                )
                link = base_url + reverse("school_detail", args=[plan.school.fase]) + "#pilotage-plan"
                transaction.on_commit(
                    lambda plan=plan, deadline=deadline, emails=emails, link=link: (
                        send_deadline_reminder.enqueue(
                            plan_id=plan.pk,
                            label=deadline.label,
                            due_on=deadline.due_on.strftime("%d/%m/%Y"),
                            recipients=emails,
                            link=link,
                        )
                    )
                )
        except IntegrityError:
            continue  # another run sent it at the same moment
        sent.append(Reminder(plan, deadline.label, deadline.due_on, emails))
    return sent
