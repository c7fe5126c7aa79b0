"""What a plan holds: objectifs spécifiques, strategies, indicators with their yearly values,
and the evaluations of the contract."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from conventions.models import FrameworkNode
from core.school_years import school_year_label
from core.values import PercentageValidator, is_percent, sane_date

from .accompaniment import ScopedQuerySet
from .common import user_link
from .plans import Plan


class PlanScopedQuerySet(ScopedQuerySet):
    scope_prefix = "plan__accompaniment__"


class ObjectiveScopedQuerySet(ScopedQuerySet):
    scope_prefix = "objective__plan__accompaniment__"


class IndicatorValueQuerySet(ScopedQuerySet):
    scope_prefix = "indicator__objective__plan__accompaniment__"


class EvaluationResultQuerySet(ScopedQuerySet):
    scope_prefix = "evaluation__plan__accompaniment__"


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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = ObjectiveScopedQuerySet.as_manager()
    history = HistoricalRecords()

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
        errors = {}
        if self.baseline_year and self.target_year and self.target_year <= self.baseline_year:
            errors["target_year"] = "L'année de la cible doit suivre l'année de la valeur de départ."
        if is_percent(self.unit):
            for name in ("baseline", "target"):
                if getattr(self, name) is not None and not 0 <= getattr(self, name) <= 100:
                    errors[name] = PercentageValidator.message
        if errors:
            raise ValidationError(errors)
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
    history = HistoricalRecords()

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

    def clean(self):
        unit = self.indicator.unit if self.indicator_id else ""
        if is_percent(unit) and self.value is not None and not 0 <= self.value <= 100:
            raise ValidationError({"value": PercentageValidator.message})

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
    held_on = models.DateField("réalisée le", null=True, blank=True, validators=[sane_date])
    comment = models.TextField("commentaire général", blank=True)
    created_by = user_link("encodée par")

    objects = PlanScopedQuerySet.as_manager()
    history = HistoricalRecords()

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

    def clean(self):
        if self.plan_id and (
            message := self.plan.accompaniment.convention.outside_period(self.held_on, what="L'évaluation")
        ):
            raise ValidationError({"held_on": message})

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
    history = HistoricalRecords()

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
