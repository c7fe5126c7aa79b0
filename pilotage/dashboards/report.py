"""The yearly follow-up report (rapport de suivi annuel, CPEONS annex, definition 8°: the report
of article 15 of the decree of 28 March 2019 on the support and accompaniment cells).

For one federation and one school year (2024 is 2024-2025), a PDF with charts and tables and an
XLSX with one row per school. The rows are those of the federation's dashboard for that year
(`queries.federation_school_rows`): the report and the pages count alike. Only the actions
per type come from one more grouped query, whose sum per school is the dashboard's figure.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.pdf import html_to_pdf
from pilotage.models import ObjectiveStatus, Plan

from . import periods, queries
from .aggregates import without_jit
from .charts import Chart, engagements_chart, month_chart, steps_chart, type_chart

PRINT_STYLESHEET = "pilotage/report-print.css"
FORMATS = ("pdf", "xlsx")
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


def build(federation, year: int, *, today=None, progress: Progress = _no_progress) -> ReportData:
    """Everything the report shows, in a fixed number of queries."""
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
    progress(60, "Mise en page")
    return data


# --- XLSX ---------------------------------------------------------------------------------------


def school_headers(data: ReportData) -> list[str]:
    return [
        "FASE",
        "École",
        "Pouvoir organisateur",
        "Phase",
        "Étape",
        "Plan de pilotage",
        "Actions réalisées",
        *[f"Actions : {action_type.title}" for action_type in data.types],
        "Engagements remplis",
        "Engagements dus",
        "Engagements en retard",
        "Engagements (total)",
        "Objectifs spécifiques",
        "Objectifs atteints",
        "Objectifs en progrès",
        "Objectifs non atteints",
        "Objectifs non évalués",
    ]


def school_values(line: SchoolLine) -> list:
    return [
        line.fase,
        line.name,
        line.organising_authority,
        line.wave,
        line.step_label,
        line.plan_state,
        line.actions_held,
        *line.actions_by_type,
        line.engagements_met,
        line.engagements_due,
        line.engagements_late,
        line.engagements_total,
        line.objectives_total,
        line.objectives_met,
        line.objectives_in_progress,
        line.objectives_not_met,
        line.objectives_not_evaluated,
    ]


def render_xlsx(data: ReportData, *, progress: Progress = _no_progress) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    schools = workbook.active
    schools.title = "Écoles"
    headers = school_headers(data)
    schools.append(headers)
    for cell in schools[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    total = len(data.lines) or 1
    for index, line in enumerate(data.lines, start=1):
        schools.append(school_values(line))
        if index % 500 == 0:
            progress(60 + 35 * index // total, "Écriture des écoles")
    schools.freeze_panes = "C2"
    schools.auto_filter.ref = schools.dimensions
    for index, header in enumerate(headers, start=1):
        width = 40 if header in ("École", "Pouvoir organisateur") else min(max(len(header) * 0.6, 10), 30)
        schools.column_dimensions[get_column_letter(index)].width = width

    about = workbook.create_sheet("Rapport")
    for line in [
        (data.title,),
        ("Fédération", f"{data.federation.name} ({data.federation.code})"),
        (
            "Année scolaire",
            f"{data.period.label} (du {data.period.start:%d/%m/%Y} au {data.period.end:%d/%m/%Y})",
        ),
        ("Chiffres arrêtés au", data.period.reference),
        ("Produit le", data.generated_at.replace(tzinfo=None)),
        ("Base", LEGAL_BASIS),
        (),
        ("Écoles", data.totals["schools"]),
        ("Conseillers (ETP)", f"{data.advisers} ({data.fte:.2f} ETP)".replace(".", ",")),
        *[(label, value) for label, value in _totals_lines(data)],
    ]:
        about.append(line)
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 80
    about["B4"].number_format = "DD/MM/YYYY"
    about["B5"].number_format = "DD/MM/YYYY HH:MM"

    summary = workbook.create_sheet("Synthèse")
    for chart in data.charts:
        summary.append([chart.title])
        summary.cell(row=summary.max_row, column=1).font = bold
        summary.append(chart.columns)
        for cell in summary[summary.max_row]:
            cell.font = bold
        for row in chart.table_rows:
            summary.append(list(row))
        if chart.total_row:
            summary.append(list(chart.total_row))
        summary.append([])
    summary.column_dimensions["A"].width = 60
    workbook.move_sheet("Rapport", offset=-1)
    workbook.active = workbook.sheetnames.index("Écoles")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _totals_lines(data: ReportData) -> list[tuple[str, object]]:
    totals = data.totals
    return [
        ("Écoles accompagnées", totals["accompanied"]),
        ("Actions réalisées", totals["actions_held"]),
        ("Engagements remplis", totals["engagements_met"]),
        ("Engagements dus", totals["engagements_due"]),
        ("Engagements en retard", totals["engagements_late"]),
        ("Contrats d'objectifs (plans acceptés)", totals["plans_accepted"]),
        ("Objectifs atteints", totals["objectives_met"]),
        ("Objectifs en progrès", totals["objectives_in_progress"]),
        ("Objectifs non atteints", totals["objectives_not_met"]),
        ("Objectifs non évalués", totals["objectives_not_evaluated"]),
    ]


# --- PDF ----------------------------------------------------------------------------------------


def report_html(data: ReportData) -> str:
    return render_to_string(
        "pilotage/report_pdf.html",
        {"data": data, "totals": _totals_lines(data), "legal_basis": LEGAL_BASIS},
    )


def render_pdf(data: ReportData, *, progress: Progress = _no_progress) -> bytes:
    html = report_html(data)
    progress(75, "Mise en page du PDF")
    return html_to_pdf(html, stylesheet=PRINT_STYLESHEET, pdf_a=False)


def render(data: ReportData, fmt: str, *, progress: Progress = _no_progress) -> bytes:
    if fmt == "pdf":
        return render_pdf(data, progress=progress)
    if fmt == "xlsx":
        return render_xlsx(data, progress=progress)
    raise ValueError(fmt)
