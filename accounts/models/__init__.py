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
from .tokens import ApiToken, hash_token, new_raw_token
from .users import User, UserManager, users_deactivated

__all__ = [
    "ORGANISATION_FIELDS",
    "ROLES_BY_ORGANISATION_KIND",
    "Address",
    "ApiToken",
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
    "users_deactivated",
    "hash_token",
    "membership_ids",
    "new_raw_token",
    "organisation_kind",
    "postcode_validator",
]
