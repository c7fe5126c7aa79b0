"""Correcting what was recorded on an action: reschedule a planned one, correct a held one,
set a held or cancelled one back to planned, delete one's own recent one. Each keeps who, when,
why and what changed in an append-only `ActionCorrection`, shown under the action."""

from datetime import date, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.text import lower_first
from pilotage.models import ActionCorrection, ActionRecord
from pilotage.rules import DELETE_DELAY_DAYS, can_delete

from .common import french_date, require

STALE = (
    "Cette action a été modifiée par quelqu'un d'autre depuis que vous avez ouvert le formulaire : "
    "rechargez la page pour voir ses nouvelles valeurs avant de la corriger."
)


def version_of(action: ActionRecord) -> str:
    """What a form carries to tell whether the row changed since it was shown."""
    return action.updated_at.isoformat() if action.updated_at else ""


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de la correction."})
    return reason


def _lock(action: ActionRecord, version: str | None, statuses) -> ActionRecord:
    locked = (
        ActionRecord.objects.select_for_update().select_related("action_type", "school").get(pk=action.pk)
    )
    if version is not None and version != version_of(locked):
        raise ValidationError(STALE)
    if locked.status not in statuses:
        raise ValidationError(
            f"Cette action est {lower_first(locked.get_status_display())} : rechargez la page pour la voir."
        )
    return locked


def _show(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


LABELS = {
    "date": "date",
    "start_time": "heure",
    "duration": "durée",
    "participants": "participants",
    "participant_count": "nombre de participants",
    "location": "lieu",
}


def _apply(locked: ActionRecord, values: dict) -> str:
    """Set the changed values; the changes as « date : 01/02/2026 → 05/02/2026 »."""
    lines = []
    for field, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        old = getattr(locked, field)
        if old != value:
            lines.append(f"{LABELS[field]} : {_show(field, old)} → {_show(field, value)}")
            setattr(locked, field, value)
    return "\n".join(lines)


def _record(locked: ActionRecord, kind: str, changes: str, reason: str, by: User) -> ActionCorrection:
    correction = ActionCorrection(
        accompaniment_id=locked.accompaniment_id,
        action=locked if kind != ActionCorrection.Kind.DELETED else None,
        action_label=f"{locked.action_type.title} du {french_date(locked.date)}"[:300],
        kind=kind,
        changes=changes,
        reason=reason,
        by=by,
    )
    correction.save()
    return correction


def correct_action(
    *,
    action: ActionRecord,
    by: User,
    reason: str,
    version: str | None = None,
    date: date,
    start_time: time | None = None,
    duration: Decimal | None = None,
    participants: str = "",
    participant_count: int | None = None,
) -> ActionRecord:
    """A planned action rescheduled (date, time, duration), or a held one corrected (date,
    participants, duration): the fields left as shown stay as they were."""
    require(by, "record_actions", action.accompaniment)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _lock(action, version, [ActionRecord.Status.PLANNED, ActionRecord.Status.HELD])
        if locked.status == ActionRecord.Status.HELD:
            if date > timezone.localdate():
                raise ValidationError(
                    {
                        "date": f"Une action réalisée ne peut pas être datée dans le futur ({french_date(date)})."
                    }
                )
            kind = ActionCorrection.Kind.CORRECTED
            values = {
                "date": date,
                "duration": duration,
                "participants": participants,
                "participant_count": participant_count,
            }
        else:
            kind = ActionCorrection.Kind.RESCHEDULED
            values = {
                "date": date,
                "start_time": start_time,
                "duration": duration,
                "participants": participants,
            }
        changes = _apply(locked, values)
        if not changes:
            raise ValidationError("Rien n'a changé : modifiez au moins une valeur, ou fermez le formulaire.")
        locked.full_clean(exclude=["created_by", "adviser"])
        locked.save()
        _record(locked, kind, changes, reason, by)
    return locked


def reopen_action(*, action: ActionRecord, by: User, reason: str, version: str | None = None) -> ActionRecord:
    """A held or cancelled action set back to planned (recorded by mistake, or not cancelled
    after all): what it recorded is kept in the correction."""
    require(by, "record_actions", action.accompaniment)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _lock(action, version, [ActionRecord.Status.HELD, ActionRecord.Status.CANCELLED])
        before = [f"état : {lower_first(locked.get_status_display())} → prévue"]
        if locked.cancel_reason:
            before.append(f"motif de l'annulation : {locked.cancel_reason}")
        if locked.participant_count is not None:
            before.append(f"nombre de participants : {locked.participant_count}")
        if locked.note:
            before.append(f"note : {locked.note}")
        locked.status = ActionRecord.Status.PLANNED
        locked.cancel_reason = ""
        locked.participant_count = None
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        locked.save()
        _record(locked, ActionCorrection.Kind.REOPENED, "\n".join(before), reason, by)
    return locked


def delete_action(
    *, action: ActionRecord, by: User, reason: str, version: str | None = None
) -> ActionCorrection:
    require(by, "record_actions", action.accompaniment)
    reason = _reason(reason)
    if not can_delete(action, by):
        raise PermissionDenied(
            f"Seul l'auteur d'une action peut la supprimer, dans les {DELETE_DELAY_DAYS} jours qui suivent "
            "son encodage : corrigez-la ou annulez-la."
        )
    with transaction.atomic():
        locked = _lock(action, version, list(ActionRecord.Status))
        details = [f"état : {lower_first(locked.get_status_display())}"]
        if locked.participants:
            details.append(f"participants : {locked.participants}")
        if locked.cancel_reason:
            details.append(f"motif de l'annulation : {locked.cancel_reason}")
        correction = _record(locked, ActionCorrection.Kind.DELETED, "\n".join(details), reason, by)
        locked.delete()
    return correction
