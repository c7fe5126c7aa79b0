"""The verbs of pilotage. Each checks the rule, validates, and changes state in one
transaction; where two people may act on the same row at once, the row is locked first."""

import uuid
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Role, School, User
from conventions.models import Convention, State, TemplateEngagement

from .models import (
    Accompaniment,
    ActionRecord,
    ActionType,
    AdviserAssignment,
    CalendarFeed,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    Note,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    StepEntry,
    Strategy,
    add_months,
)


def _require(user: User, perm: str, accompaniment: Accompaniment) -> None:
    if not user.has_perm(f"pilotage.{perm}", accompaniment):
        raise PermissionDenied("Vous ne pouvez pas faire cela pour cette école.")


def _french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- Accompaniment --------------------------------------------------------------------------


def start_accompaniments(
    *, convention: Convention, by: User, started_on: date | None = None
) -> list[Accompaniment]:
    """An accompaniment for each school a signed convention covers (those already started
    are kept as they are), with its plan and the PO's engagements to tick."""
    if not (
        by.is_superuser
        or Membership.objects.filter(
            user=by, role=Role.FPO_STAFF, federation=convention.federation_id
        ).exists()
    ):
        raise PermissionDenied("Seule la coordination de la fédération démarre un accompagnement.")
    if convention.state != State.SIGNED:
        raise ValidationError("L'accompagnement ne commence qu'une fois la convention signée.")
    return [
        start_accompaniment(school=school, convention=convention, by=by, started_on=started_on)
        for school in convention.schools.all()
    ]


def start_accompaniment(
    *, school: School, convention: Convention, by: User | None, started_on: date | None = None
) -> Accompaniment:
    """The accompaniment of `school` under `convention` (created if need be: idempotent)."""
    if convention.state != State.SIGNED:
        raise ValidationError("L'accompagnement ne commence qu'une fois la convention signée.")
    if not convention.schools.filter(pk=school.pk).exists():
        raise ValidationError("Cette convention ne couvre pas cette école.")
    started_on = (
        started_on
        or (convention.signed_at and timezone.localdate(convention.signed_at))
        or timezone.localdate()
    )
    with transaction.atomic():
        accompaniment, created = Accompaniment.objects.get_or_create(
            school=school,
            convention=convention,
            defaults={
                "federation_id": convention.federation_id,
                "started_on": started_on,
                "current_step_id": 1,
            },
        )
        if created:
            StepEntry.objects.create(
                accompaniment=accompaniment, step_id=1, entered_on=started_on, entered_by=by
            )
            Plan.objects.create(accompaniment=accompaniment, school=school)
            create_engagement_checks(accompaniment=accompaniment)
    return accompaniment


def create_engagement_checks(*, accompaniment: Accompaniment) -> int:
    """One line per engagement of the convention's template, due at the end of its step."""
    months = dict(Step.objects.values_list("number", "months_from_start"))
    engagements = TemplateEngagement.objects.filter(template=accompaniment.convention.template_id)
    existing = set(accompaniment.engagement_checks.values_list("engagement", flat=True))
    checks = [
        EngagementCheck(
            accompaniment=accompaniment,
            engagement=engagement,
            due_on=add_months(accompaniment.started_on, months[engagement.step])
            if engagement.step in months
            else None,
        )
        for engagement in engagements
        if engagement.pk not in existing
    ]
    EngagementCheck.objects.bulk_create(checks, ignore_conflicts=True)
    return len(checks)


def assign_advisers(*, accompaniment: Accompaniment, advisers: Iterable[User], by: User) -> None:
    """The advisers of the accompaniment become exactly `advisers` (federation staff only;
    each must be an adviser of the accompaniment's federation)."""
    _require(by, "assign_advisers", accompaniment)
    advisers = list(advisers)
    allowed = set(
        Membership.objects.filter(
            role=Role.FPO_ADVISER, federation=accompaniment.federation_id, user__in=advisers
        ).values_list("user", flat=True)
    )
    strangers = [str(adviser) for adviser in advisers if adviser.pk not in allowed]
    if strangers:
        raise ValidationError(
            f"Ne sont pas conseillers de la fédération {accompaniment.federation} : {', '.join(strangers)}."
        )
    with transaction.atomic():
        Accompaniment.objects.select_for_update().get(pk=accompaniment.pk)
        AdviserAssignment.objects.filter(accompaniment=accompaniment).exclude(adviser__in=advisers).delete()
        current = set(
            AdviserAssignment.objects.filter(accompaniment=accompaniment).values_list("adviser", flat=True)
        )
        AdviserAssignment.objects.bulk_create(
            [
                AdviserAssignment(accompaniment=accompaniment, adviser=adviser, assigned_by=by)
                for adviser in advisers
                if adviser.pk not in current
            ],
            ignore_conflicts=True,
        )


def move_to_step(
    *, accompaniment: Accompaniment, step: int, by: User, on: date | None = None
) -> Accompaniment:
    """The accompaniment enters `step` on `on` (today by default). Going back to an earlier
    step forgets the later entries, so that the timeline stays in order."""
    _require(by, "record_actions", accompaniment)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": "La date d'entrée dans l'étape ne peut pas être dans le futur."})
    if not Step.objects.filter(number=step).exists():
        raise ValidationError({"step": "Cette étape n'existe pas (1 à 5)."})
    with transaction.atomic():
        locked = Accompaniment.objects.select_for_update().get(pk=accompaniment.pk)
        if locked.current_step_id == step:
            raise ValidationError({"step": f"L'école est déjà à l'étape {step}."})
        earlier = locked.step_entries.filter(step__lt=step).order_by("-step").first()
        if earlier and on < earlier.entered_on:
            raise ValidationError(
                {
                    "on": f"L'école est entrée à l'étape {earlier.step_id} le {_french_date(earlier.entered_on)} : "
                    "choisissez une date postérieure."
                }
            )
        locked.step_entries.filter(step__gt=step).delete()
        StepEntry.objects.update_or_create(
            accompaniment=locked, step_id=step, defaults={"entered_on": on, "entered_by": by}
        )
        locked.current_step_id = step
        locked.save(update_fields=["current_step"])
    accompaniment.current_step_id = step
    return locked


# --- Actions --------------------------------------------------------------------------------


def _check_action_type(action_type: ActionType, federation_id: int) -> None:
    if action_type.federation_id != federation_id:
        raise ValidationError(
            {"action_type": "Cette action n'est pas au catalogue de la fédération de l'école."}
        )
    if not action_type.active:
        raise ValidationError({"action_type": "Cette action n'est plus proposée au catalogue."})


def plan_action(
    *,
    accompaniment: Accompaniment,
    action_type: ActionType,
    date: date,
    by: User,
    start_time: time | None = None,
    duration: Decimal | None = None,
    duration_unit: str = "",
    location: str = "",
    participants: str = "",
    adviser: User | None = None,
    batch: uuid.UUID | None = None,
) -> ActionRecord:
    """Plan an action of the catalogue for the school of `accompaniment`."""
    _require(by, "record_actions", accompaniment)
    _check_action_type(action_type, accompaniment.federation_id)
    if (
        adviser is None
        and Membership.objects.filter(
            user=by, role=Role.FPO_ADVISER, federation=accompaniment.federation_id
        ).exists()
    ):
        adviser = by
    action = ActionRecord(
        accompaniment=accompaniment,
        school_id=accompaniment.school_id,
        action_type=action_type,
        date=date,
        start_time=start_time,
        duration=duration if duration is not None else action_type.default_duration,
        duration_unit=duration_unit or action_type.duration_unit,
        location=location.strip(),
        participants=participants.strip(),
        adviser=adviser,
        batch=batch,
        created_by=by,
    )
    action.full_clean()
    with transaction.atomic():
        action.save()
    return action


def _lock_planned(action: ActionRecord) -> ActionRecord:
    locked = (
        ActionRecord.objects.select_for_update().select_related("action_type", "school").get(pk=action.pk)
    )
    if locked.status != ActionRecord.Status.PLANNED:
        raise ValidationError(
            f"Cette action est déjà {locked.get_status_display().lower()} : rechargez la page pour la voir."
        )
    return locked


def mark_held(
    *,
    action: ActionRecord,
    by: User,
    held_on: date | None = None,
    participants: str | None = None,
    participant_count: int | None = None,
    note: str = "",
) -> ActionRecord:
    """The action took place: on `held_on` (its planned date by default), never in the future."""
    _require(by, "record_actions", action.accompaniment)
    held_on = held_on or action.date
    today = timezone.localdate()
    if held_on > today:
        raise ValidationError(
            {
                "held_on": f"Une action ne peut pas être marquée réalisée à une date future "
                f"({_french_date(held_on)}) : elle est encore prévue."
            }
        )
    with transaction.atomic():
        locked = _lock_planned(action)
        locked.status = ActionRecord.Status.HELD
        locked.date = held_on
        if participants is not None:
            locked.participants = participants.strip()
        locked.participant_count = participant_count
        locked.note = note.strip()
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        # Who encoded it first may have left: that is no reason to refuse the record.
        locked.full_clean(exclude=["created_by", "adviser"])
        locked.save()
    return locked


def cancel_action(*, action: ActionRecord, by: User, reason: str) -> ActionRecord:
    _require(by, "record_actions", action.accompaniment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de l'annulation."})
    with transaction.atomic():
        locked = _lock_planned(action)
        locked.status = ActionRecord.Status.CANCELLED
        locked.cancel_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        locked.save()
    return locked


def plan_bulk_action(
    *,
    accompaniments: Iterable[Accompaniment],
    action_type: ActionType,
    date: date,
    by: User,
    start_time: time | None = None,
    duration: Decimal | None = None,
    location: str = "",
    participants: str = "",
) -> list[ActionRecord]:
    """One séminaire or intervision for several schools at once: an action per school, all
    planned or none (one school the user may not record for refuses the whole batch)."""
    accompaniments = list(accompaniments)
    if not accompaniments:
        raise ValidationError({"accompaniments": "Choisissez au moins une école."})
    refused = [a.school.name for a in accompaniments if not by.has_perm("pilotage.record_actions", a)]
    if refused:
        raise PermissionDenied(f"Vous n'accompagnez pas : {', '.join(refused)}.")
    batch = uuid.uuid4()
    with transaction.atomic():
        return [
            plan_action(
                accompaniment=accompaniment,
                action_type=action_type,
                date=date,
                by=by,
                start_time=start_time,
                duration=duration,
                location=location,
                participants=participants,
                batch=batch,
            )
            for accompaniment in accompaniments
        ]


# --- Engagements ----------------------------------------------------------------------------


def tick_engagement(
    *, accompaniment: Accompaniment, engagement: TemplateEngagement, by: User, comment: str = ""
) -> EngagementCheck:
    """The PO référent ticks one of the PO's engagements, once: a second tick (even at the
    same instant, from another window) is refused with who ticked it and when."""
    _require(by, "tick_engagements", accompaniment)
    if engagement.template_id != accompaniment.convention.template_id:
        raise ValidationError("Cet engagement n'est pas celui de la convention de l'école.")
    try:
        with transaction.atomic():
            check, _ = EngagementCheck.objects.select_for_update().get_or_create(
                accompaniment=accompaniment, engagement=engagement
            )
            if check.done_at is not None:
                raise _already_ticked(check)
            check.done_at = timezone.now()
            check.done_by = by
            check.comment = comment.strip()
            check.save(update_fields=["done_at", "done_by", "comment"])
    except IntegrityError:
        # Both requests created the line at once: the other one won.
        check = EngagementCheck.objects.select_related("done_by").get(
            accompaniment=accompaniment, engagement=engagement
        )
        raise _already_ticked(check) from None
    return check


def _already_ticked(check: EngagementCheck) -> ValidationError:
    if check.done_at is None:
        return ValidationError("Cet engagement vient d'être modifié : rechargez la page.")
    when = timezone.localtime(check.done_at).strftime("%d/%m/%Y à %H:%M")
    who = f" par {check.done_by}" if check.done_by else ""
    return ValidationError(f"Cet engagement a déjà été coché{who} le {when}.")


def untick_engagement(*, check: EngagementCheck, by: User) -> EngagementCheck:
    _require(by, "tick_engagements", check.accompaniment)
    with transaction.atomic():
        locked = EngagementCheck.objects.select_for_update().get(pk=check.pk)
        locked.done_at = None
        locked.done_by = None
        locked.save(update_fields=["done_at", "done_by"])
    return locked


# --- Plan, objectives, strategies, indicators, evaluations ----------------------------------

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


def update_plan(*, plan: Plan, by: User, **values) -> Plan:
    """Change the plan's state and dates (school direction and PO référent)."""
    _require(by, "edit_plan", plan.accompaniment)
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
    _require(by, "edit_plan", plan.accompaniment)
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
    _require(by, "edit_plan", plan.accompaniment)
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
    _require(by, "edit_plan", objective.plan.accompaniment)
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
    _require(by, "record_indicator_values", indicator.objective.plan.accompaniment)
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
) -> Evaluation:
    """An evaluation of the plan for a school year, with a status per objective
    ({objective id: (status, comment)}). Recording it again updates it."""
    _require(by, "edit_plan", plan.accompaniment)
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
        evaluation.held_on, evaluation.comment = held_on, comment.strip()
        evaluation.full_clean()
        evaluation.save()
        for objective_id, (status, result_comment) in results.items():
            EvaluationResult.objects.update_or_create(
                evaluation=evaluation,
                objective=objectives[objective_id],
                defaults={"status": status, "comment": result_comment.strip()},
            )
    return evaluation


# --- Notes and calendar ---------------------------------------------------------------------


def add_note(
    *, accompaniment: Accompaniment, by: User, text: str, visibility: str = Note.Visibility.PRIVATE
) -> Note:
    _require(by, "add_notes", accompaniment)
    note = Note(
        accompaniment=accompaniment,
        school_id=accompaniment.school_id,
        author=by,
        text=text.strip(),
        visibility=visibility,
    )
    note.full_clean()
    with transaction.atomic():
        note.save()
    return note


def calendar_feed_of(*, user: User, renew: bool = False) -> CalendarFeed:
    """The user's private calendar address; `renew` replaces its token (the old link stops)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            user=user, defaults={"token": CalendarFeed.new_token()}
        )
        if renew and not created:
            feed.token = CalendarFeed.new_token()
            feed.save(update_fields=["token", "created_at"])
    return feed
