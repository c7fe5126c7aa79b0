"""The yearly report's rows (rapport de suivi annuel): per school of a federation, the very
figures the federation's dashboard and the report read (`queries.federation_school_rows`), for
the federation's staff only, as the report page."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from accounts.models import Federation
from core.school_years import school_year_label, school_year_of
from pilotage.dashboards import periods, queries
from pilotage.models import Plan

from .auth import user_of
from .listing import ERRORS, Paging, page

router = Router(tags=["Rapport annuel"])


class ReportQuery(Paging):
    federation: str = Field(..., max_length=20, description="Le sigle de la fédération, par exemple CPEONS.")
    year: int | None = Field(
        None,
        ge=2000,
        le=2100,
        description="L'année scolaire, par sa première année civile (2025 pour 2025-2026) ; l'année en cours par défaut.",
    )

    @field_validator("year")
    @classmethod
    def begun(cls, year):
        """A year that has not begun has no figures yet."""
        if year is not None and year > school_year_of(timezone.localdate()):
            raise ValueError(f"l'année scolaire {school_year_label(year)} n'a pas encore commencé")
        return year


class ReportRow(Schema):
    fase: int
    name: str
    organising_authority: str
    wave: int
    step: int | None
    plan_state: str | None
    actions_held: int
    last_action_on: date | None
    engagements_total: int
    engagements_due: int
    engagements_met: int
    engagements_late: int
    objectives_total: int
    objectives_met: int
    objectives_in_progress: int
    objectives_not_met: int

    @staticmethod
    def resolve_organising_authority(row) -> str:
        return row.organising_authority.name


class ReportPage(Schema):
    federation: str
    year: int
    school_year: str
    reference_day: date
    count: int
    limit: int
    offset: int
    items: list[ReportRow]


@router.get("/reports/yearly", response={200: ReportPage, **ERRORS}, url_name="api_yearly_report")
def yearly_report(request, filters: Query[ReportQuery]):
    """Les lignes du rapport de suivi annuel d'une fédération que vous coordonnez (personnel
    de fédération), une par école, comme le tableau de bord de la fédération. Les chiffres
    d'une année passée sont ceux de son dernier jour."""
    staffed = Federation.objects.staffed_by(user_of(request))
    if not staffed.exists():
        raise PermissionDenied("Le rapport annuel est réservé au personnel de fédération.")
    federation = staffed.filter(code__iexact=filters.federation).first()
    if federation is None:
        raise Http404
    today = timezone.localdate()
    period = periods.period_for(filters.year if filters.year is not None else school_year_of(today), today)
    rows = queries.federation_school_rows(federation, period)
    result = page(rows, filters, order=("name", "fase"))
    for row in result["items"]:
        row.plan_state = Plan.State(row.plan_state).value if row.plan_state else None
    return {
        "federation": federation.code,
        "year": period.year,
        "school_year": period.label,
        "reference_day": period.reference,
        **result,
    }
