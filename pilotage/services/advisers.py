"""Advisers whose role has ended, and the schools left to reassign.

An assignment outlives the adviser's role on purpose (kept, flagged): it records who followed
the school, grants nothing by itself (every rule also asks for the adviser role in the
accompaniment's federation, and an active account), and counts again if the role is given
back (a removal undone). Staff see it in « À réassigner » until they choose other advisers."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Federation, Membership, Role, User
from pilotage.models import AdviserAssignment


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
