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


def invitable_roles(user, organisation) -> list[Role]:
    """The roles `user` may invite someone to in `organisation`.

    Federation staff invite into their federation, and the first référent of a PO affiliated
    to it (so that a new PO can start); from then on the PO's référent invites its own people
    (référents, signatories) and its schools' directions."""
    if not user.is_authenticated or organisation is None:
        return []
    kind = organisation_kind(organisation)
    if user.is_superuser:
        return list(ROLES_BY_ORGANISATION_KIND[kind])
    if kind == OrganisationKind.FEDERATION and _holds(user, Role.FPO_STAFF, federation=organisation):
        return [Role.FPO_STAFF, Role.FPO_ADVISER, Role.SIGNATORY]
    if kind == OrganisationKind.ORGANISING_AUTHORITY:
        if _holds(user, Role.PO_REFERENT, organising_authority=organisation):
            return [Role.PO_REFERENT, Role.SIGNATORY]
        if _holds(user, Role.FPO_STAFF, federation__in=organisation.federations.all()) and not (
            Membership.objects.filter(role=Role.PO_REFERENT, organising_authority=organisation).exists()
        ):
            return [Role.PO_REFERENT]
    if kind == OrganisationKind.SCHOOL and _holds(
        user, Role.PO_REFERENT, organising_authority=organisation.organising_authority_id
    ):
        return [Role.SCHOOL_DIRECTION]
    return []


def invitable_organisations(user) -> list:
    """The organisations offered in the invitation form (each still checked by
    `invitable_roles`). Administrators invite into federations and POs here; anything
    else, they do in the admin."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return [*Federation.objects.all(), *OrganisingAuthority.objects.all()]
    staff_of = Federation.objects.staffed_by(user)
    referent_of = OrganisingAuthority.objects.filter(
        pk__in=user.memberships.filter(role=Role.PO_REFERENT).values("organising_authority")
    )
    with_referent = Membership.objects.filter(role=Role.PO_REFERENT).values("organising_authority")
    first_referent_wanted = OrganisingAuthority.objects.filter(federations__in=staff_of).exclude(
        pk__in=with_referent
    )
    return [
        *staff_of,
        *(first_referent_wanted | referent_of).distinct(),
        *School.objects.filter(organising_authority__in=referent_of),
    ]


@rules.predicate
def may_invite_someone(user):
    return user.is_authenticated and (
        user.is_superuser or user.memberships.filter(role__in=[Role.FPO_STAFF, Role.PO_REFERENT]).exists()
    )


rules.add_perm("accounts.invite_people", may_invite_someone)


def can_read_audit_trail(user, federation_id=None) -> bool:
    """Whether `user` reads the audit trail (journal des modifications): administrators, and
    federation staff for their own federation (for any of them when `federation_id` is None)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    staff = Membership.objects.filter(user=user, role=Role.FPO_STAFF, federation__isnull=False)
    if federation_id is not None:
        staff = staff.filter(federation=federation_id)
    return staff.exists()
