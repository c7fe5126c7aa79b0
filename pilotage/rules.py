"""Every pilotage permission. Who may do what in an accompaniment: views, templates and
services ask these rules, and `abilities()` answers all of them for one page with two queries.
Then who may plan actions for several schools, keep a calendar, import indicator values, and
see which dashboard."""

from dataclasses import dataclass
from datetime import timedelta

import rules
from django.db.models import Q
from django.utils import timezone

from accounts.models import Federation, Membership, Role, membership_ids

from .models import Accompaniment, AdviserAssignment, Plan


@dataclass(frozen=True)
class Standing:
    """What a user is towards one accompaniment."""

    superuser: bool
    roles: frozenset
    assigned: bool  # one of the accompaniment's advisers
    running: bool = True  # the accompaniment is not closed

    @property
    def staff(self) -> bool:
        return Role.FPO_STAFF in self.roles

    @property
    def assigned_adviser(self) -> bool:
        return self.assigned and Role.FPO_ADVISER in self.roles


def standing(user, accompaniment: Accompaniment) -> Standing:
    if not user.is_authenticated:
        return Standing(False, frozenset(), False, accompaniment.closed_on is None)
    school = accompaniment.school
    roles = (
        Membership.objects.filter(user=user).filter(
            federation=accompaniment.federation_id,
            role__in=[Role.FPO_STAFF, Role.FPO_ADVISER],
        )
        | Membership.objects.filter(
            user=user, organising_authority=school.organising_authority_id, role=Role.PO_REFERENT
        )
        | Membership.objects.filter(user=user, school=school.pk, role=Role.SCHOOL_DIRECTION)
    )
    roles = frozenset(Role(role) for role in roles.values_list("role", flat=True))
    assigned = (
        Role.FPO_ADVISER in roles
        and AdviserAssignment.objects.filter(accompaniment=accompaniment, adviser=user).exists()
    )
    return Standing(user.is_superuser, roles, assigned, accompaniment.closed_on is None)


# The rules themselves, on a Standing.
def _records(s: Standing) -> bool:
    return s.superuser or s.staff or s.assigned_adviser


def _assigns(s: Standing) -> bool:
    return s.superuser or s.staff


def _ticks(s: Standing) -> bool:
    return s.superuser or Role.PO_REFERENT in s.roles


def _edits_plan(s: Standing) -> bool:
    return s.superuser or Role.PO_REFERENT in s.roles or Role.SCHOOL_DIRECTION in s.roles


# Who records indicator values, and where: the federation's staff, the PO's référents, the
# school's direction, on a running accompaniment only (a closed one is over: its plan is no
# longer followed, the reminders and dashboards leave it). One rule for the page
# (`_records_values`, on a Standing) and for the import (`plans_open_to_values_of`, a queryset).
VALUE_RECORDERS = frozenset({Role.FPO_STAFF, Role.PO_REFERENT, Role.SCHOOL_DIRECTION})


def _records_values(s: Standing) -> bool:
    return s.running and (s.superuser or bool(s.roles & VALUE_RECORDERS))


def plans_open_to_values_of(user):
    """The plans whose indicator values `user` may record (`_records_values` for many plans)."""
    plans = Plan.objects.filter(accompaniment__closed_on__isnull=True)
    if user.is_superuser:
        return plans
    return plans.filter(
        Q(accompaniment__federation__in=Federation.objects.staffed_by(user))
        | Q(school__organising_authority__in=membership_ids(user, "organising_authority", [Role.PO_REFERENT]))
        | Q(school__in=membership_ids(user, "school", [Role.SCHOOL_DIRECTION]))
    )


# How long the author of an action may delete it (a mistake is noticed within the week;
# afterwards the action is part of the record: it is corrected or cancelled, not deleted).
DELETE_DELAY_DAYS = 7


def can_delete(action, user, *, now=None) -> bool:
    """The author of an action deletes it within `DELETE_DELAY_DAYS` of encoding it (and
    still records actions for the school: the services check that rule too)."""
    now = now or timezone.now()
    return (
        user.is_authenticated
        and action.created_by_id == user.pk
        and action.created_at is not None
        and now - action.created_at <= timedelta(days=DELETE_DELAY_DAYS)
    )


RULES = {
    "record_actions": _records,
    "assign_advisers": _assigns,
    "tick_engagements": _ticks,
    "edit_plan": _edits_plan,
    "record_indicator_values": _records_values,
    "add_notes": _records,
}


def abilities(user, accompaniment: Accompaniment) -> dict[str, bool]:
    """Every rule for one accompaniment, for a page: {'record_actions': True, …}."""
    s = standing(user, accompaniment)
    return {name: rule(s) for name, rule in RULES.items()}


def _predicate(rule):
    @rules.predicate
    def check(user, accompaniment):
        if accompaniment is None:
            return False
        return rule(standing(user, accompaniment))

    check.__name__ = rule.__name__.lstrip("_")
    return check


for _name, _rule in RULES.items():
    rules.add_perm(f"pilotage.{_name}", _predicate(_rule))


@rules.predicate
def works_for_a_federation(user):
    """Federation staff and advisers (and administrators): bulk actions, the calendar."""
    return user.is_authenticated and (
        user.is_superuser or user.memberships.filter(role__in=[Role.FPO_STAFF, Role.FPO_ADVISER]).exists()
    )


@rules.predicate
def imports_indicator_values(user):
    return user.is_authenticated and (
        user.is_superuser or user.memberships.filter(role__in=VALUE_RECORDERS).exists()
    )


rules.add_perm("pilotage.plan_bulk_actions", works_for_a_federation)
rules.add_perm("pilotage.have_calendar", works_for_a_federation)
rules.add_perm("pilotage.import_indicator_values", imports_indicator_values)


# --- The dashboards ---------------------------------------------------------------------------


def _roles(user) -> frozenset:
    """The user's roles, read once per user object (the menu asks several rules per page)."""
    roles = getattr(user, "_pilotage_roles", None)
    if roles is None:
        roles = frozenset(user.memberships.values_list("role", flat=True))
        user._pilotage_roles = roles
    return roles


@rules.predicate
def works_as_adviser(user):
    # Only advisers are assigned schools (the assignment service insists on it).
    return user.is_authenticated and (user.is_superuser or Role.FPO_ADVISER in _roles(user))


@rules.predicate
def is_federation_staff(user):
    return user.is_authenticated and (user.is_superuser or Role.FPO_STAFF in _roles(user))


@rules.predicate
def follows_schools(user):
    return user.is_authenticated and (
        user.is_superuser or bool(_roles(user) & {Role.PO_REFERENT, Role.SCHOOL_DIRECTION})
    )


rules.add_perm("pilotage.view_adviser_dashboard", works_as_adviser)
rules.add_perm("pilotage.view_federation_dashboard", is_federation_staff)
rules.add_perm("pilotage.produce_yearly_report", is_federation_staff)
rules.add_perm("pilotage.view_po_dashboard", follows_schools)
