"""Who may do what in an accompaniment. Views, templates and services ask these rules;
`abilities()` answers all of them for one page with two queries."""

from dataclasses import dataclass

import rules

from accounts.models import Membership, Role

from .models import Accompaniment, AdviserAssignment


@dataclass(frozen=True)
class Standing:
    """What a user is towards one accompaniment."""

    superuser: bool
    roles: frozenset
    assigned: bool  # one of the accompaniment's advisers

    @property
    def staff(self) -> bool:
        return Role.FPO_STAFF in self.roles

    @property
    def assigned_adviser(self) -> bool:
        return self.assigned and Role.FPO_ADVISER in self.roles


def standing(user, accompaniment: Accompaniment) -> Standing:
    if not user.is_authenticated:
        return Standing(False, frozenset(), False)
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
    return Standing(user.is_superuser, roles, assigned)


# The rules themselves, on a Standing.
def _records(s: Standing) -> bool:
    return s.superuser or s.staff or s.assigned_adviser


def _assigns(s: Standing) -> bool:
    return s.superuser or s.staff


def _ticks(s: Standing) -> bool:
    return s.superuser or Role.PO_REFERENT in s.roles


def _edits_plan(s: Standing) -> bool:
    return s.superuser or Role.PO_REFERENT in s.roles or Role.SCHOOL_DIRECTION in s.roles


def _records_values(s: Standing) -> bool:
    return _edits_plan(s) or s.staff


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
        user.is_superuser
        or user.memberships.filter(
            role__in=[Role.FPO_STAFF, Role.PO_REFERENT, Role.SCHOOL_DIRECTION]
        ).exists()
    )


rules.add_perm("pilotage.plan_bulk_actions", works_for_a_federation)
rules.add_perm("pilotage.have_calendar", works_for_a_federation)
rules.add_perm("pilotage.import_indicator_values", imports_indicator_values)
