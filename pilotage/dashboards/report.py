"""The yearly follow-up report (rapport de suivi annuel, CPEONS annex, definition 8°: the report
of article 15 of the decree of 28 March 2019 on the support and accompaniment cells).

For one federation and one school year (2024 is 2024-2025), what a PDF with charts and tables
and an XLSX with one row per school show (`report_files` writes them). The rows are those of the federation's dashboard for that year
(`queries.federation_school_rows`): the report and the pages count alike. Only the actions
per type come from one more grouped query, whose sum per school is the dashboard's figure.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from core.school_years import school_year_label
from pilotage.models import ObjectiveStatus, Plan

from . import periods, queries
from . import report_details as details
from .aggregates import without_jit
from .charts import Chart, engagements_chart, month_chart, steps_chart, type_chart

LEGAL_BASIS = (
    "Rapport de suivi annuel visé à l'article 15 du décret du 28 mars 2019 relatif aux cellules de "
    "soutien et d'accompagnement (annexe 1 de la convention, définition 8°)."
)

Progress = Callable[[int, str], None]


def _no_progress(percent: int, stage: str) -> None:
    pass


@dataclass
class SchoolLine:
    fase: int
    name: str
    organising_authority: str
    wave: int
    step: int | None
    step_label: str
    plan_state: str
    actions_held: int
    actions_by_type: list[int]
    last_action_on: object
    engagements_met: int
    engagements_due: int
    engagements_late: int
    engagements_total: int
    objectives_total: int
    objectives_met: int
    objectives_in_progress: int
    objectives_not_met: int
    advisers: str = ""
    cancelled: int = 0
    hours_by_type: list[Decimal] = field(default_factory=list)
    evaluation: str = ""

    @property
    def days_by_type(self) -> list[Decimal]:
        return [details.days(hours) for hours in self.hours_by_type]

    @property
    def days_total(self) -> Decimal:
        return details.days(sum(self.hours_by_type, Decimal(0)))

    @property
    def half_days_total(self) -> Decimal:
        return details.half_days(sum(self.hours_by_type, Decimal(0)))

    @property
    def objectives_not_evaluated(self) -> int:
        evaluated = self.objectives_met + self.objectives_in_progress + self.objectives_not_met
        return max(self.objectives_total - evaluated, 0)


@dataclass
class ReportData:
    federation: object
    period: periods.Period
    generated_at: datetime
    types: list
    lines: list[SchoolLine]
    charts: list[Chart] = field(default_factory=list)
    advisers: int = 0
    fte: float = 0
    indicators: list[details.IndicatorLine] = field(default_factory=list)
    previous: "ReportData | None" = None

    @property
    def title(self) -> str:
        return f"Rapport de suivi annuel {self.federation.code} {self.period.label}"

    @property
    def filename_stem(self) -> str:
        return f"rapport-suivi-annuel-{self.federation.code.lower()}-{self.period.label}"

    @property
    def totals(self) -> dict:
        lines = self.lines
        return {
            "schools": len(lines),
            "accompanied": sum(1 for line in lines if line.step),
            "actions_held": sum(line.actions_held for line in lines),
            "cancelled": sum(line.cancelled for line in lines),
            "days": sum((line.days_total for line in lines), Decimal(0)),
            "half_days": sum((line.half_days_total for line in lines), Decimal(0)),
            "engagements_met": sum(line.engagements_met for line in lines),
            "engagements_due": sum(line.engagements_due for line in lines),
            "engagements_late": sum(line.engagements_late for line in lines),
            "plans_accepted": sum(1 for line in lines if line.plan_state == Plan.State.ACCEPTED.label),
            "objectives_total": sum(line.objectives_total for line in lines),
            "objectives_met": sum(line.objectives_met for line in lines),
            "objectives_in_progress": sum(line.objectives_in_progress for line in lines),
            "objectives_not_met": sum(line.objectives_not_met for line in lines),
            "objectives_not_evaluated": sum(line.objectives_not_evaluated for line in lines),
        }


def build(
    federation, year: int, *, today=None, progress: Progress = _no_progress, with_previous: bool = True
) -> ReportData:
    """Everything the report shows, in a fixed number of queries; with the year before's
    figures beside the totals."""
    period = periods.period_for(year, today)
    progress(5, "Lecture des écoles")
    steps = queries.steps()
    steps_by_number = {step.number: step for step in steps}
    types = queries.catalogue(federation)
    with without_jit():
        rows = list(queries.federation_school_rows(federation, period).order_by("name", "fase"))
    progress(35, "Décompte des actions")
    by_school_and_type = {}
    for school, action_type, n in (
        queries.held_actions(federation, period)
        .order_by()
        .values("school", "action_type")
        .annotate(n=Count("pk"))
        .values_list("school", "action_type", "n")
    ):
        by_school_and_type[(school, action_type)] = n
    hours = details.hours_by_school_and_type(federation, period)
    cancelled = details.cancelled_by_school(federation, period)
    advisers = details.advisers_by_accompaniment(
        [row.accompaniment_id for row in rows if row.accompaniment_id]
    )
    evaluations = details.evaluations_by_id([row.evaluation_id for row in rows])
    lines = []
    for row in rows:
        step = steps_by_number.get(row.step)
        lines.append(
            SchoolLine(
                fase=row.fase,
                name=row.name,
                organising_authority=row.organising_authority.name,
                wave=row.wave,
                step=row.step,
                step_label=f"{step.number}. {step.short_name}" if step else "Pas d'accompagnement",
                plan_state=Plan.State(row.plan_state).label if row.plan_state else "",
                actions_held=row.actions_held,
                actions_by_type=[by_school_and_type.get((row.pk, t.pk), 0) for t in types],
                last_action_on=row.last_action_on,
                engagements_met=row.engagements_met,
                engagements_due=row.engagements_due,
                engagements_late=row.engagements_late,
                engagements_total=row.engagements_total,
                objectives_total=row.objectives_total,
                objectives_met=row.objectives_met,
                objectives_in_progress=row.objectives_in_progress,
                objectives_not_met=row.objectives_not_met,
                advisers=advisers.get(row.accompaniment_id, ""),
                cancelled=cancelled.get(row.pk, 0),
                hours_by_type=[hours.get((row.pk, t.pk), Decimal(0)) for t in types],
                evaluation=evaluations.get(row.evaluation_id, ""),
            )
        )
    progress(50, "Graphiques")
    action_counts = queries.actions_by_type_and_month(federation, period)
    by_step_and_wave = {}
    for line, row in zip(lines, rows, strict=True):
        key = (line.step, row.wave)
        by_step_and_wave[key] = by_step_and_wave.get(key, 0) + 1
    plan_states = {}
    for line in lines:
        label = line.plan_state or "Pas de plan"
        plan_states[label] = plan_states.get(label, 0) + 1
    data = ReportData(
        federation=federation,
        period=period,
        generated_at=timezone.localtime(),
        types=types,
        lines=lines,
    )
    totals = data.totals
    data.charts = [
        steps_chart(
            "rapport-etapes",
            by_step_and_wave,
            steps,
            title=f"Écoles par étape et par phase ({period.label})",
            waves=True,
        ),
        month_chart("rapport-mois", action_counts, period),
        type_chart("rapport-types", action_counts, types, period),
        engagements_chart("rapport-engagements", queries.engagements_by_item(federation, period), period),
        Chart(
            key="rapport-plans",
            title=f"Plans de pilotage par état ({period.label})",
            description=f"Nombre d'écoles selon l'état de leur plan de pilotage au {period.reference:%d/%m/%Y}.",
            category="État du plan",
            series=["Écoles"],
            rows=[
                (label, plan_states[label])
                for label in [*Plan.State.labels, "Pas de plan"]
                if label in plan_states
            ],
        ),
        Chart(
            key="rapport-objectifs",
            title=f"Objectifs spécifiques selon l'évaluation de {period.label}",
            description="Nombre d'objectifs spécifiques atteints, en progrès, non atteints ou non évalués "
            "lors de l'évaluation de l'année (l'évaluation intermédiaire si elle a eu lieu, sinon "
            "l'auto-évaluation annuelle).",
            category="Statut",
            series=["Objectifs"],
            rows=[
                (ObjectiveStatus.MET.label, totals["objectives_met"]),
                (ObjectiveStatus.IN_PROGRESS.label, totals["objectives_in_progress"]),
                (ObjectiveStatus.NOT_MET.label, totals["objectives_not_met"]),
                ("Non évalués", totals["objectives_not_evaluated"]),
            ],
        ),
    ]
    ftes = list(queries.adviser_workload_rows(federation, period).values_list("fte", flat=True))
    data.advisers = len(ftes)
    data.fte = float(sum(ftes))
    data.indicators = details.indicator_lines(
        [row.plan_id for row in rows if row.plan_id], period, school_year_label
    )
    if with_previous:
        progress(55, "L'année précédente")
        data.previous = build(federation, year - 1, today=today, with_previous=False)
    progress(60, "Mise en page")
    return data
