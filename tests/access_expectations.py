"""What each kind of visitor of the access matrix gets: the vocabulary of its rows."""

from dataclasses import dataclass

from accounts.models import Role

ANONYMOUS = "anonyme"
ADMIN = "administrateur"
ROLES = list(Role)
LOGIN = "/comptes/login/"


@dataclass(frozen=True)
class Expect:
    """What each kind of visitor gets. `own` is a role of the organisation the URL's object
    belongs to (A), `other` the same role in organisation B."""

    anonymous: object
    own: dict | object
    other: dict | object
    admin: object

    def for_visitor(self, who, side):
        if who == ANONYMOUS:
            return self.anonymous
        if who == ADMIN:
            return self.admin
        expected = self.own if side == "A" else self.other
        return expected[who] if isinstance(expected, dict) else expected


LOGIN_REQUIRED = "redirection vers la connexion"
ANY_ACCOUNT_PAGE = "page du compte (200 ou redirection dans /comptes/)"

private = Expect(anonymous=LOGIN_REQUIRED, own=200, other=200, admin=200)
public = Expect(anonymous=200, own=200, other=200, admin=200)
account_page = Expect(
    anonymous=LOGIN_REQUIRED, own=ANY_ACCOUNT_PAGE, other=ANY_ACCOUNT_PAGE, admin=ANY_ACCOUNT_PAGE
)
account_public = Expect(anonymous=200, own=ANY_ACCOUNT_PAGE, other=ANY_ACCOUNT_PAGE, admin=ANY_ACCOUNT_PAGE)


# Pages about one's own authenticator: 404 where the user has none (only federation staff
# and administrators have TOTP in this world).
totp_owners = {role: ANY_ACCOUNT_PAGE if role == Role.FPO_STAFF else 404 for role in ROLES}
own_authenticator = Expect(
    anonymous=LOGIN_REQUIRED, own=totp_owners, other=totp_owners, admin=ANY_ACCOUNT_PAGE
)
reauthentication_by_code = Expect(anonymous=LOGIN_REQUIRED, own=403, other=403, admin=403)
no_recovery_codes = Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404)
staff_only = {role: 200 if role == Role.FPO_STAFF else 403 for role in ROLES}
staff_edits = {role: 200 if role == Role.FPO_STAFF else 403 for role in ROLES}
own_batch = {role: 200 if role == Role.FPO_STAFF else 404 for role in ROLES}
inviters = {role: 200 if role in (Role.FPO_STAFF, Role.PO_REFERENT) else 403 for role in ROLES}

# Pilotage, on A's accompaniment (A's adviser assigned to it). Recording (steps, actions,
# notes) is for the federation's staff and the assigned adviser: a 404 for everyone else, who
# must not learn that the page exists. The PO référent ticks the PO's engagements; the référent
# and the direction fill the plan (federation staff may record indicator values too); the
# other people of A who see the school get a 403.
recorders = {role: 200 if role in (Role.FPO_STAFF, Role.FPO_ADVISER) else 404 for role in ROLES}
federation_people = {role: 200 if role in (Role.FPO_STAFF, Role.FPO_ADVISER) else 403 for role in ROLES}
tickers = {role: 200 if role == Role.PO_REFERENT else 403 for role in ROLES}
plan_editors = {role: 200 if role in (Role.PO_REFERENT, Role.SCHOOL_DIRECTION) else 403 for role in ROLES}
value_recorders = {
    role: 200 if role in (Role.PO_REFERENT, Role.SCHOOL_DIRECTION, Role.FPO_STAFF) else 403 for role in ROLES
}
starters = {role: 200 if role == Role.FPO_STAFF else 404 for role in ROLES}
