from .memberships import Invitation, Membership, OrganisationLink, organisation_kind
from .organisations import (
    Address,
    Federation,
    GuidanceCentre,
    OrganisingAuthority,
    School,
    membership_ids,
    postcode_validator,
)
from .roles import ORGANISATION_FIELDS, ROLES_BY_ORGANISATION_KIND, OrganisationKind, Role
from .users import User, UserManager

__all__ = [
    "ORGANISATION_FIELDS",
    "ROLES_BY_ORGANISATION_KIND",
    "Address",
    "Federation",
    "GuidanceCentre",
    "Invitation",
    "Membership",
    "OrganisationKind",
    "OrganisationLink",
    "OrganisingAuthority",
    "Role",
    "School",
    "User",
    "UserManager",
    "membership_ids",
    "organisation_kind",
    "postcode_validator",
]
