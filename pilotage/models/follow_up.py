"""What is recorded along an accompaniment: the actions planned and held, the PO's
engagements ticked, the notes kept."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import School, membership_ids
from conventions.models import TemplateEngagement
from core.text import lower_first
from core.values import sane_date

from .accompaniment import Accompaniment, AdviserAssignment, ScopedQuerySet
from .common import FPO_ROLES, add_months, user_link
from .process import (
    HOURS_PER_UNIT,
    ActionType,
    DurationUnit,
    duration_display,
    duration_field,
    duration_unit_field,
)


class ActionRecordQuerySet(ScopedQuerySet):
    def planned(self):
        return self.filter(status=ActionRecord.Status.PLANNED)

    def held(self):
        return self.filter(status=ActionRecord.Status.HELD)

    def for_calendar_of(self, user):
        """The planned and cancelled actions an adviser leads or that concern the schools assigned
        to them, in the federations where they still work (a role ended takes its schools away)."""
        return self.filter(
            status__in=[ActionRecord.Status.PLANNED, ActionRecord.Status.CANCELLED],
            accompaniment__federation__in=membership_ids(user, "federation", FPO_ROLES),
        ).filter(
            Q(adviser=user)
            | Q(accompaniment__in=AdviserAssignment.objects.filter(adviser=user).values("accompaniment"))
        )


class ActionRecord(models.Model):
    """An action of the catalogue planned for a school, then held or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        HELD = "held", "Réalisée"
        CANCELLED = "cancelled", "Annulée"

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="actions", verbose_name="accompagnement"
    )
    # The accompaniment's school, kept here for the (school, date) index the pages sort by.
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name="école")
    action_type = models.ForeignKey(
        ActionType, on_delete=models.PROTECT, related_name="records", verbose_name="action"
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PLANNED)
    date = models.DateField("date", validators=[sane_date])
    start_time = models.TimeField("heure", null=True, blank=True)
    duration = duration_field("durée")
    duration_unit = duration_unit_field()
    location = models.CharField("lieu", max_length=200, blank=True)
    participants = models.TextField("participants", blank=True)
    participant_count = models.PositiveSmallIntegerField("nombre de participants", null=True, blank=True)
    note = models.TextField("note", blank=True)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)
    adviser = user_link("conseiller", related_name="actions_led")
    # The actions planned together for several schools (one séminaire, one intervision).
    batch = models.UUIDField("action groupée", null=True, blank=True, db_index=True)
    created_by = user_link("encodée par", blank=False)
    created_at = models.DateTimeField("encodée le", auto_now_add=True)
    status_changed_at = models.DateTimeField("état modifié le", null=True, blank=True)
    status_changed_by = user_link("état modifié par")
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

    objects = ActionRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="action_cancel_needs_reason",
                violation_error_message="Indiquez le motif de l'annulation.",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="action_school_date"),
            models.Index(fields=["accompaniment", "status", "date"], name="action_accomp_status_date"),
            models.Index(fields=["status", "date"], name="action_status_date"),
            models.Index(fields=["adviser", "status", "date"], name="action_adviser_status_date"),
        ]

    def __str__(self):
        return f"{self.action_type} — {self.school.name} — {self.date:%d/%m/%Y}"

    def clean(self):
        if self.accompaniment_id and (
            message := self.accompaniment.convention.outside_period(self.date, what="L'action")
        ):
            raise ValidationError({"date": message})

    @property
    def duration_display(self) -> str:
        return duration_display(self.duration, self.duration_unit)

    @property
    def hours(self) -> Decimal:
        """The duration in hours (a half-day counts 4 hours, a day 8)."""
        if self.duration is None:
            return Decimal(0)
        return self.duration * HOURS_PER_UNIT[DurationUnit(self.duration_unit)]


# --- PO engagements -------------------------------------------------------------------------


def engagement_due_on(*, started_on: date, step: int | None, months_by_step: dict[int, int]) -> date | None:
    """When an engagement of the PO is due: at the expected end of its step, counted in months
    from the start of the accompaniment (`Step.months_from_start`, as `months_by_step`); an
    engagement tied to no step has no due date."""
    if step not in months_by_step:
        return None
    return add_months(started_on, months_by_step[step])


class EngagementCheckQuerySet(ScopedQuerySet):
    def late(self, today: date):
        return self.filter(done_at__isnull=True, due_on__lt=today)

    def done(self):
        return self.filter(done_at__isnull=False)


class EngagementCheck(models.Model):
    """One engagement of the PO (CECP art. 4, the template's checklist) for one accompaniment:
    ticked by the PO référent, with who, when and a comment. One row per engagement: ticking
    twice at once cannot make two."""

    accompaniment = models.ForeignKey(
        Accompaniment,
        on_delete=models.CASCADE,
        related_name="engagement_checks",
        verbose_name="accompagnement",
    )
    engagement = models.ForeignKey(
        TemplateEngagement, on_delete=models.PROTECT, related_name="checks", verbose_name="engagement"
    )
    due_on = models.DateField("attendu pour le", null=True, blank=True, validators=[sane_date])
    done_at = models.DateTimeField("fait le", null=True, blank=True)
    done_by = user_link("coché par")
    comment = models.TextField("commentaire", blank=True)

    objects = EngagementCheckQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "engagement du PO (suivi)"
        verbose_name_plural = "engagements du PO (suivi)"
        ordering = ["accompaniment", "engagement__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["accompaniment", "engagement"],
                name="engagement_check_unique",
                violation_error_message="Cet engagement est déjà suivi pour cet accompagnement.",
            ),
        ]
        indexes = [models.Index(fields=["done_at", "due_on"], name="engagement_done_due")]

    def __str__(self):
        return f"{self.accompaniment} — {self.engagement}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_late(self, today: date) -> bool:
        return self.done_at is None and self.due_on is not None and self.due_on < today


class NoteQuerySet(ScopedQuerySet):
    """Shared notes go with the accompaniment; private ones stay with its federation's staff
    and advisers (and administrators)."""

    def visible_to(self, user):
        notes = super().visible_to(user)
        if user.is_authenticated and not user.is_superuser:
            notes = notes.filter(
                Q(visibility=Note.Visibility.SHARED)
                | Q(accompaniment__federation__in=self._private_note_federations(user))
            )
        return notes

    def reads_private(self, user, accompaniment) -> bool:
        """Whether `user` reads the private notes of `accompaniment` (what `visible_to` lets
        through), for the page to say who reads what."""
        if not user.is_authenticated:
            return False
        return (
            user.is_superuser
            or self._private_note_federations(user).filter(federation=accompaniment.federation_id).exists()
        )

    @staticmethod
    def _private_note_federations(user):
        return membership_ids(user, "federation", FPO_ROLES)


# Who reads what is written about an accompaniment, as the forms say it. Everyone who reaches the
# accompaniment (`accompaniment_visibility`) reads its actions and shared notes: the federation's
# people, the PO's people and the school's direction and DCO; private notes stay with the
# federation's coordination and advisers (`NoteQuerySet`).
READ_BY_ALL = "Visible par la fédération, le PO (référent et signataires), la direction et le DCO de l'école."
NOTE_VISIBILITY_HELP = (
    "Une note privée n'est lue que par la coordination et les conseillers de la fédération ; une note "
    "partagée l'est aussi par le PO (référent et signataires), la direction et le DCO de l'école."
)


class Note(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Privée (fédération seulement)"
        SHARED = "shared", "Partagée (avec le PO, la direction et le DCO)"

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="notes", verbose_name="accompagnement"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name="école")
    author = user_link("auteur", blank=False)
    text = models.TextField("note")
    visibility = models.CharField(
        "visibilité", max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "created_at"], name="note_school_created")]

    def __str__(self):
        return f"Note sur {self.school.name} ({lower_first(self.get_visibility_display())})"
