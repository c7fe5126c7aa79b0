"""Accompaniments with their steps and actions, and indicators with their yearly values, as the
school page shows them (each model's `visible_to`). Notes are never given: private ones are for
the federation, and even the shared ones stay in the application."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from pilotage.models import (
    Accompaniment,
    ActionRecord,
    Indicator,
    IndicatorValue,
    StepEntry,
)

from .auth import user_of
from .listing import ERRORS, Changes, page

router = Router(tags=["Pilotage"])


class StepOut(Schema):
    """One move in the accompaniment's append-only history of steps, oldest first."""

    step: int
    from_step: int | None
    entered_on: date
    recorded_at: datetime
    correction: bool
    reason: str

    @staticmethod
    def resolve_step(entry) -> int:
        return entry.step_id

    @staticmethod
    def resolve_from_step(entry) -> int | None:
        return entry.from_step_id

    @staticmethod
    def resolve_correction(entry) -> bool:
        return entry.is_correction


class ActionOut(Schema):
    id: int
    action_type: str
    action_title: str
    action_kind: str
    status: str
    date: date
    duration: Decimal | None
    duration_unit: str
    participant_count: int | None
    cancel_reason: str
    updated_at: datetime

    @staticmethod
    def resolve_action_type(action) -> str:
        return action.action_type.code

    @staticmethod
    def resolve_action_title(action) -> str:
        return action.action_type.title

    @staticmethod
    def resolve_action_kind(action) -> str:
        return action.action_type.kind


class AccompanimentOut(Schema):
    id: int
    school: int
    convention: str
    federation: str
    current_step: int
    started_on: date
    closed_on: date | None
    updated_at: datetime
    steps: list[StepOut]
    actions: list[ActionOut]

    @staticmethod
    def resolve_school(accompaniment) -> int:
        return accompaniment.school.fase

    @staticmethod
    def resolve_convention(accompaniment) -> str:
        return accompaniment.convention.reference

    @staticmethod
    def resolve_federation(accompaniment) -> str:
        return accompaniment.federation.code

    @staticmethod
    def resolve_current_step(accompaniment) -> int:
        return accompaniment.current_step_id

    @staticmethod
    def resolve_steps(accompaniment) -> list:
        return list(accompaniment.step_entries.all())

    @staticmethod
    def resolve_actions(accompaniment) -> list:
        return list(accompaniment.actions.all())


class AccompanimentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AccompanimentOut]


class ValueOut(Schema):
    school_year: int
    school_year_label: str
    value: Decimal
    recorded_at: datetime


class IndicatorOut(Schema):
    id: int
    accompaniment: int
    school: int
    objective: str
    name: str
    unit: str
    direction: str
    baseline: Decimal
    baseline_year: int | None
    target: Decimal
    target_year: int | None
    updated_at: datetime
    values: list[ValueOut]

    @staticmethod
    def resolve_accompaniment(indicator) -> int:
        return indicator.objective.plan.accompaniment_id

    @staticmethod
    def resolve_school(indicator) -> int:
        return indicator.objective.plan.school.fase

    @staticmethod
    def resolve_objective(indicator) -> str:
        return str(indicator.objective)

    @staticmethod
    def resolve_values(indicator) -> list:
        return list(indicator.values.all())


class IndicatorPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IndicatorOut]


def _accompaniments(request):
    user = user_of(request)
    return (
        Accompaniment.objects.visible_to(user)
        .select_related("school", "convention", "federation")
        .prefetch_related(
            Prefetch("step_entries", queryset=StepEntry.objects.visible_to(user).in_order()),
            Prefetch(
                "actions",
                queryset=ActionRecord.objects.visible_to(user)
                .select_related("action_type")
                .order_by("date", "pk"),
            ),
        )
    )


def _indicators(request):
    user = user_of(request)
    return (
        Indicator.objects.visible_to(user)
        .select_related("objective__plan__school")
        .prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.visible_to(user).order_by("school_year"))
        )
    )


@router.get("/accompaniments", response={200: AccompanimentPage, **ERRORS}, url_name="api_accompaniment_list")
def accompaniment_list(request, filters: Query[Changes]):
    """Les accompagnements que vous voyez, avec leurs étapes et leurs actions (prévues,
    réalisées, annulées). Avec `updated_since`, ceux dont l'étape ou une action a changé."""
    accompaniments = _accompaniments(request)
    if filters.updated_since:
        since = filters.updated_since
        accompaniments = accompaniments.filter(
            Q(updated_at__gte=since)
            | Q(pk__in=ActionRecord.objects.filter(updated_at__gte=since).values("accompaniment"))
        )
    return page(accompaniments, filters)


@router.get(
    "/accompaniments/{int:pk}",
    response={200: AccompanimentOut, **ERRORS},
    url_name="api_accompaniment_detail",
)
def accompaniment_detail(request, pk: int):
    """Un accompagnement, par son identifiant."""
    return get_object_or_404(_accompaniments(request), pk=pk)


@router.get("/indicators", response={200: IndicatorPage, **ERRORS}, url_name="api_indicator_list")
def indicator_list(request, filters: Query[Changes]):
    """Les indicateurs des plans que vous voyez, avec leurs valeurs par année scolaire. Avec
    `updated_since`, ceux dont la définition ou une valeur a changé."""
    indicators = _indicators(request)
    if filters.updated_since:
        since = filters.updated_since
        indicators = indicators.filter(
            Q(updated_at__gte=since)
            | Q(pk__in=IndicatorValue.objects.filter(recorded_at__gte=since).values("indicator"))
        )
    return page(indicators, filters)


@router.get("/indicators/{int:pk}", response={200: IndicatorOut, **ERRORS}, url_name="api_indicator_detail")
def indicator_detail(request, pk: int):
    """Un indicateur, par son identifiant."""
    return get_object_or_404(_indicators(request), pk=pk)
