"""The five steps of the process and the federations' catalogues of actions."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Federation
from core.scoping import ScopedQuerySet


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


class ActionTypeQuerySet(ScopedQuerySet):
    def visibility(self, user) -> Q:
        return Q(federation__in=Federation.objects.visible_to(user).values("pk"))

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
