"""Charts drawn on the server as SVG, for the dashboards and the yearly report alike.

A chart is a `Chart`: its title, a description, and its data as rows (a label, then one value
per series). `Chart.svg` draws it as horizontal bars (stacked when there are several series);
the template `pilotage/dashboard_chart.html` puts the same rows beside it as a table, so that
nobody needs to read the picture. The SVG names itself (`role="img"`, `aria-labelledby` its
`<title>` and `<desc>`), uses presentation attributes only (the Content-Security-Policy forbids
inline styles) and colours with at least 3:1 contrast against white, separated by white lines.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import School
from pilotage.models import Step

from .periods import MONTH_NAMES, MONTHS, Period

# Each colour has at least 3:1 contrast against white (WCAG 1.4.11).
PALETTE = [
    "#0b4f8a",  # blue
    "#b35900",  # dark orange
    "#2e7d32",  # green
    "#6a1b9a",  # purple
    "#c62828",  # red
    "#00695c",  # teal
    "#5d4037",  # brown
    "#ad1457",  # raspberry
    "#455a64",  # slate
    "#7c6a00",  # olive
    "#283593",  # indigo
    "#8d4a00",  # rust
]
# Met, late, not yet due.
ENGAGEMENT_COLOURS = ["#2e7d32", "#c62828", "#455a64"]
TEXT = "#212529"
GRID = "#adb5bd"

WIDTH = 600
LABEL_WIDTH = 270
VALUE_WIDTH = 56
BAR_HEIGHT = 18
BAR_GAP = 8
FONT_SIZE = 12
LABEL_CHARS = 37


def number(value) -> str:
    """A figure as a French reader writes it: 1 234,5."""
    if value is None:
        return "—"
    if isinstance(value, float | Decimal) and value != int(value):
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\u202f").replace(".", ",")


def nice_ticks(largest: float, most: int = 5) -> tuple[float, int]:
    """A round step (1, 2 or 5 times a power of ten; whole numbers from 1 up) and how many
    steps reach `largest`: the axis of a chart."""
    if largest <= 0:
        return 1, 1
    step = 10 ** math.floor(math.log10(largest / most))
    for factor in (1, 2, 5, 10):
        if largest / (step * factor) <= most:
            step *= factor
            break
    if largest >= 1:
        step = max(step, 1)
    return step, max(math.ceil(largest / step - 1e-9), 1)


def _short(label: str, size: int = LABEL_CHARS) -> str:
    return label if len(label) <= size else label[: size - 1].rstrip() + "…"


@dataclass
class Chart:
    """`rows` are (label, value, value…) with one value per name in `series`."""

    key: str
    title: str
    description: str
    category: str
    series: list[str]
    rows: list[tuple]
    unit: str = ""
    note: str = ""
    totals: bool = True
    colours: list[str] = field(default_factory=lambda: list(PALETTE))

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    @property
    def columns(self) -> list[str]:
        if self.stacked:
            return [self.category, *self.series, "Total"]
        return [self.category, *self.series]

    @property
    def table_rows(self) -> list[tuple]:
        """The rows of the data table: label, each value, and the row's total if stacked."""
        if self.stacked:
            return [(row[0], *row[1:], sum(v or 0 for v in row[1:])) for row in self.rows]
        return [tuple(row) for row in self.rows]

    @property
    def total_row(self) -> tuple | None:
        if not self.totals or not self.rows:
            return None
        sums = [sum(row[i] or 0 for row in self.table_rows) for i in range(1, len(self.columns))]
        return ("Total", *sums)

    @property
    def is_empty(self) -> bool:
        return not any(v for row in self.rows for v in row[1:])

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [(name, self.colours[i % len(self.colours)]) for i, name in enumerate(self.series)]

    @property
    def svg(self) -> SafeString:
        return mark_safe(render_svg(self))  # noqa: S308 - every text is escaped in render_svg


def render_svg(chart: Chart) -> str:
    rows = chart.rows
    top = 8
    legend_height = 0
    if chart.stacked:
        legend_lines = _legend_lines(chart)
        legend_height = len(legend_lines) * (FONT_SIZE + 8) + 4
        top += legend_height
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = top + max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP) + 24
    largest = max((sum(v or 0 for v in row[1:]) for row in rows), default=0)
    tick, ticks = nice_ticks(float(largest))
    maximum = tick * ticks
    title_id, desc_id = f"{chart.key}-titre", f"{chart.key}-description"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)} Les données figurent dans le tableau '
        f"qui accompagne ce graphique.</desc>",
    ]
    if chart.stacked:
        parts.extend(_legend_svg(chart, _legend_lines(chart)))
    # Vertical grid: zero and round steps up to the largest bar.
    x0 = LABEL_WIDTH
    bottom = top + len(rows) * (BAR_HEIGHT + BAR_GAP)
    for step in range(ticks + 1):
        x = x0 + plot_width * step / ticks
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}" '
            f'stroke-width="{1 if step else 1.5}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(number(round(tick * step, 6)))}</text>"
        )
    for index, row in enumerate(rows):
        y = top + index * (BAR_HEIGHT + BAR_GAP)
        label = str(row[0])
        # A shortened label keeps its full text as a tooltip.
        full = f"<title>{escape(label)}</title>" if _short(label) != label else ""
        parts.append(
            f'<text x="{x0 - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" fill="{TEXT}">'
            f"{full}{escape(_short(label))}</text>"
        )
        x = x0
        for series_index, value in enumerate(row[1:]):
            if not value:
                continue
            width = plot_width * float(value) / float(maximum)
            colour = chart.colours[series_index % len(chart.colours)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            x += width
        total = sum(v or 0 for v in row[1:])
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR_HEIGHT - 5}" fill="{TEXT}">'
            f"{escape(number(total))}{escape(chart.unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend_lines(chart: Chart) -> list[list[tuple[int, str]]]:
    """The series names, wrapped on lines of the chart's width."""
    lines, line, used = [], [], 0
    for index, name in enumerate(chart.series):
        width = 20 + len(_short(name, 36)) * 7 + 16
        if line and used + width > WIDTH:
            lines.append(line)
            line, used = [], 0
        line.append((index, name))
        used += width
    if line:
        lines.append(line)
    return lines


def _legend_svg(chart: Chart, lines) -> list[str]:
    parts = []
    for line_number, line in enumerate(lines):
        y = 8 + line_number * (FONT_SIZE + 8)
        x = 0
        for index, name in line:
            colour = chart.colours[index % len(chart.colours)]
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
            text = _short(name, 36)
            parts.append(f'<text x="{x + 18}" y="{y + 11}" fill="{TEXT}">{escape(text)}</text>')
            x += 20 + len(text) * 7 + 16
    return parts


# --- The charts of the dashboards and the report ------------------------------------------------


def steps_chart(key: str, counts: dict, steps: list[Step], *, title: str, waves: bool = False) -> Chart:
    """Schools per step (per wave, stacked, if `waves`). `counts` maps (step, wave) or step."""
    labels = [(step.number, f"{step.number}. {step.short_name}") for step in steps]
    if waves:
        series = [label for _, label in School.Wave.choices]
        rows = [
            (label, *[counts.get((number, wave), 0) for wave in School.Wave.values])
            for number, label in labels
        ]
        unknown = [counts.get((None, wave), 0) for wave in School.Wave.values]
        if any(unknown):
            rows.append(("Pas d'accompagnement", *unknown))
    else:
        series = ["Écoles"]
        rows = [(label, counts.get(number, 0)) for number, label in labels]
    return Chart(
        key=key,
        title=title,
        description="Nombre d'écoles à chaque étape du plan de pilotage" + (", par phase." if waves else "."),
        category="Étape",
        series=series,
        rows=rows,
    )


def month_chart(key: str, counts: dict, period: Period) -> Chart:
    per_month = {}
    for (_, month), n in counts.items():
        per_month[month] = per_month.get(month, 0) + n
    rows = [
        (f"{MONTH_NAMES[i]} {year}", per_month.get(month, 0)) for i, (year, month) in enumerate(period.months)
    ]
    return Chart(
        key=key,
        title=f"Actions réalisées par mois ({period.label})",
        description=f"Nombre d'actions réalisées chaque mois de l'année scolaire {period.label}.",
        category="Mois",
        series=["Actions réalisées"],
        rows=rows,
    )


def type_chart(key: str, counts: dict, types: list, period: Period) -> Chart:
    per_type = {}
    for (type_id, _), n in counts.items():
        per_type[type_id] = per_type.get(type_id, 0) + n
    rows = [(action_type.title, per_type.get(action_type.pk, 0)) for action_type in types]
    return Chart(
        key=key,
        title=f"Actions réalisées par type ({period.label})",
        description=f"Nombre d'actions réalisées en {period.label}, pour chaque action du catalogue.",
        category="Action du catalogue",
        series=["Actions réalisées"],
        rows=[row for row in rows if row[1]] or rows,
    )


def type_month_table(counts: dict, types: list, period: Period) -> dict:
    """The actions held, type × month: the table under the two charts."""
    months = period.months
    rows = []
    for action_type in types:
        values = [counts.get((action_type.pk, month), 0) for _, month in months]
        if any(values):
            rows.append((action_type.title, *values, sum(values)))
    totals = [sum(row[i] for row in rows) for i in range(1, len(months) + 2)]
    return {"months": [MONTHS[i] for i in range(12)], "rows": rows, "totals": totals}


def engagements_chart(key: str, items: list[dict], period: Period) -> Chart:
    return Chart(
        key=key,
        title="Engagements des PO",
        description=f"Pour chaque engagement des PO, combien sont remplis, en retard ou pas encore dus "
        f"au {period.reference:%d/%m/%Y}.",
        category="Engagement",
        series=["Remplis", "En retard", "Pas encore dus"],
        rows=[
            (item["label"], item["met"], item["late"], item["total"] - item["met"] - item["late"])
            for item in items
        ],
        colours=ENGAGEMENT_COLOURS,
    )


def po_engagements_chart(key: str, pos: list, period: Period) -> Chart:
    """The POs of the list's page, in the list's order."""
    return Chart(
        key=key,
        title="Engagements par PO",
        description="Pour chaque PO de la liste ci-dessous (la page affichée, dans son ordre), ses engagements "
        f"remplis, en retard et pas encore dus au {period.reference:%d/%m/%Y}.",
        category="Pouvoir organisateur",
        series=["Remplis", "En retard", "Pas encore dus"],
        rows=[
            (
                po.name,
                po.engagements_met,
                po.engagements_late,
                po.engagements_total - po.engagements_met - po.engagements_late,
            )
            for po in pos
        ],
        colours=ENGAGEMENT_COLOURS,
    )


def workload_chart(key: str, advisers: list) -> Chart:
    """The advisers of the list's page, in the list's order."""
    return Chart(
        key=key,
        title="Écoles suivies par ETP",
        description="Pour chaque conseiller de la liste ci-dessous (la page affichée, dans son ordre), "
        "le nombre d'écoles qui lui sont confiées rapporté à son temps de travail (ETP).",
        category="Conseiller",
        series=["Écoles par ETP"],
        rows=[(str(adviser), round(adviser.schools_per_fte or 0, 1)) for adviser in advisers],
        totals=False,
    )
