"""Sane values: the bounds every date and percentage a user types must respect, one validator
and one form field for the whole app, and the guards that let a bad row already stored be
shown rather than break a page."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


@deconstructible
class SaneDateValidator:
    """A date a person may mean: between 1990 and 2100."""

    message = "Saisissez une date entre le 01/01/1990 et le 31/12/2100."
    code = "date_out_of_range"

    def __call__(self, value):
        if value is not None and not (EARLIEST <= value <= LATEST):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SaneDateValidator)


sane_date = SaneDateValidator()


def is_sane_date(value: date) -> bool:
    return EARLIEST <= value <= LATEST


@deconstructible
class PercentageValidator:
    """A value in percent lies between 0 and 100; other units are left alone."""

    message = "Un pourcentage se situe entre 0 et 100."
    code = "percentage_out_of_range"

    def __call__(self, value):
        if value is not None and not (Decimal(0) <= Decimal(value) <= Decimal(100)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, PercentageValidator)


percentage = PercentageValidator()


def is_percent(unit: str | None) -> bool:
    return (unit or "").strip().lower() in {"%", "pourcent", "pourcentage", "pour cent"}


class SaneDateField(forms.DateField):
    """The date field of every form: the browser's date picker, dd/mm/yyyy accepted too,
    1990–2100 only, French messages."""

    default_validators = [sane_date]
    default_error_messages = {"invalid": "Saisissez une date valide (jj/mm/aaaa)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("min", EARLIEST.isoformat())
        self.widget.attrs.setdefault("max", LATEST.isoformat())


def within(value, start, end, message: str):
    """Raises the message when the value falls outside [start, end] (either bound optional)."""
    if value is None:
        return
    if (start and value < start) or (end and value > end):
        raise ValidationError(message)


def day_after(day: date) -> date:
    """The next day, or the same day at the end of the calendar (a stored 9999-12-31 is shown,
    not a crash)."""
    return day + timedelta(days=1) if day < date.max else day


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February that has none), at most the
    last day of the calendar."""
    try:
        return day.replace(year=min(day.year + years, date.max.year))
    except ValueError:
        return day.replace(year=min(day.year + years, date.max.year), day=28)
