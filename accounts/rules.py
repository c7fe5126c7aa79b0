"""Who may do what to which organisation. Views, templates and services ask these rules."""

import rules

from .models import (
    ROLES_BY_ORGANISATION_KIND,
    Federation,
    Membership,
    OrganisationKind,
    OrganisingAuthority,
    Role,
    School,
    organisation_kind,
)


def _holds(user, role, **organisation) -> bool:
    return Membership.objects.filter(user=user, role=role, **organisation).exists()


@rules.predicate
def is_administrator(user):
    return user.is_authenticated and user.is_superuser


def invitable_roles(user, organisation) -> list[Role]:
    """The roles `user` may invite someone to in `organisation`.

    Federation staff invite to their federation and to the POs affiliated to it;
    a PO référent invites to their PO and to its schools."""
    if not user.is_authenticated or organisation is None:
        return []
    kind = organisation_kind(organisation)
    if user.is_superuser:
        return list(ROLES_BY_ORGANISATION_KIND[kind])
    if kind == OrganisationKind.FEDERATION and _holds(user, Role.FPO_STAFF, federation=organisation):
        return [Role.FPO_STAFF, Role.FPO_ADVISER, Role.SIGNATORY]
    if kind == OrganisationKind.ORGANISING_AUTHORITY and (
        _holds(user, Role.PO_REFERENT, organising_authority=organisation)
        or _holds(user, Role.FPO_STAFF, federation__in=organisation.federations.all())
    ):
        return [Role.PO_REFERENT, Role.SIGNATORY]
    if kind == OrganisationKind.SCHOOL and _holds(
        user, Role.PO_REFERENT, organising_authority=organisation.organising_authority_id
    ):
        return [Role.SCHOOL_DIRECTION]
    return []


def invitable_organisations(user) -> list:
    """Every organisation in which `user` may invite someone, for the invitation form."""
    if not user.is_authenticated:
        return []
    staff_of = Federation.objects.filter(
        pk__in=user.memberships.filter(role=Role.FPO_STAFF).values("federation")
    )
    referent_of = OrganisingAuthority.objects.filter(
        pk__in=user.memberships.filter(role=Role.PO_REFERENT).values("organising_authority")
    )
    if user.is_superuser:
        staff_of, referent_of = Federation.objects.all(), OrganisingAuthority.objects.all()
    organising_authorities = OrganisingAuthority.objects.filter(federations__in=staff_of) | referent_of
    return [
        *staff_of,
        *organising_authorities.distinct(),
        *School.objects.filter(organising_authority__in=referent_of),
    ]


@rules.predicate
def can_invite(user, organisation):
    return bool(invitable_roles(user, organisation))


@rules.predicate
def may_invite_someone(user):
    return user.is_authenticated and (
        user.is_superuser or user.memberships.filter(role__in=[Role.FPO_STAFF, Role.PO_REFERENT]).exists()
    )


rules.add_perm("accounts.invite_to_organisation", can_invite)
rules.add_perm("accounts.invite_people", may_invite_someone)
