"""Starting a school's accompaniment under a signed convention, its advisers, its steps.

Each service checks the rule, validates, and changes state in one transaction; where two people
may act on the same row at once, the row is locked first."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Federation, Membership, Role, School, User
from conventions.models import Convention, State
from pilotage.models import Accompaniment, AdviserAssignment, Plan, Step, StepEntry

from .common import french_date, require
from .engagements import create_engagement_checks


def start_accompaniments(
    *, convention: Convention, by: User, started_on: date | None = None
) -> list[Accompaniment]:
    """An accompaniment for each school a signed convention covers (those already started
    are kept as they are), with its plan and the PO's engagements to tick."""
    if not Federation.objects.staffed_by(by).filter(pk=convention.federation_id).exists():
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


def assign_advisers(*, accompaniment: Accompaniment, advisers: Iterable[User], by: User) -> None:
    """The advisers of the accompaniment become exactly `advisers` (federation staff only;
    each must be an adviser of the accompaniment's federation)."""
    require(by, "assign_advisers", accompaniment)
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
        # One by one, a handful at most: each assignment and its end go to the audit trail.
        current = set()
        for assignment in AdviserAssignment.objects.filter(accompaniment=accompaniment):
            if assignment.adviser_id in {adviser.pk for adviser in advisers}:
                current.add(assignment.adviser_id)
            else:
                assignment._history_user = by
                assignment.delete()
        for adviser in advisers:
            if adviser.pk not in current:
                AdviserAssignment.objects.create(accompaniment=accompaniment, adviser=adviser, assigned_by=by)


def assign_adviser_to_schools(
    *, accompaniments: Iterable[Accompaniment], adviser: User, by: User, replace: bool = False
) -> list[Accompaniment]:
    """`adviser` joins the advisers of each accompaniment, or with `replace` becomes its only
    one: all the schools or none (`assign_advisers` each, so each change is in the history).
    Returns the accompaniments that changed; those where nothing would change are left alone."""
    accompaniments = list(accompaniments)
    if not accompaniments:
        raise ValidationError("Cochez au moins une école.")
    current = defaultdict(list)
    for assignment in AdviserAssignment.objects.filter(accompaniment__in=accompaniments).select_related(
        "adviser"
    ):
        current[assignment.accompaniment_id].append(assignment.adviser)
    changed, refused = [], []
    with transaction.atomic():
        for accompaniment in accompaniments:
            advisers = current[accompaniment.pk]
            if replace:
                if [user.pk for user in advisers] == [adviser.pk]:
                    continue
                wanted = [adviser]
            else:
                if adviser.pk in {user.pk for user in advisers}:
                    continue
                wanted = [*advisers, adviser]
            try:
                assign_advisers(accompaniment=accompaniment, advisers=wanted, by=by)
            except ValidationError as error:
                refused.append(f"{accompaniment.school.name} : {' '.join(error.messages)}")
            else:
                changed.append(accompaniment)
        if refused:
            # Raised inside the transaction: the schools already assigned are undone too.
            raise ValidationError(
                [
                    "Rien n'a été enregistré (cochez « Remplacer » pour retirer un conseiller "
                    "qui n'a plus ce rôle).",
                    *refused,
                ]
            )
    return changed


def move_to_step(
    *,
    accompaniment: Accompaniment,
    step: int,
    by: User,
    on: date | None = None,
    reason: str = "",
    confirmed: bool = False,
) -> StepEntry:
    """The accompaniment moves to `step` on `on` (today by default): one more event in its
    history, which is never rewritten. Going back to an earlier step is a correction: it must
    be confirmed and say why. Every move takes effect on or after the latest one."""
    require(by, "record_actions", accompaniment)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if on > timezone.localdate():
        raise ValidationError({"on": "La date d'entrée dans l'étape ne peut pas être dans le futur."})
    if not Step.objects.filter(number=step).exists():
        raise ValidationError({"step": "Cette étape n'existe pas (1 à 5)."})
    with transaction.atomic():
        locked = Accompaniment.objects.select_for_update().get(pk=accompaniment.pk)
        current = locked.current_step_id
        if current == step:
            raise ValidationError({"step": f"L'école est déjà à l'étape {step}."})
        if step < current:
            errors = {}
            if not confirmed:
                errors["confirm"] = (
                    f"Confirmez le retour de l'étape {current} à l'étape {step} : "
                    "l'historique est conservé et ce retour y sera inscrit comme une correction."
                )
            if not reason:
                errors["reason"] = "Indiquez le motif du retour à une étape antérieure."
            if errors:
                raise ValidationError(errors)
        latest = locked.step_entries.in_order().last()
        if latest and on < latest.entered_on:
            raise ValidationError(
                {
                    "on": f"L'école est entrée à l'étape {latest.step_id} le {french_date(latest.entered_on)} : "
                    "choisissez une date postérieure."
                }
            )
        entry = StepEntry.objects.create(
            accompaniment=locked,
            step_id=step,
            from_step_id=current,
            entered_on=on,
            entered_by=by,
            reason=reason,
        )
        locked.current_step_id = step
        locked.save(update_fields=["current_step", "updated_at"])
    accompaniment.current_step_id = step
    return entry
