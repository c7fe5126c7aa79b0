import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Federation, Membership, OrganisingAuthority, Role, School
from tests.accounts.factories import MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_federation_sees_its_affiliated_schools_and_pos_only(side_a, side_b):
    staff = side_a.users[Role.FPO_STAFF]
    assert set(School.objects.visible_to(staff)) == {side_a.school, side_a.other_school}
    assert list(OrganisingAuthority.objects.visible_to(staff)) == [side_a.organising_authority]
    assert list(Federation.objects.visible_to(staff)) == [side_a.federation]


def test_federation_does_not_see_a_school_of_a_shared_po_affiliated_elsewhere(side_a, side_b):
    # The Ville de Bruxelles belongs to CPEONS and CECP: each sees only its own schools.
    side_a.organising_authority.federations.add(side_b.federation)
    school_of_b = SchoolFactory(
        organising_authority=side_a.organising_authority, federation=side_b.federation
    )
    assert school_of_b not in School.objects.visible_to(side_a.users[Role.FPO_ADVISER])
    assert school_of_b in School.objects.visible_to(side_b.users[Role.FPO_ADVISER])
    assert school_of_b in School.objects.visible_to(side_a.users[Role.PO_REFERENT])


def test_po_referent_sees_the_schools_of_their_po(side_a, side_b):
    referent = side_a.users[Role.PO_REFERENT]
    assert set(School.objects.visible_to(referent)) == {side_a.school, side_a.other_school}
    assert list(OrganisingAuthority.objects.visible_to(referent)) == [side_a.organising_authority]


def test_direction_and_dco_see_their_school_only(side_a, side_b):
    for role in (Role.SCHOOL_DIRECTION, Role.DCO):
        assert list(School.objects.visible_to(side_a.users[role])) == [side_a.school]


def test_a_user_with_several_roles_sees_the_union(side_a, side_b):
    user = side_a.users[Role.SCHOOL_DIRECTION]
    MembershipFactory(user=user, role=Role.PO_REFERENT, organising_authority=side_b.organising_authority)
    assert set(School.objects.visible_to(user)) == {side_a.school, side_b.school, side_b.other_school}


def test_user_without_role_sees_nothing_and_superuser_everything(side_a, side_b, admin_user):
    assert not School.objects.visible_to(UserFactory()).exists()
    assert School.objects.visible_to(admin_user).count() == 4


def test_people_visible_are_those_of_visible_organisations(side_a, side_b):
    referent = side_a.users[Role.PO_REFERENT]
    people = set(Membership.objects.visible_to(referent).values_list("user__email", flat=True))
    assert side_a.users[Role.SCHOOL_DIRECTION].email in people
    assert side_b.users[Role.SCHOOL_DIRECTION].email not in people


def test_the_federations_a_user_staffs(side_a, side_b, admin_user):
    """One rule for "the federations where the user is staff", used by every app."""
    staff = side_a.users[Role.FPO_STAFF]
    assert list(Federation.objects.staffed_by(staff)) == [side_a.federation]
    assert not Federation.objects.staffed_by(side_a.users[Role.FPO_ADVISER]).exists()
    assert not Federation.objects.staffed_by(side_a.users[Role.PO_REFERENT]).exists()
    assert not Federation.objects.staffed_by(AnonymousUser()).exists()
    assert set(Federation.objects.staffed_by(admin_user)) == set(Federation.objects.all())
