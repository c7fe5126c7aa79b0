"""The yearly follow-up report as files: an XLSX (the federation's totals beside the year
before's, the schools, their indicators, the charts' tables) and a PDF (A4, the schools' table in
landscape), both from the `ReportData` that `report.build` gathers."""

from decimal import Decimal
from io import BytesIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.exports import spreadsheet_cell
from core.pdf import html_to_pdf

from . import report_details as details
from .report import LEGAL_BASIS, Progress, ReportData, SchoolLine, _no_progress

PRINT_STYLESHEET = "pilotage/report-print.css"
FORMATS = ("pdf", "xlsx")


# --- XLSX ---------------------------------------------------------------------------------------


def school_headers(data: ReportData) -> list[str]:
    return [
        "FASE",
        "École",
        "Pouvoir organisateur",
        "Phase",
        "Étape",
        "Conseiller(s)",
        "Plan de pilotage",
        "Actions réalisées",
        *[f"Actions : {action_type.title}" for action_type in data.types],
        "Actions annulées",
        "Jours d'accompagnement",
        "Demi-journées d'accompagnement",
        *[f"Jours : {action_type.title}" for action_type in data.types],
        "Engagements remplis",
        "Engagements dus",
        "Engagements en retard",
        "Engagements (total)",
        "Objectifs spécifiques",
        "Objectifs atteints",
        "Objectifs en progrès",
        "Objectifs non atteints",
        "Objectifs non évalués",
        "Évaluation de l'année",
    ]


def school_values(line: SchoolLine) -> list:
    return [
        line.fase,
        line.name,
        line.organising_authority,
        line.wave,
        line.step_label,
        line.advisers,
        line.plan_state,
        line.actions_held,
        *line.actions_by_type,
        line.cancelled,
        float(line.days_total),
        float(line.half_days_total),
        *[float(value) for value in line.days_by_type],
        line.engagements_met,
        line.engagements_due,
        line.engagements_late,
        line.engagements_total,
        line.objectives_total,
        line.objectives_met,
        line.objectives_in_progress,
        line.objectives_not_met,
        line.objectives_not_evaluated,
        line.evaluation,
    ]


INDICATOR_HEADERS = [
    "FASE",
    "École",
    "Objectif spécifique",
    "Indicateur",
    "Unité",
    "Sens",
    "Valeur de départ",
    "Année de départ",
    "Cible",
    "Année de la cible",
    "Valeur de l'année",
    "Chemin parcouru vers la cible",
]


def indicator_values(line: details.IndicatorLine) -> list:
    return [
        line.fase,
        line.school,
        line.objective,
        line.indicator,
        line.unit,
        line.direction,
        float(line.baseline),
        line.baseline_year,
        float(line.target),
        line.target_year,
        float(line.value) if line.value is not None else None,
        line.progress,
    ]


def render_xlsx(data: ReportData, *, progress: Progress = _no_progress) -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    schools = workbook.active
    schools.title = "Écoles"
    headers = school_headers(data)
    schools.append([spreadsheet_cell(header) for header in headers])
    for cell in schools[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    total = len(data.lines) or 1
    for index, line in enumerate(data.lines, start=1):
        schools.append([spreadsheet_cell(value) for value in school_values(line)])
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
        about.append([spreadsheet_cell(value) for value in line])
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 80
    about["B4"].number_format = "DD/MM/YYYY"
    about["B5"].number_format = "DD/MM/YYYY HH:MM"

    indicators = workbook.create_sheet("Indicateurs")
    indicators.append(INDICATOR_HEADERS)
    for cell in indicators[1]:
        cell.font = bold
    for line in data.indicators:
        indicators.append([spreadsheet_cell(value) for value in indicator_values(line)])
    indicators.freeze_panes = "C2"
    indicators.auto_filter.ref = indicators.dimensions
    for index, header in enumerate(INDICATOR_HEADERS, start=1):
        wide = header in ("École", "Objectif spécifique", "Indicateur")
        indicators.column_dimensions[get_column_letter(index)].width = (
            40 if wide else max(len(header) * 0.9, 10)
        )

    totals = workbook.create_sheet("Totaux")
    totals.append(
        ["Totaux de la fédération", data.period.label, data.previous.period.label if data.previous else ""]
    )
    for cell in totals[1]:
        cell.font = bold
    for label, value, before in comparison_lines(data):
        totals.append([spreadsheet_cell(label), value, before])
    totals.column_dimensions["A"].width = 44
    totals.column_dimensions["B"].width = 14
    totals.column_dimensions["C"].width = 14

    summary = workbook.create_sheet("Synthèse")
    for chart in data.charts:
        summary.append([spreadsheet_cell(chart.title)])
        summary.cell(row=summary.max_row, column=1).font = bold
        summary.append([spreadsheet_cell(value) for value in chart.columns])
        for cell in summary[summary.max_row]:
            cell.font = bold
        for row in chart.table_rows:
            summary.append([spreadsheet_cell(value) for value in row])
        if chart.total_row:
            summary.append([spreadsheet_cell(value) for value in chart.total_row])
        summary.append([])
    summary.column_dimensions["A"].width = 60
    # Totals first (with the year before), then what the report is, the schools, the rest.
    workbook._sheets = [workbook[name] for name in ("Totaux", "Rapport", "Écoles", "Indicateurs", "Synthèse")]
    workbook.active = 0
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def comparison_lines(data: ReportData) -> list[tuple[str, object, object]]:
    """The federation's totals for the year and, beside them, the year before."""
    previous = data.previous
    before = dict(_totals_lines(previous)) if previous else {}
    lines = [
        ("Écoles", data.totals["schools"], previous.totals["schools"] if previous else None),
        (
            "Conseillers au soutien et à l'accompagnement",
            data.advisers,
            previous.advisers if previous else None,
        ),
        ("ETP des conseillers", data.fte, previous.fte if previous else None),
    ]
    lines += [(label, _number(value), _number(before.get(label))) for label, value in _totals_lines(data)]
    return lines


def _totals_lines(data: ReportData) -> list[tuple[str, object]]:
    totals = data.totals
    return [
        ("Écoles accompagnées", totals["accompanied"]),
        ("Actions réalisées", totals["actions_held"]),
        ("Actions annulées", totals["cancelled"]),
        ("Jours d'accompagnement", totals["days"]),
        ("Demi-journées d'accompagnement", totals["half_days"]),
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
        {"data": data, "comparison": comparison_lines(data), "legal_basis": LEGAL_BASIS},
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
