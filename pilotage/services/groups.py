"""An action planned for several schools at once (one `batch`, see `plan_bulk_action`),
then marked held or cancelled for the schools ticked, in one go.

All or nothing: the ticked actions still planned change together, or none does (a date outside
one school's convention refuses the whole group, and says which school). An action already held
or cancelled is left as it is, so that sending the same form twice changes nothing the second
time."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from pilotage.models import Accompaniment, ActionRecord

from .actions import cancel_action, mark_held


def group_actions(user: User, batch: uuid.UUID) -> QuerySet:
    """The actions of one bulk planning at the schools where `user` records actions."""
    return (
        ActionRecord.objects.filter(
            batch=batch, accompaniment__in=Accompaniment.objects.recordable_by(user).values("pk")
        )
        .select_related("action_type", "school__organising_authority", "accompaniment__convention")
        .order_by("school__name", "pk")
    )


@dataclass(frozen=True)
class GroupOutcome:
    changed: list[ActionRecord]
    # Ticked, but already held or cancelled (by someone else, or by the same form sent twice).
    left_as_they_were: list[ActionRecord]


def _for_each_planned(actions: Iterable[ActionRecord], change: Callable[[ActionRecord], ActionRecord]):
    pks = [action.pk for action in actions]
    if not pks:
        raise ValidationError("Cochez au moins une école.")
    with transaction.atomic():
        # Locked in one go, in a fixed order: two people marking the same group wait for each
        # other instead of each changing half of it.
        locked = list(
            ActionRecord.objects.select_for_update(of=("self",))
            .filter(pk__in=pks)
            .select_related("action_type", "school", "accompaniment__convention")
            .order_by("pk")
        )
        planned = [action for action in locked if action.status == ActionRecord.Status.PLANNED]
        changed, refused = [], []
        for action in planned:
            try:
                changed.append(change(action))
            except ValidationError as error:
                refused.append(f"{action.school.name} : {' '.join(error.messages)}")
        if refused:
            # Raised inside the transaction: what was changed for the other schools is undone.
            raise ValidationError(["Rien n'a été enregistré.", *refused])
    return GroupOutcome(
        changed=sorted(changed, key=lambda action: action.school.name),
        left_as_they_were=[action for action in locked if action.status != ActionRecord.Status.PLANNED],
    )


def mark_group_held(
    *, actions: Iterable[ActionRecord], by: User, held_on: date, note: str = ""
) -> GroupOutcome:
    """The group's action took place on `held_on` at each ticked school (`mark_held` each: the
    rule, the date never in the future and within each school's convention, the history)."""
    return _for_each_planned(
        actions, lambda action: mark_held(action=action, by=by, held_on=held_on, note=note)
    )


def cancel_group(*, actions: Iterable[ActionRecord], by: User, reason: str) -> GroupOutcome:
    """The group's action is cancelled at each ticked school, for the same reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez le motif de l'annulation."})
    return _for_each_planned(actions, lambda action: cancel_action(action=action, by=by, reason=reason))
