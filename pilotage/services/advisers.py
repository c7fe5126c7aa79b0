"""Advisers whose role has ended, and the schools left to reassign.

An assignment outlives the adviser's role on purpose (kept, flagged): it records who followed
the school, grants nothing by itself (every rule also asks for the adviser role in the
accompaniment's federation, and an active account), and counts again if the role is given
back (a removal undone). Staff see it in « À réassigner » until they choose other advisers."""

from django.db.models import Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from accounts.models import Federation, Membership, Role, User
from pilotage.dashboards.aggregates import correlated_count
from pilotage.dashboards.queries import advisers_with_fte
from pilotage.models import Accompaniment, AdviserAssignment


def _still_adviser():
    return Exists(
        Membership.objects.filter(
            user=OuterRef("adviser"),
            federation=OuterRef("accompaniment__federation"),
            role=Role.FPO_ADVISER,
        )
    )


def current_assignments() -> QuerySet:
    """The assignments whose adviser still holds the role in the accompaniment's federation."""
    return AdviserAssignment.objects.filter(_still_adviser(), adviser__is_active=True)


def assignments_to_reassign(user: User) -> QuerySet:
    """The open accompaniments of the federations `user` coordinates whose assigned adviser is
    no longer one: account deactivated, or adviser role in that federation ended."""
    return (
        AdviserAssignment.objects.filter(
            accompaniment__federation__in=Federation.objects.staffed_by(user),
            accompaniment__closed_on__isnull=True,
        )
        .filter(Q(adviser__is_active=False) | ~_still_adviser())
        .select_related("adviser", "accompaniment__school__organising_authority", "accompaniment__federation")
        .order_by("accompaniment__federation__code", "adviser__last_name", "accompaniment__school__name")
    )


def adviser_loads(federation: Federation) -> QuerySet:
    """The federation's active advisers, each with `fte` (one if their profile says nothing),
    `schools_count` (the running accompaniments assigned to them) and `schools_per_fte`: the
    same figures as the workload row of the federation's dashboard."""
    followed = AdviserAssignment.objects.filter(
        accompaniment__federation=federation, accompaniment__closed_on__isnull=True
    )
    return (
        advisers_with_fte(federation)
        .filter(is_active=True)
        .annotate(schools_count=correlated_count(followed, "adviser"))
        .annotate(schools_per_fte=Cast(F("schools_count"), FloatField()) / Cast(F("fte"), FloatField()))
        .order_by("last_name", "first_name", "pk")
    )


def schools_to_assign(federation: Federation, *, organising_authority=None, adviser=None) -> QuerySet:
    """The federation's running accompaniments, with their advisers (`still_adviser` says
    whether each still holds the role); `adviser` filters on one of them, or with "none" on the
    schools that have no current adviser."""
    assignments = AdviserAssignment.objects.annotate(
        still_adviser=Exists(
            Membership.objects.filter(user=OuterRef("adviser"), federation=federation, role=Role.FPO_ADVISER)
        )
    ).select_related("adviser")
    accompaniments = (
        Accompaniment.objects.filter(federation=federation)
        .active()
        .select_related("school__organising_authority")
        .prefetch_related(Prefetch("assignments", queryset=assignments.order_by("adviser__last_name")))
        .order_by("school__organising_authority__name", "school__name", "pk")
    )
    if organising_authority is not None:
        accompaniments = accompaniments.filter(school__organising_authority=organising_authority)
    if adviser == "none":
        accompaniments = accompaniments.exclude(pk__in=current_assignments().values("accompaniment"))
    elif adviser is not None:
        accompaniments = accompaniments.filter(
            pk__in=AdviserAssignment.objects.filter(adviser=adviser).values("accompaniment")
        )
    return accompaniments
