"""Scoping: every model a person can reach answers `objects.visible_to(user)`, the rows their
memberships reach and nothing else. Anonymous visitors see nothing, administrators everything;
each queryset says what the others see with `visibility(user)`, a filter built from subqueries on
keys only (no join, so no duplicates to remove)."""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


class ScopedQuerySet(models.QuerySet):
    def visibility(self, user) -> Q:
        raise NotImplementedError(f"{type(self).__name__} must say what a user sees")

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(self.visibility(user))


def count_of(queryset, field):
    """A correlated COUNT subquery, for annotations: far cheaper than joining every row and
    counting distinct values when several counts are wanted."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)
