"""School years, named by their first calendar year: 2025 is the year 2025-2026, which runs from
1 September 2025 to 31 August 2026."""

from datetime import date

from django.utils import timezone


def school_year_of(day: date) -> int:
    """The school year a day belongs to (from 1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def current_school_year(today: date | None = None) -> int:
    return school_year_of(today or timezone.localdate())


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


def school_year_label(year: int | None) -> str:
    """2024 → '2024-2025'."""
    return f"{year}-{year + 1}" if year else ""


def school_year_choices(around: int | None = None, before: int = 6, after: int = 1) -> list[tuple[int, str]]:
    """The years a form offers, newest first: `before` years back and `after` ahead of `around`."""
    current = around or current_school_year()
    return [(year, school_year_label(year)) for year in range(current + after, current - before - 1, -1)]
