"""The actions of the catalogue planned for schools, then held or cancelled."""

import uuid
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from core.text import lower_first
from pilotage.models import Accompaniment, ActionRecord, ActionType

from .common import french_date, require


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
    require(by, "record_actions", accompaniment)
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
            f"Cette action est déjà {lower_first(locked.get_status_display())} : rechargez la page pour la voir."
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
    require(by, "record_actions", action.accompaniment)
    held_on = held_on or action.date
    today = timezone.localdate()
    if held_on > today:
        raise ValidationError(
            {
                "held_on": f"Une action ne peut pas être marquée réalisée à une date future "
                f"({french_date(held_on)}) : elle est encore prévue."
            }
        )
    if outside := action.accompaniment.convention.outside_period(held_on, what="La réalisation"):
        raise ValidationError({"held_on": outside})
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
    require(by, "record_actions", action.accompaniment)
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
