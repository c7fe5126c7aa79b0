"""A school's story in one list: its step moves, actions, notes (those the viewer may read),
evaluations, the PO's engagements and the events of the conventions covering it, newest first.
A selector: it reads, never writes, in a fixed number of queries whatever the number of entries.

Everything is scoped for the viewer: the accompaniments they reach, the notes
`Note.objects.visible_to` lets through, the conventions `Convention.objects.visible_to` shows."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import School, User
from conventions.models import Convention, ConventionEvent, ConventionTransition
from core.school_years import school_year_label, school_year_of
from core.text import lower_first

from ..models import (
    Accompaniment,
    ActionRecord,
    EngagementCheck,
    EngagementUntick,
    Evaluation,
    Note,
    StepEntry,
)

KIND_CHOICES = [
    ("step", "Étapes"),
    ("action", "Actions"),
    ("note", "Notes"),
    ("evaluation", "Évaluations"),
    ("engagement", "Engagements du PO"),
    ("convention", "Conventions"),
]
KIND_LABELS = dict(KIND_CHOICES)

# The signature events worth a line in the school's story; the others (link opened, identity
# confirmed, reminder) are evidence, not history, and the convention's own page keeps them.
SIGNATURE_EVENTS = (ConventionEvent.Kind.SIGNED, ConventionEvent.Kind.UPLOADED, ConventionEvent.Kind.DECLINED)


@dataclass
class TimelineEntry:
    day: date
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    link: str = ""
    # Orders the entries of one day; a dated-only entry counts as the start of its day.
    moment: datetime | None = field(default=None, repr=False)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def school_year(self) -> int:
        return school_year_of(self.day)

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def school_timeline(user: User, school: School) -> list[TimelineEntry]:
    """Every entry of `school`'s story that `user` may see, newest first."""
    accompaniments = Accompaniment.objects.visible_to(user).filter(school=school).values("pk")
    page = school.get_absolute_url()
    entries = [
        *_steps(accompaniments, page),
        *_actions(accompaniments, page),
        *_notes(user, accompaniments, page),
        *_evaluations(accompaniments, page),
        *_engagements(accompaniments, page),
        *_conventions(user, school),
    ]
    # Newest first; within a day, the latest recorded first.
    entries.sort(
        key=lambda e: (e.day, e.moment or timezone.make_aware(datetime.combine(e.day, datetime.min.time()))),
        reverse=True,
    )
    return entries


def filter_entries(entries: list[TimelineEntry], *, kinds=(), year: int | None = None) -> list[TimelineEntry]:
    """The entries of the given kinds (all when none is given) in school year `year` (all years
    when None)."""
    return [
        entry
        for entry in entries
        if (not kinds or entry.kind in kinds) and (year is None or entry.school_year == year)
    ]


def _steps(accompaniments, page: str):
    for move in StepEntry.objects.filter(accompaniment__in=accompaniments).select_related(
        "step", "entered_by"
    ):
        step = move.step
        if move.from_step_id is None:
            title = f"Début de l'accompagnement, étape {step.number} : {step.short_name}"
        elif move.is_correction:
            title = f"Retour à l'étape {step.number} : {step.short_name}"
        else:
            title = f"Passage à l'étape {step.number} : {step.short_name}"
        yield TimelineEntry(
            day=move.entered_on,
            moment=move.recorded_at,
            kind="step",
            title=title,
            detail=move.reason,
            by=_name(move.entered_by),
            link=f"{page}#pilotage-etapes",
        )


ACTION_TITLES = {
    ActionRecord.Status.PLANNED: "Action prévue",
    ActionRecord.Status.HELD: "Action réalisée",
    ActionRecord.Status.CANCELLED: "Action annulée",
}


def _actions(accompaniments, page: str):
    actions = ActionRecord.objects.filter(accompaniment__in=accompaniments).select_related(
        "action_type", "adviser"
    )
    for action in actions:
        details = []
        if action.duration_display:
            details.append(action.duration_display)
        if action.location:
            details.append(action.location)
        if action.status == ActionRecord.Status.HELD and action.participant_count:
            details.append(f"{action.participant_count} participant(s)")
        if action.status == ActionRecord.Status.CANCELLED:
            details.append(f"Motif : {action.cancel_reason}")
        yield TimelineEntry(
            day=action.date,
            kind="action",
            title=f"{ACTION_TITLES[action.status]} : {action.action_type.title}",
            detail=" · ".join(details),
            by=_name(action.adviser),
            link=f"{page}#pilotage-actions",
        )


def _notes(user: User, accompaniments, page: str):
    # The notes rule in one place: `visible_to` decides which notes this viewer reads.
    notes = Note.objects.visible_to(user).filter(accompaniment__in=accompaniments).select_related("author")
    for note in notes:
        shared = note.visibility == Note.Visibility.SHARED
        yield TimelineEntry(
            day=_local_day(note.created_at),
            moment=note.created_at,
            kind="note",
            title="Note partagée" if shared else "Note privée (fédération)",
            detail=note.text,
            by=_name(note.author),
            link=f"{page}#pilotage-notes",
        )


def _evaluations(accompaniments, page: str):
    # An evaluation without the day it was held has no place in a chronology: the plan's
    # section on the school page lists it.
    evaluations = Evaluation.objects.filter(
        plan__accompaniment__in=accompaniments, held_on__isnull=False
    ).select_related("created_by")
    for evaluation in evaluations:
        yield TimelineEntry(
            day=evaluation.held_on,
            kind="evaluation",
            title=f"{evaluation.get_kind_display()} {evaluation.school_year_label}",
            detail=evaluation.comment,
            by=_name(evaluation.created_by),
            link=f"{page}#pilotage-plan",
        )


def _engagements(accompaniments, page: str):
    link = f"{page}#pilotage-engagements"
    today = timezone.localdate()
    checks = EngagementCheck.objects.filter(accompaniment__in=accompaniments).select_related(
        "engagement", "done_by"
    )
    for check in checks:
        label = check.engagement.label
        if check.done_at:
            yield TimelineEntry(
                day=_local_day(check.done_at),
                moment=check.done_at,
                kind="engagement",
                title=f"Engagement rempli : {label}",
                detail=check.comment,
                by=_name(check.done_by),
                link=link,
            )
        elif check.is_late(today):
            # A due date becomes part of the story once it has passed unmet; the ones still
            # ahead are on the school page, not in its history.
            yield TimelineEntry(
                day=check.due_on,
                kind="engagement",
                title=f"Engagement en retard : {label}",
                detail="Attendu pour cette date, pas encore rempli.",
                link=link,
            )
    unticks = EngagementUntick.objects.filter(
        engagement_check__accompaniment__in=accompaniments
    ).select_related("engagement_check__engagement", "by")
    for untick in unticks:
        yield TimelineEntry(
            day=_local_day(untick.at),
            moment=untick.at,
            kind="engagement",
            title=f"Engagement décoché : {untick.engagement_check.engagement.label}",
            detail=f"Motif : {untick.reason}",
            by=_name(untick.by),
            link=link,
        )


def _named(convention: Convention) -> str:
    return f"{'Avenant' if convention.amendment_of_id else 'Convention'} {convention.reference}"


def _conventions(user: User, school: School):
    conventions = Convention.objects.visible_to(user).filter(schools=school).values("pk")
    transitions = ConventionTransition.objects.filter(convention__in=conventions).select_related(
        "convention", "by"
    )
    for transition in transitions:
        convention = transition.convention
        state = transition.get_to_state_display()
        title = f"{_named(convention)} : {lower_first(state)}"
        yield TimelineEntry(
            day=_local_day(transition.at),
            moment=transition.at,
            kind="convention",
            title=title,
            detail=transition.comment,
            by=_name(transition.by),
            link=reverse("convention_detail", args=[convention.reference]),
        )
    events = ConventionEvent.objects.filter(
        convention__in=conventions, kind__in=SIGNATURE_EVENTS
    ).select_related("convention", "signatory")
    for event in events:
        signatory = event.signatory
        who = (
            f"{signatory.full_name or signatory.function}, {signatory.function}"
            if signatory
            else event.actor_label
        )
        what = "refus de signer" if event.kind == ConventionEvent.Kind.DECLINED else "signée"
        yield TimelineEntry(
            day=_local_day(event.at),
            moment=event.at,
            kind="convention",
            title=f"{_named(event.convention)} : {what} par {who}",
            detail=event.detail if event.kind == ConventionEvent.Kind.DECLINED else "",
            link=reverse("convention_detail", args=[event.convention.reference]),
        )
