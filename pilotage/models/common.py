"""What the pilotage models share: dates a number of months away, who did it."""

from datetime import date

from django.conf import settings
from django.db import models

from accounts.models import Role

FPO_ROLES = [Role.FPO_STAFF, Role.FPO_ADVISER]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, last_day)
        except ValueError:
            continue
    raise ValueError(day)


def user_link(verbose_name: str, *, related_name: str = "+", blank: bool = True) -> models.ForeignKey:
    """Who did something: kept as nobody when their account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name=related_name,
        verbose_name=verbose_name,
    )
