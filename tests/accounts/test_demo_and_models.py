import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from accounts.demo import DEMO_PASSWORD
from accounts.models import Federation, Membership, OrganisingAuthority, Role, School, User
from tests.accounts.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def test_load_demo_is_faithful_complete_and_idempotent(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    counts = (
        Federation.objects.count(),
        OrganisingAuthority.objects.count(),
        School.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("load_demo")
    assert (
        Federation.objects.count(),
        OrganisingAuthority.objects.count(),
        School.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts

    cpeons = Federation.objects.get(code="CPEONS")
    assert cpeons.address == "Rue des Minimes 87-89, 1000 Bruxelles"
    bruxelles = OrganisingAuthority.objects.get(name="Ville de Bruxelles")
    assert set(bruxelles.federations.values_list("code", flat=True)) == {"CPEONS", "CECP"}
    adolphe_max = School.objects.get(fase=104)
    assert (adolphe_max.name, adolphe_max.address) == (
        "École primaire Adolphe Max",
        "Rue Charles-Quint 31, 1000 Bruxelles",
    )
    assert adolphe_max.organising_authority == bruxelles
    signatories = {
        (m.user.get_full_name(), m.function)
        for m in Membership.objects.filter(role=Role.SIGNATORY).select_related("user")
    }
    assert ("Roberto Galluccio", "Administrateur délégué du CPEONS") in signatories
    assert ("Fanny Constant", "Secrétaire générale") in signatories
    assert (
        "Faouzia Hariche",
        "Échevine de l'Instruction publique, de la Jeunesse et des Ressources humaines",
    ) in signatories
    assert ("Luc Symoens", "Secrétaire communal de la Ville de Bruxelles") in signatories

    assert (
        Federation.objects.count() >= 2
        and OrganisingAuthority.objects.count() >= 4
        and School.objects.count() >= 30
    )
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(is_superuser=True).exists()
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.email

    # The accounts are printed for the newcomer, with the password.
    assert "pilotis-demo" in first
    assert "staff.cpeons@pilotis.example" in first and "direction.adolphemax@pilotis.example" in first


def test_a_role_must_fit_the_kind_of_organisation(side_a):
    wrong = Membership(user=UserFactory(), role=Role.SCHOOL_DIRECTION, federation=side_a.federation)
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "Ce rôle n'existe pas pour fédération de PO." in str(error.value)
    with pytest.raises(IntegrityError):
        wrong.save()


def test_a_membership_points_at_exactly_one_organisation(side_a):
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=UserFactory(),
            role=Role.SIGNATORY,
            federation=side_a.federation,
            organising_authority=side_a.organising_authority,
        )


def test_the_same_role_twice_in_one_organisation_is_refused(side_a):
    user = side_a.users[Role.PO_REFERENT]
    with pytest.raises(IntegrityError):
        MembershipFactory(user=user, role=Role.PO_REFERENT, organising_authority=side_a.organising_authority)


def test_fase_is_unique(side_a):
    with pytest.raises(IntegrityError):
        SchoolFactory(fase=side_a.school.fase)


def test_school_federation_must_be_one_its_po_is_affiliated_to(side_a, side_b):
    school = side_a.school
    school.federation = side_b.federation
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert "n'est pas affilié à cette fédération" in str(error.value)


def test_bad_postcode_is_refused_in_french(side_a):
    school = side_a.school
    school.postcode = "75001"
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert "quatre chiffres" in str(error.value)


def test_home_query_count_does_not_grow_with_schools(client, side_a, queries_stay_flat):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = queries_stay_flat(
        "/",
        grow=lambda: SchoolFactory.create_batch(
            30, organising_authority=side_a.organising_authority, federation=side_a.federation
        ),
        # The « À faire » lists of federation staff cost one query or two each, whatever the count.
        at_most=22,
    )
    assert "Vous suivez 32 écoles" in text_of(response)
