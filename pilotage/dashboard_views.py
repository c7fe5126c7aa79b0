"""The dashboards (adviser, federation, PO and direction) and the yearly report's pages.

Every list of a dashboard is a `Listing`: it filters (a small form), sorts (a column named in
`<list>-tri`, `-` for descending), paginates (Django's Paginator on the primary keys, then one
query for the page's rows with their figures) and exports the whole filtered list to CSV, XLSX
or ODS (`?export=<list>&format=xlsx`). With htmx, a list's form and links replace that list
only."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from operator import attrgetter
from urllib.parse import urlencode

import tablib
from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from accounts.models import Federation, School
from pilotage import dashboards, tasks
from pilotage.charts import (
    Chart,
    month_chart,
    po_engagements_chart,
    steps_chart,
    type_chart,
    type_month_table,
    workload_chart,
)
from pilotage.models import Plan, Step

PER_PAGE = 25
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


# --- Lists that filter, sort, paginate and export ---------------------------------------------


@dataclass
class Column:
    key: str
    label: str
    # What to sort on (a field or annotation); None if the column does not sort.
    order: str | None = None
    # The exported value: a function of the row, or an attribute path ("school.name"); by
    # default the attribute that `order` (or else `key`) names.
    value: Callable | str | None = None
    numeric: bool = False
    # False for a column that only the exports have (the page shows it within another cell).
    shown: bool = True

    def export_value(self, row):
        if callable(self.value):
            value = self.value(row)
        else:
            value = attrgetter(self.value or (self.order or self.key).replace("__", "."))(row)
        return "" if value is None else value


class Listing:
    """One list of a dashboard: `key` prefixes its parameters (`ecoles-tri`, `ecoles-page`,
    and the form's fields `ecoles-q`…)."""

    def __init__(
        self,
        request,
        *,
        key: str,
        title: str,
        caption: str,
        queryset,
        columns: list[Column],
        default_order: str,
        row_template: str,
        form_class=None,
        form_kwargs=None,
        export_name: str,
        empty: str = "Aucune ligne ne correspond à ces critères.",
        per_page: int = PER_PAGE,
        decorate: Callable | None = None,
        add_figures: Callable | None = None,
    ):
        self.request = request
        self.key = key
        self.dom_id = f"liste-{key}"
        self.title = title
        self.caption = caption
        self.columns = columns
        self.row_template = row_template
        self.export_name = export_name
        self.empty = empty
        self.per_page = per_page
        self.decorate = decorate
        # Sets figures on a list of rows at once (a page, or all the rows of an export).
        self.add_figures = add_figures
        self.form = None
        if form_class is not None:
            data = request.GET if any(name.startswith(f"{key}-") for name in request.GET) else None
            self.form = form_class(data, prefix=key, **(form_kwargs or {}))
            if self.form.is_bound and self.form.is_valid():
                queryset = self.form.filter(queryset)
        self.queryset = queryset
        sortable = {column.key: column for column in columns if column.order}
        requested = request.GET.get(f"{key}-tri", "")
        name = requested.lstrip("-")
        if name not in sortable:
            requested = default_order
            name = requested.lstrip("-")
        self.sort_key = name
        self.descending = requested.startswith("-")
        self.sort_column = sortable[name]

    @property
    def form_errors(self) -> bool:
        return bool(self.form is not None and self.form.is_bound and self.form.errors)

    @property
    def ordering(self) -> list:
        expression = F(self.sort_column.order)
        expression = expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        return [expression, "pk"]

    @cached_property
    def page(self):
        """The page asked for: its primary keys first (only what sorting needs is computed for
        every row), then its rows with all their figures, in one more query."""
        ids = self.queryset.order_by(*self.ordering).values_list("pk", flat=True)
        page = Paginator(ids, self.per_page).get_page(self.request.GET.get(f"{self.key}-page"))
        wanted = list(page.object_list)
        rows = {row.pk: row for row in self.queryset.filter(pk__in=wanted).order_by()}
        page.object_list = [rows[pk] for pk in wanted if pk in rows]
        if self.add_figures:
            self.add_figures(page.object_list)
        if self.decorate:
            for row in page.object_list:
                self.decorate(row)
        return page

    @property
    def rows(self):
        return self.page.object_list

    # Links keep the other lists' parameters and the page's own (federation, year…).

    def _query(self, **changes) -> str:
        query = self.request.GET.copy()
        for name in ("export", "format"):
            query.pop(name, None)
        for name, value in changes.items():
            name = name.replace("_", "-")
            if value is None:
                query.pop(name, None)
            else:
                query[name] = value
        return query.urlencode()

    def page_url(self, number: int) -> str:
        return "?" + self._query(**{f"{self.key}_page": str(number)})

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def headers(self) -> list[dict]:
        headers = []
        for column in self.columns:
            if not column.shown:
                continue
            header = {"label": column.label, "numeric": column.numeric, "url": "", "sort": ""}
            if column.order:
                current = column.key == self.sort_key
                descending = not self.descending if current else column.numeric
                header["url"] = "?" + self._query(
                    **{
                        f"{self.key}_tri": f"{'-' if descending else ''}{column.key}",
                        f"{self.key}_page": None,
                    }
                )
                if current:
                    header["sort"] = "descending" if self.descending else "ascending"
            headers.append(header)
        return headers

    @property
    def sort_param(self) -> tuple[str, str] | None:
        name = f"{self.key}-tri"
        return (name, self.request.GET[name]) if name in self.request.GET else None

    @property
    def kept_params(self) -> list[tuple[str, str]]:
        """The parameters the list's form must carry along (not its own)."""
        return [
            (name, value)
            for name, values in self.request.GET.lists()
            if not name.startswith(f"{self.key}-") and name not in ("export", "format")
            for value in values
        ]

    @property
    def export_links(self) -> list[tuple[str, str]]:
        base = self._query()
        return [
            (label, f"?{base}{'&' if base else ''}{urlencode({'export': self.key, 'format': fmt})}")
            for fmt, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("ods", "OpenDocument (ODS)"))
        ]

    def dataset(self) -> tablib.Dataset:
        dataset = tablib.Dataset(headers=[column.label for column in self.columns], title=self.title[:31])
        with dashboards.without_jit():
            rows = list(self.queryset.order_by(*self.ordering))
        if self.add_figures:
            self.add_figures(rows)
        for row in rows:
            if self.decorate:
                self.decorate(row)
            dataset.append([column.export_value(row) for column in self.columns])
        return dataset

    def export(self, fmt: str) -> HttpResponse:
        return dataset_response(self.dataset(), fmt, self.export_name)


def dataset_response(dataset: tablib.Dataset, fmt: str, name: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format d'export inconnu.")
    # CSV with a BOM and semicolons: what spreadsheets set up for French expect.
    content = "\ufeff" + dataset.export("csv", delimiter=";") if fmt == "csv" else dataset.export(fmt)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    return response


def chart_dataset(chart: Chart) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=chart.columns, title=chart.title[:31])
    for row in chart.table_rows:
        dataset.append(list(row))
    if chart.total_row:
        dataset.append(list(chart.total_row))
    return dataset


def _listing_response(request, listings: list[Listing]):
    """An export of one of the lists, or, for htmx, the list it asks for alone; None when the
    whole page is wanted (nothing else of the page is computed before this is asked)."""
    export = request.GET.get("export")
    for listing in listings:
        if export == listing.key:
            return listing.export(request.GET.get("format", ""))
    target = request.htmx.target if request.htmx and not request.htmx.history_restore_request else None
    for listing in listings:
        if target == listing.dom_id:
            return _vary(render(request, "pilotage/dashboard_listing.html", {"listing": listing}))
    return None


def _page_response(request, template: str, context: dict, charts: list[Chart]):
    """The page, or an export of one of its charts' data."""
    export = request.GET.get("export")
    if export:
        for chart in charts:
            if chart.key == export:
                fmt = request.GET.get("format", "")
                return dataset_response(chart_dataset(chart), fmt, f"{context['export_prefix']}-{chart.key}")
        raise Http404("Liste inconnue.")
    return _vary(render(request, template, context))


def _vary(response):
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- Filter forms -----------------------------------------------------------------------------


def _select(**kwargs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **kwargs})


def _step_choices():
    return [
        ("", "Toutes"),
        *[(step.number, f"{step.number}. {step.short_name}") for step in Step.objects.all()],
    ]


class SchoolFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher (nom, FASE ou PO)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    step = forms.TypedChoiceField(
        label="Étape", required=False, coerce=int, empty_value=None, choices=[], widget=_select()
    )
    late = forms.BooleanField(
        label="Engagements en retard seulement",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    # The names of the row's fields these filters read.
    school_prefix = ""
    step_field = "step"
    late_field = "engagements_late"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = _step_choices()

    def filter(self, rows):
        data = self.cleaned_data
        query = data["q"].strip()
        p = self.school_prefix
        if query:
            if query.isascii() and query.isdecimal():
                rows = rows.filter(**{f"{p}fase": int(query)})
            else:
                rows = rows.filter(
                    Q(**{f"{p}name__icontains": query})
                    | Q(**{f"{p}organising_authority__name__icontains": query})
                    | Q(**{f"{p}city__icontains": query})
                )
        if data["step"]:
            rows = rows.filter(**{self.step_field: data["step"]})
        if data["late"]:
            rows = rows.filter(**{f"{self.late_field}__gt": 0})
        return rows


class FederationSchoolFilterForm(SchoolFilterForm):
    wave = forms.TypedChoiceField(
        label="Phase",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Toutes"), *School.Wave.choices],
        widget=_select(),
    )

    def filter(self, rows):
        rows = super().filter(rows)
        if self.cleaned_data["wave"]:
            rows = rows.filter(wave=self.cleaned_data["wave"])
        return rows


class AccompanimentFilterForm(SchoolFilterForm):
    at_risk = forms.BooleanField(
        label="Objectifs à risque seulement",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    school_prefix = "school__"
    step_field = "current_step"

    def filter(self, rows):
        rows = super().filter(rows)
        if self.cleaned_data["at_risk"]:
            rows = rows.filter(objectives_at_risk__gt=0)
        return rows


class NameFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    fields_searched = ("name",)

    def filter(self, rows):
        query = self.cleaned_data["q"].strip()
        if not query:
            return rows
        condition = Q()
        for field in self.fields_searched:
            condition |= Q(**{f"{field}__icontains": query})
        return rows.filter(condition)


class POFilterForm(NameFilterForm):
    late = forms.BooleanField(
        label="Engagements en retard seulement",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filter(self, rows):
        rows = super().filter(rows)
        if self.cleaned_data["late"]:
            rows = rows.filter(engagements_late__gt=0)
        return rows


class AdviserFilterForm(NameFilterForm):
    fields_searched = ("first_name", "last_name", "email")


class DashboardChoiceForm(forms.Form):
    """Which federation and which school year the federation's dashboard shows. It reads the
    query string itself (anything unknown falls back on the first federation and the current
    year) and is shown unbound, with the choice made as its initial values."""

    federation = forms.ModelChoiceField(
        label="Fédération", queryset=Federation.objects.none(), empty_label=None, widget=_select()
    )
    annee = forms.TypedChoiceField(label="Année scolaire", coerce=int, choices=[], widget=_select())

    def __init__(self, params, *, user, today: date):
        federations = list(dashboards.staff_federations(user))
        by_code = {federation.code: federation for federation in federations}
        self.federation = by_code.get(params.get("federation", "")) or (
            federations[0] if federations else None
        )
        years = dashboards.available_years(self.federation, today) if self.federation else []
        try:
            year = int(params.get("annee", ""))
        except ValueError:
            year = None
        self.year = year if year in years else dashboards.current_school_year(today)
        super().__init__(initial={"federation": getattr(self.federation, "code", ""), "annee": self.year})
        self.fields["federation"].choices = [(f.code, f"{f.code} — {f.name}") for f in federations]
        self.fields["annee"].choices = [(y, dashboards.school_year_label(y)) for y in years]
        self.several_federations = len(federations) > 1

    @property
    def query(self) -> str:
        return urlencode({"federation": self.federation.code, "annee": self.year})


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
    rows = dashboards.adviser_rows(request.user, today)
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
        row_template="pilotage/dashboard_row_adviser.html",
        form_class=AccompanimentFilterForm,
        export_name=f"mes-ecoles-{today:%Y-%m-%d}",
        empty="Aucune école ne correspond à ces critères.",
    )
    if response := _listing_response(request, [listing]):
        return response
    summary = rows.order_by().aggregate(
        schools=Count("pk"),
        late=Count("pk", filter=Q(engagements_late__gt=0)),
        at_risk=Count("pk", filter=Q(objectives_at_risk__gt=0)),
        upcoming=Count("pk", filter=Q(next_action_on__isnull=False)),
    )
    by_step = dict(rows.order_by().values_list("current_step").annotate(n=Count("pk")))
    chart = steps_chart("mes-etapes", by_step, dashboards.steps(), title="Mes écoles par étape")
    context = {
        "listing": listing,
        "summary": summary,
        "chart": chart,
        "today": today,
        "export_prefix": f"mes-ecoles-{today:%Y-%m-%d}",
    }
    return _page_response(request, "pilotage/dashboard_adviser.html", context, [chart])


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
    period = dashboards.period_for(year, today)
    steps = dashboards.steps()
    steps_by_number = {step.number: step for step in steps}
    prefix = f"{federation.code}-{period.label}"
    school_rows = dashboards.federation_school_rows(federation, period)
    schools = Listing(
        request,
        key="ecoles",
        title=f"Écoles {federation.code} {period.label}",
        caption=f"Les écoles de la fédération en {period.label}",
        queryset=school_rows,
        columns=federation_school_columns(steps_by_number),
        default_order="ecole",
        row_template="pilotage/dashboard_row_federation_school.html",
        form_class=FederationSchoolFilterForm,
        export_name=f"ecoles-{prefix}",
        decorate=_label_school_row,
    )
    pos = Listing(
        request,
        key="po",
        title=f"Engagements par PO {period.label}",
        caption=f"Engagements des PO au {period.reference:%d/%m/%Y}",
        queryset=dashboards.po_compliance_rows(federation, period),
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
        row_template="pilotage/dashboard_row_po_compliance.html",
        form_class=POFilterForm,
        export_name=f"engagements-po-{prefix}",
        add_figures=lambda rows: dashboards.add_po_figures(rows, federation, period),
        decorate=_compliance,
    )
    advisers = Listing(
        request,
        key="conseillers",
        title=f"Charge des conseillers {period.label}",
        caption=f"Charge des conseillers en {period.label}",
        queryset=dashboards.adviser_workload_rows(federation, period),
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
        row_template="pilotage/dashboard_row_workload.html",
        form_class=AdviserFilterForm,
        export_name=f"charge-conseillers-{prefix}",
    )
    if response := _listing_response(request, [schools, pos, advisers]):
        return response
    types = dashboards.catalogue(federation)
    action_counts = dashboards.actions_by_type_and_month(federation, period)
    charts = [
        steps_chart(
            "etapes-phases",
            dashboards.steps_by_wave(federation, period),
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
        "export_prefix": prefix,
        "choice_query": choice.query,
        "report_url": f"{reverse('pilotage_report')}?{choice.query}",
    }
    return _page_response(request, "pilotage/dashboard_federation.html", context, charts)


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
    rows = dashboards.po_rows(request.user, today)

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
        row_template="pilotage/dashboard_row_po_school.html",
        form_class=AccompanimentFilterForm,
        export_name=f"nos-ecoles-{today:%Y-%m-%d}",
        decorate=lambda row: _label_po_row(row, today),
    )
    if response := _listing_response(request, [listing]):
        return response
    by_step = dict(rows.order_by().values_list("current_step").annotate(n=Count("pk")))
    chart = steps_chart("nos-etapes", by_step, dashboards.steps(), title="Nos écoles par étape")
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
    return _page_response(request, "pilotage/dashboard_po.html", context, [chart])


# --- The yearly follow-up report --------------------------------------------------------------


class ReportForm(forms.Form):
    federation = forms.ModelChoiceField(
        label="Fédération",
        queryset=Federation.objects.none(),
        empty_label=None,
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    annee = forms.TypedChoiceField(
        label="Année scolaire",
        coerce=int,
        choices=[],
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="L'année 2024 désigne l'année scolaire 2024-2025 (du 1er septembre 2024 au 31 août 2025).",
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("pdf", "PDF (graphiques et tableaux)"), ("xlsx", "Excel (XLSX, une ligne par école)")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="pdf",
    )

    def __init__(self, *args, user, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        federations = dashboards.staff_federations(user)
        self.fields["federation"].queryset = federations
        years = dashboards.available_years(None, today)
        self.fields["annee"].choices = [
            (year, f"{year} ({dashboards.school_year_label(year)})") for year in years
        ]
        self.fields["annee"].initial = years[1] if len(years) > 1 else years[0]


@permission_required("pilotage.produce_yearly_report", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report(request):
    today = timezone.localdate()
    initial = {key: request.GET[key] for key in ("federation", "annee") if key in request.GET}
    form = ReportForm(request.POST or None, user=request.user, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = tasks.start_yearly_report(
            federation=form.cleaned_data["federation"],
            year=form.cleaned_data["annee"],
            fmt=form.cleaned_data["format"],
            user=request.user,
        )
        return redirect("pilotage_report_status", job=job.id)
    return render(request, "pilotage/report.html", {"form": form, "today": today})


def _own_job(request, job_id):
    job = tasks.ReportJob.get(str(job_id))
    if job is None or (job.user_id != request.user.pk and not request.user.is_superuser):
        raise Http404("Ce rapport n'existe pas ou n'est plus disponible.")
    return job


@permission_required("pilotage.produce_yearly_report", raise_exception=True)
def report_status(request, job):
    job = _own_job(request, job)
    template = "pilotage/report_status.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#progress"
    response = render(request, template, {"job": job})
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("pilotage.produce_yearly_report", raise_exception=True)
def report_download(request, job):
    job = _own_job(request, job)
    content = job.content()
    if job.status != tasks.ReportJob.DONE or content is None:
        raise Http404("Ce rapport n'est pas prêt.")
    response = HttpResponse(content, content_type=tasks.CONTENT_TYPES[job.fmt])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
