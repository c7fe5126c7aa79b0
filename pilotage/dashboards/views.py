"""The dashboards (adviser, federation, PO and direction); the yearly report's pages are in `report_views`."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pilotage.models import Plan

from . import periods, progress, queries
from .charts import (
    month_chart,
    po_engagements_chart,
    steps_chart,
    type_chart,
    type_month_table,
    workload_chart,
)
from .forms import (
    AccompanimentFilterForm,
    AdviserFilterForm,
    DashboardChoiceForm,
    FederationSchoolFilterForm,
    POFilterForm,
)
from .listing import Column, Listing, listing_response, page_response

# --- The adviser's dashboard ------------------------------------------------------------------


def _step_label(row) -> str:
    return f"{row.current_step.number}. {row.current_step.short_name}"


def _count(key: str, label: str, order: str, **options) -> Column:
    return Column(key, label, order, numeric=True, **options)


# Columns the lists share. A title shown under its date on the page is a column of its own
# in the exports.
ACCOMPANIMENT_BASE = [
    Column("fase", "FASE", "school__fase", numeric=True),
    Column("ecole", "École", "school__name"),
    Column("po", "Pouvoir organisateur", "school__organising_authority__name"),
    Column("etape", "Étape", "current_step", _step_label),
]
LAST_ACTION = [
    Column("derniere", "Dernière action", "last_action_on"),
    Column("derniere_action", "Dernière action (intitulé)", value="last_action_title", shown=False),
]
NEXT_ACTION = [
    Column("prochaine", "Prochaine action", "next_action_on"),
    Column("prochaine_action", "Prochaine action (intitulé)", value="next_action_title", shown=False),
]
LATE = _count("retard", "Engagements en retard", "engagements_late")
PLAN_STATE = Column("plan", "Plan de pilotage", value=lambda row: _plan_state(row))


@permission_required("pilotage.view_adviser_dashboard", raise_exception=True)
def adviser_dashboard(request):
    today = timezone.localdate()
    rows = progress.adviser_rows(request.user, today)
    listing = Listing(
        request,
        key="ecoles",
        title="Mes écoles",
        caption="Les écoles qui me sont confiées",
        queryset=rows,
        columns=[
            *ACCOMPANIMENT_BASE,
            *LAST_ACTION,
            *NEXT_ACTION,
            LATE,
            _count("risque", "Objectifs à risque", "objectives_at_risk"),
            PLAN_STATE,
        ],
        default_order="ecole",
        rows_template="pilotage/dashboard_rows_adviser.html",
        form_class=AccompanimentFilterForm,
        export_name=f"mes-ecoles-{today:%Y-%m-%d}",
        empty="Aucune école ne correspond à ces critères.",
    )
    if response := listing_response(request, [listing]):
        return response
    summary = rows.order_by().aggregate(
        schools=Count("pk"),
        late=Count("pk", filter=Q(engagements_late__gt=0)),
        at_risk=Count("pk", filter=Q(objectives_at_risk__gt=0)),
        upcoming=Count("pk", filter=Q(next_action_on__isnull=False)),
    )
    by_step = dict(rows.order_by().values_list("current_step").annotate(n=Count("pk")))
    chart = steps_chart("mes-etapes", by_step, queries.steps(), title="Mes écoles par étape")
    context = {
        "listing": listing,
        "summary": summary,
        "chart": chart,
        "today": today,
        "export_prefix": f"mes-ecoles-{today:%Y-%m-%d}",
    }
    return page_response(request, "pilotage/dashboard_adviser.html", context, [chart])


def _plan_of(row) -> Plan | None:
    """The accompaniment's plan, fetched with it (select_related): no query."""
    try:
        return row.plan
    except Plan.DoesNotExist:
        return None


def _plan_state(row) -> str:
    plan = _plan_of(row)
    return plan.get_state_display() if plan else ""


# --- The federation's dashboard ---------------------------------------------------------------


def _school_step(row, steps_by_number) -> str:
    step = steps_by_number.get(row.step)
    return f"{step.number}. {step.short_name}" if step else ""


def _compliance(row) -> None:
    """The share (%) of the engagements due that are not late; None while none is due."""
    due = row.engagements_due
    row.compliance = round(100 * (due - row.engagements_late) / due) if due else None


def _label_school_row(row) -> None:
    row.plan_state_label = _plan_state_label(row.plan_state)


def _plan_state_label(state) -> str:
    return Plan.State(state).label if state else ""


def federation_school_columns(steps_by_number) -> list[Column]:
    return [
        Column("fase", "FASE", "fase", numeric=True),
        Column("ecole", "École", "name"),
        Column("po", "Pouvoir organisateur", "organising_authority__name"),
        Column("phase", "Phase", "wave", numeric=True),
        Column("etape", "Étape", "step", lambda row: _school_step(row, steps_by_number), numeric=True),
        _count("actions", "Actions réalisées", "actions_held"),
        Column("derniere", "Dernière action", "last_action_on"),
        _count("remplis", "Engagements remplis", "engagements_met"),
        _count("dus", "Engagements dus", "engagements_due"),
        LATE,
        Column("plan", "Plan de pilotage", "plan_state", lambda row: _plan_state_label(row.plan_state)),
        _count("objectifs", "Objectifs", "objectives_total", shown=False),
        _count("atteints", "Objectifs atteints", "objectives_met"),
        _count("en_progres", "Objectifs en progrès", "objectives_in_progress"),
        _count("non_atteints", "Objectifs non atteints", "objectives_not_met"),
    ]


@permission_required("pilotage.view_federation_dashboard", raise_exception=True)
def federation_dashboard(request):
    today = timezone.localdate()
    choice = DashboardChoiceForm(request.GET, user=request.user, today=today)
    federation, year = choice.federation, choice.year
    if federation is None:
        raise PermissionDenied
    period = periods.period_for(year, today)
    steps = queries.steps()
    steps_by_number = {step.number: step for step in steps}
    prefix = f"{federation.code}-{period.label}"
    school_rows = queries.federation_school_rows(federation, period)
    schools = Listing(
        request,
        key="ecoles",
        title=f"Écoles {federation.code} {period.label}",
        caption=f"Les écoles de la fédération en {period.label}",
        queryset=school_rows,
        columns=federation_school_columns(steps_by_number),
        default_order="ecole",
        rows_template="pilotage/dashboard_rows_federation_school.html",
        form_class=FederationSchoolFilterForm,
        export_name=f"ecoles-{prefix}",
        decorate=_label_school_row,
    )
    pos = Listing(
        request,
        key="po",
        title=f"Engagements par PO {period.label}",
        caption=f"Engagements des PO au {period.reference:%d/%m/%Y}",
        queryset=queries.po_compliance_rows(federation, period),
        columns=[
            Column("po", "Pouvoir organisateur", "name"),
            _count("ecoles", "Écoles", "schools_count"),
            _count("engagements", "Engagements", "engagements_total"),
            _count("dus", "Dus", "engagements_due"),
            _count("remplis", "Remplis", "engagements_met"),
            _count("retard", "En retard", "engagements_late"),
            _count("taux", "Respect des échéances (%)", "compliance"),
        ],
        default_order="po",
        rows_template="pilotage/dashboard_rows_po_compliance.html",
        form_class=POFilterForm,
        export_name=f"engagements-po-{prefix}",
        add_figures=lambda rows: queries.add_po_figures(rows, federation, period),
        decorate=_compliance,
    )
    advisers = Listing(
        request,
        key="conseillers",
        title=f"Charge des conseillers {period.label}",
        caption=f"Charge des conseillers en {period.label}",
        queryset=queries.adviser_workload_rows(federation, period),
        columns=[
            Column("nom", "Conseiller", "last_name", str),
            _count("etp", "ETP", "fte"),
            Column("ctp", "Technopédagogique", value=lambda row: "oui" if row.technopedagogical else "non"),
            _count("ecoles", "Écoles suivies", "schools_count"),
            _count(
                "ecoles_etp",
                "Écoles par ETP",
                "schools_per_fte",
                value=lambda row: round(row.schools_per_fte, 1),
            ),
            _count("actions", "Actions réalisées", "actions_held"),
            _count(
                "actions_etp",
                "Actions par ETP",
                "actions_per_fte",
                value=lambda row: round(row.actions_per_fte, 1),
            ),
            _count("prevues", "Actions prévues", "actions_planned"),
        ],
        default_order="nom",
        rows_template="pilotage/dashboard_rows_workload.html",
        form_class=AdviserFilterForm,
        export_name=f"charge-conseillers-{prefix}",
    )
    if response := listing_response(request, [schools, pos, advisers]):
        return response
    types = queries.catalogue(federation)
    action_counts = queries.actions_by_type_and_month(federation, period)
    charts = [
        steps_chart(
            "etapes-phases",
            queries.steps_by_wave(federation, period),
            steps,
            title=f"Écoles par étape et par phase ({period.label})",
            waves=True,
        ),
        month_chart("actions-mois", action_counts, period),
        type_chart("actions-types", action_counts, types, period),
        po_engagements_chart("engagements", pos.rows, period),
        workload_chart("charge", advisers.rows),
    ]
    context = {
        "choice": choice,
        "federation": federation,
        "period": period,
        "schools": schools,
        "pos": pos,
        "advisers": advisers,
        "charts": {chart.key.replace("-", "_"): chart for chart in charts},
        "type_month": type_month_table(action_counts, types, period),
        "fte_years": queries.fte_against_conventions(federation, choice.years),
        "export_prefix": prefix,
        "choice_query": choice.query,
        "report_url": f"{reverse('pilotage_report')}?{choice.query}",
    }
    return page_response(request, "pilotage/dashboard_federation.html", context, charts)


# --- The PO's and the direction's dashboard ---------------------------------------------------


def _label_po_row(row, today: date) -> None:
    row.deadline = next_deadline(row, today)
    row.next_engagement_late = bool(row.next_engagement_due and row.next_engagement_due < today)


def next_deadline(row, today: date):
    plan = _plan_of(row)
    if plan is None:
        return None
    return next((deadline for deadline in plan.deadlines() if deadline.due_on >= today), None)


@permission_required("pilotage.view_po_dashboard", raise_exception=True)
def po_dashboard(request):
    today = timezone.localdate()
    rows = progress.po_rows(request.user, today)

    def deadline_label(row):
        deadline = next_deadline(row, today)
        return f"{deadline.label} ({deadline.due_on:%d/%m/%Y})" if deadline else ""

    listing = Listing(
        request,
        key="ecoles",
        title="Nos écoles",
        caption="Où en sont nos écoles, et ce qui est attendu ensuite",
        queryset=rows,
        columns=[
            *ACCOMPANIMENT_BASE,
            Column("depuis", "Dans cette étape depuis", "step_entered_on", shown=False),
            _count("remplis", "Engagements remplis", "engagements_done"),
            _count("engagements", "Engagements", "engagements_total", shown=False),
            LATE,
            Column(
                "a_faire", "Prochain engagement à remplir", "next_engagement_due", value="next_engagement"
            ),
            Column("pour_le", "Attendu pour le", value="next_engagement_due", shown=False),
            *NEXT_ACTION,
            PLAN_STATE,
            Column("echeance", "Prochaine échéance", value=deadline_label, shown=False),
        ],
        default_order="ecole",
        rows_template="pilotage/dashboard_rows_po_school.html",
        form_class=AccompanimentFilterForm,
        export_name=f"nos-ecoles-{today:%Y-%m-%d}",
        decorate=lambda row: _label_po_row(row, today),
    )
    if response := listing_response(request, [listing]):
        return response
    by_step = dict(rows.order_by().values_list("current_step").annotate(n=Count("pk")))
    chart = steps_chart("nos-etapes", by_step, queries.steps(), title="Nos écoles par étape")
    summary = rows.order_by().aggregate(
        schools=Count("pk"), late=Count("pk", filter=Q(engagements_late__gt=0))
    )
    context = {
        "listing": listing,
        "chart": chart,
        "summary": summary,
        "today": today,
        "export_prefix": f"nos-ecoles-{today:%Y-%m-%d}",
    }
    return page_response(request, "pilotage/dashboard_po.html", context, [chart])
