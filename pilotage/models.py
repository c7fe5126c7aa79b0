"""Each school's path through the five steps of the plan de pilotage: the steps and the
federations' catalogues of actions, the accompaniment of a school under a signed convention,
the actions recorded by advisers, the PO's engagements, the plan that becomes the contrat
d'objectifs (objectives, strategies, indicators, evaluations) and the notes kept on the way.

Every model a user can reach has `objects.visible_to(user)`, built like the accounts app's
scoping: subqueries on keys only. Federation members see the accompaniments of their
federation; a PO's people those of the PO's schools; a school's direction and DCO their school's.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Federation, Role, School, membership_ids
from conventions.models import Convention, FrameworkNode, TemplateEngagement

FPO_ROLES = [Role.FPO_STAFF, Role.FPO_ADVISER]


def school_year_label(year: int | None) -> str:
    """2024 → '2024-2025'."""
    return f"{year}-{year + 1}" if year else ""


def school_year_of(day: date) -> int:
    """The school year a day belongs to, by its first calendar year (from 1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, last_day)
        except ValueError:
            continue
    raise ValueError(day)


def user_link(verbose_name: str, *, related_name: str = "+", blank: bool = True) -> models.ForeignKey:
    """Who did something: kept as nobody when their account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name=related_name,
        verbose_name=verbose_name,
    )


# --- Scoping --------------------------------------------------------------------------------


def accompaniment_visibility(user, prefix: str = "") -> Q:
    """Which accompaniments `user` reaches, as a condition on `<prefix>federation` and
    `<prefix>school`: keys and subqueries only, no join to remove duplicates from."""
    schools_of_pos = School.objects.filter(
        organising_authority__in=membership_ids(user, "organising_authority")
    ).values("pk")
    return (
        Q(**{f"{prefix}federation__in": membership_ids(user, "federation")})
        | Q(**{f"{prefix}school__in": schools_of_pos})
        | Q(**{f"{prefix}school__in": membership_ids(user, "school")})
    )


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)` for the models that hang off an accompaniment (`scope_prefix`
    names the path to it)."""

    scope_prefix = "accompaniment__"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(self.visibility(user))

    def visibility(self, user) -> Q:
        return Q(
            **{
                f"{self.scope_prefix}in": Accompaniment.objects.filter(accompaniment_visibility(user)).values(
                    "pk"
                )
            }
        )


# --- The process and the catalogue ----------------------------------------------------------


class PlanScopedQuerySet(ScopedQuerySet):
    scope_prefix = "plan__accompaniment__"


class ObjectiveScopedQuerySet(ScopedQuerySet):
    scope_prefix = "objective__plan__accompaniment__"


class IndicatorValueQuerySet(ScopedQuerySet):
    scope_prefix = "indicator__objective__plan__accompaniment__"


class EvaluationResultQuerySet(ScopedQuerySet):
    scope_prefix = "evaluation__plan__accompaniment__"


class StepQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if user.is_authenticated else self.none()


class Step(models.Model):
    """One of the five steps of the process (CECP convention, art. 3). Its number is its key:
    `current_step_id` is the step's number wherever a model points at one."""

    number = models.PositiveSmallIntegerField(
        "numéro", primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    name = models.CharField("intitulé", max_length=200)
    short_name = models.CharField("intitulé court", max_length=100)
    period = models.CharField("période", max_length=100)
    description = models.TextField("missions de la fédération", blank=True)
    # When the step should be over, counted in months from the start of the accompaniment:
    # what makes an engagement of that step late.
    months_from_start = models.PositiveSmallIntegerField("fin attendue (mois après le début)")

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=5), name="step_number_1_to_5")
        ]

    def __str__(self):
        return f"Étape {self.number} : {self.name}"


class DurationUnit(models.TextChoices):
    HOURS = "hours", "heures"
    HALF_DAYS = "half_days", "demi-journées"
    DAYS = "days", "journées"


def duration_field(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )


def duration_unit_field() -> models.CharField:
    return models.CharField(
        "unité de durée", max_length=10, choices=DurationUnit.choices, default=DurationUnit.HALF_DAYS
    )


HOURS_PER_UNIT = {
    DurationUnit.HOURS: Decimal(1),
    DurationUnit.HALF_DAYS: Decimal(4),
    DurationUnit.DAYS: Decimal(8),
}


class ActionTypeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(federation__in=Federation.objects.visible_to(user).values("pk"))

    def active(self):
        return self.filter(active=True)


class ActionType(models.Model):
    """An action of a federation's catalogue: what the federation offers at a step."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", "Séminaire d'échanges"
        INTERVISION = "intervision", "Intervision"
        VOLUNTARY_TRAINING = "voluntary_training", "Formation volontaire"
        MANDATORY_TRAINING = "mandatory_training", "Formation obligatoire en école"
        COACHING = "coaching", "Coaching en école"
        MIRROR_QUESTIONNAIRE = "mirror_questionnaire", "Questionnaires du miroir"
        SUPPORT = "support", "Accompagnement"
        SELF_EVALUATION_SUPPORT = "self_evaluation_support", "Soutien à l'auto-évaluation"
        STRATEGY_UPDATE_SUPPORT = "strategy_update_support", "Soutien à l'actualisation des stratégies"
        INTERMEDIATE_EVALUATION_SUPPORT = (
            "intermediate_evaluation_support",
            "Soutien à l'évaluation intermédiaire",
        )
        PO_TRAINING = "po_training", "Formation et information des PO"
        OTHER = "other", "Autre"

    class Audience(models.TextChoices):
        PO_AND_DIRECTIONS = "po_directions", "PO et directions"
        DIRECTIONS = "directions", "Directions"
        TEAM = "team", "Équipe éducative"
        DIRECTION_AND_TEAM = "direction_team", "Direction et équipe"
        PO = "po", "PO et référents"
        PARENTS_PUPILS_TEAM = "community", "Équipe, parents et élèves"

    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, related_name="action_types", verbose_name="fédération"
    )
    code = models.SlugField("code", max_length=60)
    step = models.ForeignKey(
        Step,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_types",
        verbose_name="étape",
    )
    kind = models.CharField("nature", max_length=40, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)
    audience = models.CharField("public", max_length=20, choices=Audience.choices)
    mandatory = models.BooleanField("obligatoire", default=False)
    default_duration = duration_field("durée par défaut")
    duration_unit = duration_unit_field()
    source = models.CharField("source", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("position", default=0)
    active = models.BooleanField("proposée", default=True)

    objects = ActionTypeQuerySet.as_manager()

    class Meta:
        verbose_name = "type d'action"
        verbose_name_plural = "catalogue des actions"
        ordering = ["federation", "step", "position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "code"], name="action_type_unique_code"),
        ]

    def __str__(self):
        return self.title

    @property
    def default_duration_display(self) -> str:
        return duration_display(self.default_duration, self.duration_unit)


def duration_display(amount, unit) -> str:
    if amount is None:
        return ""
    text = f"{amount:f}".rstrip("0").rstrip(".").replace(".", ",")
    label = DurationUnit(unit).label
    if amount <= 1:
        label = label.replace("journées", "journée").replace("heures", "heure")
    return f"{text} {label}"


# --- Advisers -------------------------------------------------------------------------------


class AdviserProfile(models.Model):
    """What a federation knows of one of its advisers: working time and speciality, for the
    workload figures."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adviser_profiles",
        verbose_name="conseiller",
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, related_name="adviser_profiles", verbose_name="fédération"
    )
    fte = models.DecimalField(
        "temps de travail (ETP)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )
    technopedagogical = models.BooleanField("conseiller technopédagogique", default=False)

    class Meta:
        verbose_name = "profil de conseiller"
        verbose_name_plural = "profils de conseiller"
        constraints = [
            models.UniqueConstraint(fields=["user", "federation"], name="adviser_profile_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.federation}, {self.fte} ETP)"


class CalendarFeed(models.Model):
    """The private address of an adviser's calendar (.ics): whoever knows the token reads
    it, so it is long, random, and can be replaced at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name="utilisateur",
    )
    token = models.CharField("jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now=True)

    class Meta:
        verbose_name = "calendrier privé"
        verbose_name_plural = "calendriers privés"

    def __str__(self):
        return f"Calendrier de {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


# --- Accompaniment --------------------------------------------------------------------------


class AccompanimentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(accompaniment_visibility(user))

    def recordable_by(self, user):
        """Where `user` records actions and notes: the staff of the accompaniment's
        federation, and the advisers assigned to it."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(federation__in=membership_ids(user, "federation", [Role.FPO_STAFF]))
            | Q(
                federation__in=membership_ids(user, "federation", [Role.FPO_ADVISER]),
                pk__in=AdviserAssignment.objects.filter(adviser=user).values("accompaniment"),
            )
        )

    def staffed_by(self, user):
        """The accompaniments of the federations where `user` is staff."""
        if user.is_superuser:
            return self.all()
        return self.filter(federation__in=membership_ids(user, "federation", [Role.FPO_STAFF]))

    def assigned_to(self, user):
        return self.filter(pk__in=AdviserAssignment.objects.filter(adviser=user).values("accompaniment"))

    def active(self):
        return self.filter(closed_on__isnull=True)

    def with_parties(self):
        return self.select_related("school__organising_authority", "federation", "current_step", "convention")


class Accompaniment(models.Model):
    """The federation's accompaniment of one school under one signed convention."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="école"
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="convention"
    )
    # The convention's federation, kept here so that scoping and dashboards need no join.
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="fédération"
    )
    advisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AdviserAssignment",
        through_fields=("accompaniment", "adviser"),
        related_name="accompaniments_advised",
        verbose_name="conseillers",
        blank=True,
    )
    current_step = models.ForeignKey(
        Step, on_delete=models.PROTECT, related_name="+", default=1, verbose_name="étape en cours"
    )
    started_on = models.DateField("début de l'accompagnement")
    closed_on = models.DateField("fin de l'accompagnement", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = AccompanimentQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement"
        verbose_name_plural = "accompagnements"
        ordering = ["school__name", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "convention"],
                name="accompaniment_unique_school_convention",
                violation_error_message="Cette école est déjà accompagnée dans le cadre de cette convention.",
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "current_step"], name="accomp_federation_step"),
            models.Index(fields=["school", "started_on"], name="accomp_school_started"),
        ]

    def __str__(self):
        return f"{self.school.name} — {self.convention}"

    def get_absolute_url(self):
        return self.school.get_absolute_url()


class AdviserAssignment(models.Model):
    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="assignments", verbose_name="accompagnement"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adviser_assignments",
        verbose_name="conseiller",
    )
    assigned_by = user_link("désigné par")
    assigned_at = models.DateTimeField("désigné le", auto_now_add=True)

    class Meta:
        verbose_name = "conseiller désigné"
        verbose_name_plural = "conseillers désignés"
        constraints = [
            models.UniqueConstraint(fields=["accompaniment", "adviser"], name="assignment_unique_adviser"),
        ]
        indexes = [models.Index(fields=["adviser", "accompaniment"], name="assignment_adviser")]

    def __str__(self):
        return f"{self.adviser} → {self.accompaniment}"


class StepEntry(models.Model):
    """When an accompaniment entered a step: the timeline of the five steps."""

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="step_entries", verbose_name="accompagnement"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+", verbose_name="étape")
    entered_on = models.DateField("entrée le")
    entered_by = user_link("par")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée dans une étape"
        verbose_name_plural = "entrées dans les étapes"
        ordering = ["accompaniment", "step"]
        constraints = [
            models.UniqueConstraint(fields=["accompaniment", "step"], name="step_entry_unique_step"),
        ]

    def __str__(self):
        return f"{self.accompaniment} : étape {self.step_id} le {self.entered_on:%d/%m/%Y}"


# --- Actions --------------------------------------------------------------------------------


class ActionRecordQuerySet(ScopedQuerySet):
    def planned(self):
        return self.filter(status=ActionRecord.Status.PLANNED)

    def held(self):
        return self.filter(status=ActionRecord.Status.HELD)

    def for_calendar_of(self, user):
        """The planned actions an adviser leads or that concern the schools assigned to them."""
        return self.planned().filter(
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
    date = models.DateField("date")
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

    objects = ActionRecordQuerySet.as_manager()

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
    due_on = models.DateField("attendu pour le", null=True, blank=True)
    done_at = models.DateTimeField("fait le", null=True, blank=True)
    done_by = user_link("coché par")
    comment = models.TextField("commentaire", blank=True)

    objects = EngagementCheckQuerySet.as_manager()

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


# --- Plan → contrat d'objectifs -------------------------------------------------------------


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
    submitted_to_dco_on = models.DateField("remis au DCO le", null=True, blank=True)
    dco_meeting_on = models.DateField("rencontre avec le DCO le", null=True, blank=True)
    adjustment_requested_on = models.DateField("ajustements demandés le", null=True, blank=True)
    dco_comment = models.TextField("recommandations du DCO", blank=True)
    accepted_on = models.DateField("accepté le", null=True, blank=True)
    contract_start = models.DateField(
        "début du contrat d'objectifs",
        null=True,
        blank=True,
        help_text="En général le 1er septembre qui suit l'acceptation.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = user_link("modifié par")

    objects = ScopedQuerySet.as_manager()

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
            return date(year, 9, 1)
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
        if start and self.state == self.State.ACCEPTED:
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


class SchoolObjective(models.Model):
    """An objectif spécifique of the plan, contributing to nodes of frameworks (objectifs
    d'amélioration, the digital strategy's priority actions…)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives", verbose_name="plan")
    label = models.CharField("numéro", max_length=20, blank=True, help_text="Par exemple : OS 1.")
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)
    framework_nodes = models.ManyToManyField(
        FrameworkNode, related_name="school_objectives", blank=True, verbose_name="contribue à"
    )
    position = models.PositiveSmallIntegerField("position", default=0)

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "objectif spécifique"
        verbose_name_plural = "objectifs spécifiques"
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return " ".join(part for part in (self.label, self.title) if part)


class Strategy(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies", verbose_name="plan")
    objectives = models.ManyToManyField(
        SchoolObjective, related_name="strategies", blank=True, verbose_name="objectifs visés"
    )
    title = models.CharField("intitulé", max_length=300)
    actions = models.TextField("actions", blank=True)
    responsible = models.CharField("qui", max_length=200, blank=True)
    timeline = models.CharField("quand", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("position", default=0)

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "stratégie"
        verbose_name_plural = "stratégies"
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    """How an objective is measured: a baseline, a target, and a value per school year."""

    class Direction(models.TextChoices):
        RISE = "rise", "Doit augmenter"
        FALL = "fall", "Doit diminuer"

    objective = models.ForeignKey(
        SchoolObjective, on_delete=models.CASCADE, related_name="indicators", verbose_name="objectif"
    )
    name = models.CharField("intitulé", max_length=200)
    unit = models.CharField("unité", max_length=40, blank=True, help_text="Par exemple : %, élèves, jours.")
    direction = models.CharField("sens", max_length=4, choices=Direction.choices, default=Direction.RISE)
    baseline = models.DecimalField("valeur de départ", max_digits=12, decimal_places=3)
    baseline_year = models.PositiveSmallIntegerField("année de la valeur de départ", null=True, blank=True)
    target = models.DecimalField("cible", max_digits=12, decimal_places=3)
    target_year = models.PositiveSmallIntegerField("année de la cible", null=True, blank=True)
    position = models.PositiveSmallIntegerField("position", default=0)

    objects = ObjectiveScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["objective", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "name"],
                name="indicator_unique_name",
                violation_error_message="Cet objectif a déjà un indicateur de ce nom.",
            ),
            models.CheckConstraint(
                condition=Q(direction="rise", target__gte=models.F("baseline"))
                | Q(direction="fall", target__lte=models.F("baseline")),
                name="indicator_target_in_direction",
                violation_error_message="La cible va dans le mauvais sens par rapport à la valeur de départ.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.baseline is None or self.target is None:
            return
        if self.direction == self.Direction.RISE and self.target < self.baseline:
            raise ValidationError(
                {
                    "target": "La cible ne peut pas être inférieure à la valeur de départ : "
                    "cet indicateur doit augmenter."
                }
            )
        if self.direction == self.Direction.FALL and self.target > self.baseline:
            raise ValidationError(
                {
                    "target": "La cible ne peut pas être supérieure à la valeur de départ : "
                    "cet indicateur doit diminuer."
                }
            )


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="indicateur"
    )
    school_year = models.PositiveSmallIntegerField(
        "année scolaire",
        help_text="La première année civile : 2024 pour 2024-2025.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    value = models.DecimalField("valeur", max_digits=12, decimal_places=3)
    recorded_at = models.DateTimeField("encodée le", auto_now=True)
    recorded_by = user_link("encodée par")

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateur"
        ordering = ["indicator", "school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "school_year"],
                name="indicator_value_unique_year",
                violation_error_message="Cet indicateur a déjà une valeur pour cette année scolaire.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {school_year_label(self.school_year)} : {self.value}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


class Evaluation(models.Model):
    """The annual self-evaluation, or the intermediate evaluation of year 3."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Auto-évaluation annuelle"
        INTERMEDIATE = "intermediate", "Évaluation intermédiaire"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations", verbose_name="plan")
    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    school_year = models.PositiveSmallIntegerField(
        "année scolaire", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    held_on = models.DateField("réalisée le", null=True, blank=True)
    comment = models.TextField("commentaire général", blank=True)
    created_by = user_link("encodée par")

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "évaluation"
        verbose_name_plural = "évaluations"
        ordering = ["plan", "-school_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "school_year"],
                name="evaluation_unique_year",
                violation_error_message="Cette évaluation existe déjà pour cette année scolaire.",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "kind"], name="evaluation_year_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {school_year_label(self.school_year)}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


class ObjectiveStatus(models.TextChoices):
    MET = "met", "Atteint"
    IN_PROGRESS = "in_progress", "En progrès"
    NOT_MET = "not_met", "Non atteint"


class EvaluationResult(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="results", verbose_name="évaluation"
    )
    objective = models.ForeignKey(
        SchoolObjective, on_delete=models.CASCADE, related_name="results", verbose_name="objectif"
    )
    status = models.CharField("statut", max_length=12, choices=ObjectiveStatus.choices)
    comment = models.TextField("commentaire", blank=True)

    objects = EvaluationResultQuerySet.as_manager()

    class Meta:
        verbose_name = "résultat par objectif"
        verbose_name_plural = "résultats par objectif"
        ordering = ["evaluation", "objective__position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "objective"], name="evaluation_result_unique"),
        ]
        indexes = [models.Index(fields=["status"], name="evaluation_result_status")]

    def __str__(self):
        return f"{self.objective} : {self.get_status_display()}"


# --- Notes and reminders --------------------------------------------------------------------


class NoteQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Shared notes go with the accompaniment; private ones stay with its federation's
        staff and advisers."""
        notes = super().visible_to(user)
        if user.is_authenticated and not user.is_superuser:
            notes = notes.filter(
                Q(visibility=Note.Visibility.SHARED)
                | Q(accompaniment__federation__in=membership_ids(user, "federation", FPO_ROLES))
            )
        return notes


class Note(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Privée (fédération seulement)"
        SHARED = "shared", "Partagée (avec le PO et la direction)"

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
        return f"Note sur {self.school.name} ({self.get_visibility_display().lower()})"


class ReminderSent(models.Model):
    """A deadline whose reminder went out: `send_reminders` sends each one once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminders", verbose_name="plan")
    kind = models.CharField("échéance", max_length=40)
    due_on = models.DateField("date de l'échéance")
    sent_on = models.DateField("envoyé le")
    recipients = models.TextField("destinataires", blank=True)

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "due_on"], name="reminder_once_per_deadline"),
        ]

    def __str__(self):
        return f"{self.plan} — {self.kind} ({self.due_on:%d/%m/%Y})"
