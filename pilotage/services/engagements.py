"""The PO's engagements of an accompaniment: the checklist to tick, ticked once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from conventions.models import TemplateEngagement
from pilotage.models import Accompaniment, EngagementCheck, EngagementUntick, Step, engagement_due_on

from .common import require


def create_engagement_checks(*, accompaniment: Accompaniment) -> int:
    """One line per engagement of the convention's template, due at the end of its step."""
    months = dict(Step.objects.values_list("number", "months_from_start"))
    engagements = TemplateEngagement.objects.filter(template=accompaniment.convention.template_id)
    existing = set(accompaniment.engagement_checks.values_list("engagement", flat=True))
    checks = [
        EngagementCheck(
            accompaniment=accompaniment,
            engagement=engagement,
            due_on=engagement_due_on(
                started_on=accompaniment.started_on, step=engagement.step, months_by_step=months
            ),
        )
        for engagement in engagements
        if engagement.pk not in existing
    ]
    bulk_create_with_history(checks, EngagementCheck, ignore_conflicts=True)
    return len(checks)


def tick_engagement(
    *, accompaniment: Accompaniment, engagement: TemplateEngagement, by: User, comment: str = ""
) -> EngagementCheck:
    """The PO référent ticks one of the PO's engagements, once: a second tick (even at the
    same instant, from another window) is refused with who ticked it and when."""
    require(by, "tick_engagements", accompaniment)
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


def untick_engagement(*, check: EngagementCheck, by: User, reason: str) -> EngagementCheck:
    """A tick taken back (ticked by mistake, or the engagement no longer holds): the tick's
    who, when and comment are kept with who took it back, when and why."""
    require(by, "tick_engagements", check.accompaniment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi vous décochez cet engagement."})
    with transaction.atomic():
        locked = EngagementCheck.objects.select_for_update().get(pk=check.pk)
        if locked.done_at is None:
            raise ValidationError("Cet engagement n'est plus coché : rechargez la page.")
        EngagementUntick(
            engagement_check=locked,
            was_done_at=locked.done_at,
            was_done_by_id=locked.done_by_id,
            was_comment=locked.comment,
            reason=reason,
            by=by,
        ).save()
        locked.done_at = None
        locked.done_by = None
        locked.comment = ""
        locked.save(update_fields=["done_at", "done_by", "comment"])
    return locked
