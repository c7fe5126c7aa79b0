"""School years as the dashboards and the report read them.

School years are named by their first calendar year: 2024 is the school year 2024-2025, from
1 September 2024 to 31 August 2025. Figures of a past year are taken as they stood at its last
day; those of the current year as they stand today.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from core.school_years import current_school_year, school_year_bounds, school_year_label, school_year_of
from pilotage.models import Accompaniment

MONTHS = ["sept.", "oct.", "nov.", "déc.", "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août"]
MONTH_NAMES = [
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
]
# An adviser without a profile is counted as one full-time equivalent.


@dataclass(frozen=True)
class Period:
    """A school year, and the day its figures are read at: its last day, or today while it runs."""

    year: int
    today: date

    @property
    def start(self) -> date:
        return school_year_bounds(self.year)[0]

    @property
    def end(self) -> date:
        return school_year_bounds(self.year)[1]

    @property
    def reference(self) -> date:
        return min(self.end, self.today)

    @property
    def historical(self) -> bool:
        return self.end < self.today

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def end_of_reference(self) -> datetime:
        """The first instant after the reference day, in Brussels."""
        return timezone.make_aware(datetime.combine(self.reference + timedelta(days=1), time.min))

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) from September to August."""
        return [(self.year + (month < 9), month) for month in [*range(9, 13), *range(1, 9)]]


def period_for(year: int | None, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(year if year is not None else school_year_of(today), today)


def available_years(federation=None, today: date | None = None) -> list[int]:
    """From the first accompaniment's school year (six years back at most, if none) to now."""
    current = current_school_year(today)
    accompaniments = Accompaniment.objects.all()
    if federation is not None:
        accompaniments = accompaniments.filter(federation=federation)
    first = accompaniments.aggregate(first=Min("started_on"))["first"]
    start = school_year_of(first) if first else current - 6
    return list(range(current, min(start, current) - 1, -1))
