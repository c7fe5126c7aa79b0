"""The school's plan de pilotage, which becomes its contrat d'objectifs, the deadlines it
sets and the reminders sent for them."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import School
from core.school_years import school_year_of
from core.values import is_sane_date, sane_date

from .accompaniment import Accompaniment, ScopedQuerySet
from .common import user_link


@dataclass(frozen=True)
class Deadline:
    """A date of the process that someone must be reminded of."""

    kind: str
    label: str
    due_on: date
    plan_id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.due_on.isoformat()}"


class Plan(models.Model):
    """A school's plan de pilotage; once the DCO accepts it, its contrat d'objectifs for six
    years, with an annual self-evaluation and an intermediate evaluation in year 3."""

    class State(models.TextChoices):
        DRAFTING = "drafting", "En élaboration"
        SUBMITTED = "submitted", "Remis au DCO"
        TO_ADJUST = "to_adjust", "À ajuster"
        ACCEPTED = "accepted", "Accepté (contrat d'objectifs)"

    accompaniment = models.OneToOneField(
        Accompaniment, on_delete=models.CASCADE, related_name="plan", verbose_name="accompagnement"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="plans", verbose_name="école")
    state = models.CharField("état", max_length=12, choices=State.choices, default=State.DRAFTING)
    diagnosis = models.TextField("diagnostic (synthèse)", blank=True)
    submitted_to_dco_on = models.DateField("remis au DCO le", null=True, blank=True, validators=[sane_date])
    dco_meeting_on = models.DateField(
        "rencontre avec le DCO le", null=True, blank=True, validators=[sane_date]
    )
    adjustment_requested_on = models.DateField(
        "ajustements demandés le", null=True, blank=True, validators=[sane_date]
    )
    dco_comment = models.TextField("recommandations du DCO", blank=True)
    accepted_on = models.DateField("accepté le", null=True, blank=True, validators=[sane_date])
    contract_start = models.DateField(
        "début du contrat d'objectifs",
        null=True,
        blank=True,
        help_text="En général le 1er septembre qui suit l'acceptation.",
        validators=[sane_date],
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = user_link("modifié par")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "plan de pilotage"
        verbose_name_plural = "plans de pilotage"
        ordering = ["school__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_on__isnull=False),
                name="plan_accepted_has_date",
                violation_error_message="Indiquez la date d'acceptation du contrat d'objectifs.",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="plan_state")]

    def __str__(self):
        return f"Plan de pilotage — {self.school.name}"

    def clean(self):
        if self.state == self.State.ACCEPTED and not self.accepted_on:
            raise ValidationError({"accepted_on": "Indiquez la date d'acceptation du contrat d'objectifs."})
        if self.submitted_to_dco_on and self.accepted_on and self.accepted_on < self.submitted_to_dco_on:
            raise ValidationError(
                {"accepted_on": "Le plan ne peut être accepté avant d'avoir été remis au DCO."}
            )
        if self.accepted_on and self.contract_start and self.contract_start < self.accepted_on:
            raise ValidationError(
                {"contract_start": "Le contrat d'objectifs ne peut commencer avant son acceptation."}
            )

    @property
    def contract_start_or_default(self) -> date | None:
        if self.contract_start:
            return self.contract_start
        if self.accepted_on:
            year = self.accepted_on.year if self.accepted_on.month < 9 else self.accepted_on.year + 1
            return date(min(year, date.max.year), 9, 1)
        return None

    @property
    def contract_year(self) -> int | None:
        """1 to 6 during the contract, by school year."""
        start = self.contract_start_or_default
        if start is None:
            return None
        return school_year_of(timezone.localdate()) - school_year_of(start) + 1

    def deadlines(self) -> list["Deadline"]:
        """The dates of the process derived from the plan's: the meeting with the DCO, the
        annual self-evaluations (end of June of each contract year), the intermediate
        evaluation (end of year 3) and the end of the contract (end of year 6)."""
        result = []
        if self.dco_meeting_on and self.state != self.State.ACCEPTED:
            result.append(Deadline("dco_meeting", "Rencontre avec le DCO", self.dco_meeting_on, self.pk))
        start = self.contract_start_or_default
        # A start stored outside 1990–2100 (before the validators) has no deadlines to show.
        if start and is_sane_date(start) and self.state == self.State.ACCEPTED:
            first = school_year_of(start)
            for year in range(1, 7):
                end_of_year = date(first + year, 6, 30)
                if year == 3:
                    result.append(
                        Deadline(
                            "intermediate_evaluation",
                            "Évaluation intermédiaire (année 3)",
                            end_of_year,
                            self.pk,
                        )
                    )
                elif year == 6:
                    result.append(
                        Deadline("contract_end", "Fin du contrat d'objectifs (année 6)", end_of_year, self.pk)
                    )
                else:
                    result.append(
                        Deadline(
                            f"self_evaluation_{year}",
                            f"Auto-évaluation annuelle (année {year})",
                            end_of_year,
                            self.pk,
                        )
                    )
        return sorted(result, key=lambda deadline: deadline.due_on)


class ReminderSent(models.Model):
    """A deadline whose reminder went out: `send_reminders` sends each one once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminders", verbose_name="plan")
    kind = models.CharField("échéance", max_length=40)
    due_on = models.DateField("date de l'échéance", validators=[sane_date])
    sent_on = models.DateField("envoyé le", validators=[sane_date])
    recipients = models.TextField("destinataires", blank=True)

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "due_on"], name="reminder_once_per_deadline"),
        ]

    def __str__(self):
        return f"{self.plan} — {self.kind} ({self.due_on:%d/%m/%Y})"
