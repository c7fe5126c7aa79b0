"""What every list of the API takes and gives: `limit`/`offset` pages in a stable order, and
`updated_since` so that a nightly sync asks only for what changed."""

import re
from datetime import UTC, datetime

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class ParameterError(Schema):
    parameter: str
    message: str


class ApiError(Schema):
    detail: str = Field(description="Le motif du refus, en français.")
    errors: list[ParameterError] | None = None


ERRORS = {400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 429: ApiError}


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page.")
    offset: int = Field(0, ge=0, le=10_000_000, description="Nombre d'éléments à passer.")


class Changes(Paging):
    updated_since: datetime | None = Field(
        None,
        description=(
            "Seulement ce qui a changé depuis cet instant (ISO 8601 ; sans fuseau, l'heure de Bruxelles), "
            "pour une synchronisation quotidienne."
        ),
    )

    @field_validator("updated_since", mode="before")
    @classmethod
    def plus_sign(cls, value):
        """`…T00:00:00+02:00` written unencoded in a URL arrives with a space for its « + »."""
        if isinstance(value, str):
            return re.sub(r" (\d{2}:?\d{2})$", r"+\1", value)
        return value

    @field_validator("updated_since")
    @classmethod
    def in_utc(cls, value):
        """Brussels time when no zone is given; an instant at the edge of the calendar
        (0001-01-01T00:00+14:00) stands for the first or the last one the database can hold."""
        if value is None:
            return value
        try:
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            return value.astimezone(UTC)
        except (OverflowError, ValueError):
            return datetime.min.replace(tzinfo=UTC) if value.year < 2000 else datetime.max.replace(tzinfo=UTC)


def page(queryset, paging: Paging, *, order=("pk",)) -> dict:
    """One page of `queryset` in a stable order, with the total count."""
    queryset = queryset.order_by(*order)
    return {
        "count": queryset.count(),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(queryset[paging.offset : paging.offset + paging.limit]),
    }
