"""Lists that filter, sort, paginate and export, for the dashboards.

Every list of a dashboard is a `Listing`: it filters (a small form), sorts (a column named in
`<list>-tri`, `-` for descending), paginates (Django's Paginator on the primary keys, then one
query for the page's rows with their figures) and exports the whole filtered list to CSV, XLSX
or ODS (`?export=<list>&format=xlsx`). With htmx, a list's form and links replace that list
only."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from urllib.parse import urlencode

import tablib
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from core.exports import dataset_response, format_choices, in_batches, table_response

from .aggregates import without_jit
from .charts import Chart

PER_PAGE = 25
# Rows of an export read (and given their figures) at once.
EXPORT_BATCH = 1000


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
        rows_template: str,
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
        self.rows_template = rows_template
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
            for fmt, label in format_choices()
        ]

    def export_rows(self):
        """Every row of the filtered list, in its order, as exported values: read in batches
        (each batch's figures set at once), so that memory holds one batch at a time."""
        with without_jit():
            rows = self.queryset.order_by(*self.ordering).iterator(chunk_size=EXPORT_BATCH)
            for batch in in_batches(rows, EXPORT_BATCH):
                if self.add_figures:
                    self.add_figures(batch)
                for row in batch:
                    if self.decorate:
                        self.decorate(row)
                    yield [column.export_value(row) for column in self.columns]

    def export(self, fmt: str) -> HttpResponse:
        headers = [column.label for column in self.columns]
        return table_response(headers, self.export_rows(), fmt, self.export_name, title=self.title[:31])


def chart_dataset(chart: Chart) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=chart.columns, title=chart.title[:31])
    for row in chart.table_rows:
        dataset.append(list(row))
    if chart.total_row:
        dataset.append(list(chart.total_row))
    return dataset


def listing_response(request, listings: list[Listing]):
    """An export of one of the lists, or, for htmx, the list it asks for alone; None when the
    whole page is wanted (nothing else of the page is computed before this is asked)."""
    export = request.GET.get("export")
    for listing in listings:
        if export == listing.key:
            return listing.export(request.GET.get("format", ""))
    target = request.htmx.target if request.htmx and not request.htmx.history_restore_request else None
    for listing in listings:
        if target == listing.dom_id:
            return vary(render(request, "pilotage/dashboard_listing.html", {"listing": listing}))
    return None


def page_response(request, template: str, context: dict, charts: list[Chart]):
    """The page, or an export of one of its charts' data."""
    export = request.GET.get("export")
    if export:
        for chart in charts:
            if chart.key == export:
                fmt = request.GET.get("format", "")
                return dataset_response(chart_dataset(chart), fmt, f"{context['export_prefix']}-{chart.key}")
        raise Http404("Liste inconnue.")
    return vary(render(request, template, context))


def vary(response):
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
