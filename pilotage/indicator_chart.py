"""One indicator as a small picture: its baseline, its yearly values as a line, its target as a
dashed line, drawn on the server as SVG like the dashboards' charts (presentation attributes
only: the Content-Security-Policy forbids inline styles), with the same figures as a sentence
(`IndicatorChart.figures`) so that nobody needs to read the picture.

It reads `indicator.values.all()`: prefetch the values, or each indicator costs a query."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.school_years import school_year_label
from core.values import is_percent

from .dashboards.charts import GRID, PALETTE, TEXT, nice_ticks
from .models import Indicator

WIDTH = 320
HEIGHT = 132
LEFT = 40  # room for the values of the vertical axis
RIGHT = 24  # room for half the last year label
TOP = 12
BOTTOM = 26  # room for the years
FONT_SIZE = 11
LINE = PALETTE[0]
TARGET = PALETTE[1]


def figure(value: Decimal, unit: str = "") -> str:
    """« 62,5 % », « 12 élèves »: as many decimals as were typed, a decimal comma, a
    non-breaking space before the unit."""
    text = format(Decimal(value).normalize(), "f") if value is not None else "—"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace("-", "−").replace(".", ",")
    return f"{text}\u00a0{unit}" if unit else text


@dataclass
class Point:
    """One mark of the chart: where it stands among the years, its value, how it is named."""

    year: int | None
    value: Decimal
    label: str  # « départ 2023-2024 », « 2024-2025 », « cible 2029-2030 »


class IndicatorChart:
    def __init__(self, indicator: Indicator):
        self.indicator = indicator
        self.unit = indicator.unit
        year = indicator.baseline_year
        self.baseline = Point(
            year, indicator.baseline, f"Départ {school_year_label(year)}" if year else "Départ"
        )
        self.values = [Point(v.school_year, v.value, v.school_year_label) for v in indicator.values.all()]
        year = indicator.target_year
        self.target = Point(year, indicator.target, f"cible {school_year_label(year)}" if year else "cible")

    @property
    def steps(self) -> list[str]:
        """« Départ 2023-2024 : 62 % », « 2024-2025 : 65 % », « cible 2029-2030 : 75 % »."""
        points = [self.baseline, *self.values, self.target]
        return [f"{point.label} : {figure(point.value, self.unit)}" for point in points]

    @property
    def figures(self) -> str:
        return " → ".join(self.steps)

    @property
    def summary(self) -> str:
        """What the picture says, for those who do not see it."""
        latest = self.values[-1] if self.values else None
        text = f"{self.indicator.name} : départ {figure(self.baseline.value, self.unit)}"
        if latest:
            text += f", dernière valeur {figure(latest.value, self.unit)} ({latest.label})"
        else:
            text += ", aucune valeur encodée encore"
        return f"{text}, cible {figure(self.target.value, self.unit)}."

    @property
    def svg(self) -> SafeString:
        return mark_safe(self.render())  # noqa: S308 - every text is escaped in render

    def _columns(self) -> list[int | None]:
        """The years along the horizontal axis, from the baseline's to the target's. A
        baseline or a target without a year stands first or last."""
        years = {p.year for p in (self.baseline, *self.values, self.target) if p.year is not None}
        if not years:
            return [None, None]
        first, last = min(years), max(years)
        columns: list[int | None] = list(range(first, last + 1))
        if self.baseline.year is None:
            columns.insert(0, None)
        if self.target.year is None:
            columns.append(None)
        return columns

    def _x(self, point: Point, columns: list, *, first: bool) -> float:
        # A year-less baseline or target stands in the first or last column.
        index = columns.index(point.year) if point.year is not None else (0 if first else len(columns) - 1)
        plot = WIDTH - LEFT - RIGHT
        return LEFT + (plot * index / (len(columns) - 1) if len(columns) > 1 else plot / 2)

    def _scale(self) -> tuple[float, float, float]:
        """The lowest and highest values of the vertical axis, and its step."""
        numbers = [float(p.value) for p in (self.baseline, *self.values, self.target)]
        low, high = min(numbers), max(numbers)
        if high == low:
            high, low = high + 1, low - 1
        step, _ = nice_ticks(high - low, most=3)
        low = step * (low // step)
        high = low + step * max(-(-(high - low) // step), 1)
        if is_percent(self.unit):
            low, high = max(low, 0), min(high, 100)
        return low, high, step

    def render(self) -> str:
        columns = self._columns()
        low, high, step = self._scale()
        bottom = HEIGHT - BOTTOM

        def y(value) -> float:
            return bottom - (bottom - TOP) * (float(value) - low) / ((high - low) or 1)

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" role="img" '
            f'aria-label="{escape(self.summary)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
            f'preserveAspectRatio="xMinYMin meet" font-family="DejaVu Sans, Arial, sans-serif" '
            f'font-size="{FONT_SIZE}">',
        ]
        tick = low
        while tick <= high + 1e-9:
            parts.append(
                f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                f'stroke="{GRID}" stroke-width="{1.5 if tick == low else 0.75}"/>'
                f'<text x="{LEFT - 5}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{TEXT}">'
                f"{escape(figure(Decimal(str(round(tick, 6)))))}</text>"
            )
            tick += step
        shown = _labelled_columns(columns)
        for index, year in enumerate(columns):
            if index not in shown:
                continue
            x = self._x(Point(year, Decimal(0), ""), columns, first=index == 0)
            # « 23-24 » for 2023-2024: the figures beside the chart name the years in full.
            text = (
                f"{year % 100:02d}-{(year + 1) % 100:02d}"
                if year is not None
                else ("départ" if index == 0 else "cible")
            )
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="{TEXT}">{escape(text)}</text>'
            )
        # The target: a dashed line at its level, a diamond at its year.
        target_x = self._x(self.target, columns, first=False)
        target_y = y(self.target.value)
        parts.append(
            f'<line x1="{LEFT}" y1="{target_y:.1f}" x2="{WIDTH - RIGHT}" y2="{target_y:.1f}" '
            f'stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            f'<path d="M{target_x:.1f} {target_y - 6:.1f} l6 6 l-6 6 l-6 -6 z" fill="{TARGET}"/>'
        )
        # The baseline and the values, one line.
        line = [self.baseline, *self.values]
        coordinates = [
            (self._x(point, columns, first=point is self.baseline), y(point.value)) for point in line
        ]
        if len(coordinates) > 1:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coordinates)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
        for index, (x, yy) in enumerate(coordinates):
            # The baseline hollow, the values filled: told apart without colour.
            fill = "#ffffff" if index == 0 else LINE
            parts.append(
                f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="{fill}" stroke="{LINE}" stroke-width="2"/>'
            )
        parts.append("</svg>")
        return "".join(parts)


def _labelled_columns(columns: list) -> set[int]:
    """Which years get their label: all of them when they fit, else about five, the first and
    the last always."""
    count = len(columns)
    if count <= 7:
        return set(range(count))
    every = -(-(count - 1) // 5)
    shown = set(range(0, count, every))
    # The last one always; the one before it goes if the two labels would touch.
    if (count - 1) % every and (count - 1) % every < every / 2:
        shown.discard(count - 1 - (count - 1) % every)
    return shown | {count - 1}


def attach_charts(indicators) -> None:
    """Give each indicator its chart (`indicator.chart`), from its prefetched values."""
    for indicator in indicators:
        indicator.chart = IndicatorChart(indicator)
