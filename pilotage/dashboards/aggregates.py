"""The pieces the dashboards' figures are made of: correlated subqueries (in the manner of
`core.scoping.count_of`) that cost one subquery per row whatever the number of rows, and a
block where PostgreSQL does not compile what it runs."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce


@contextmanager
def without_jit():
    """PostgreSQL compiles a query whose estimated cost is high (a list of every school with
    its figures) before running it: seconds of compiling for a fraction of a second of work.
    Inside this block, it does not; elsewhere nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def correlated_count(queryset, field: str, outer: str = "pk"):
    """`core.scoping.count_of`, correlated to any `outer` field or annotation of the row."""
    counted = queryset.filter(**{field: OuterRef(outer)}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def correlated_total(
    queryset, condition: Q | None = None, *, function: str = "COUNT", field: str = "pk", output_field=None
):
    """COUNT (or MAX…) over a correlated queryset, as one subquery without GROUP BY; with a
    `condition`, only the rows that meet it count. The queryset should filter on keys only and
    leave the other conditions here: the database then reaches its rows by the index that
    starts with those keys (SQLite, without statistics, would otherwise pick an index on the
    condition's columns and read the rows of every school)."""
    output_field = output_field or IntegerField()
    expression = F(field)
    if condition is not None:
        expression = Case(When(condition, then=F(field)))
    value = Subquery(
        queryset.order_by()
        .annotate(value=Func(expression, function=function, output_field=output_field))
        .values("value")[:1],
        output_field=output_field,
    )
    return Coalesce(value, 0) if function == "COUNT" else value


def correlated_first(queryset, field: str):
    return Subquery(queryset.values(field)[:1])
