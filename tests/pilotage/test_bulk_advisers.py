"""Advisers assigned to many schools at once by the federation's staff, each adviser's load
against their ETP in view; the page's queries do not grow with the schools."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.models import Role
from pilotage.models import AdviserAssignment, AdviserProfile
from tests.accounts.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.pilotage.factories import accompany
from tests.utils import text_of

pytestmark = pytest.mark.django_db
URL = reverse("pilotage_bulk_advisers")


@pytest.fixture
def schools(side_a):
    """Three schools of A: the first two followed by A's adviser, the third by nobody."""
    third = SchoolFactory(name="École C 3", organising_authority=side_a.organising_authority)
    return [
        accompany(side_a),
        accompany(side_a, school=side_a.other_school),
        accompany(side_a, school=third, assign=False),
    ]


@pytest.fixture
def newcomer(side_a):
    """A second adviser of A, half time."""
    user = UserFactory(first_name="Nora", last_name="Nouvelle")
    MembershipFactory(user=user, role=Role.FPO_ADVISER, federation=side_a.federation)
    AdviserProfile.objects.create(user=user, federation=side_a.federation, fte=Decimal("0.50"))
    return user


def _load_of(response, name) -> list[str]:
    table = BeautifulSoup(response.content, "html.parser").find("table", id="charge")
    for row in table.tbody.find_all("tr"):
        cells = [cell.get_text(strip=True) for cell in row.find_all("td")]
        if cells[0] == name:
            return cells[1:]
    raise AssertionError(f"{name} absent de la charge")


def test_staff_assign_an_adviser_to_the_ticked_schools_and_see_the_load_change(
    client, side_a, schools, newcomer
):
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = client.get(URL)
    assert _load_of(page, "Nora Nouvelle") == ["0,50", "0", "0,0"]
    adviser_a = str(side_a.users[Role.FPO_ADVISER])
    assert _load_of(page, adviser_a) == ["1,00", "2", "2,0"]

    response = client.post(
        URL, {"accompaniments": [schools[1].pk, schools[2].pk], "adviser": newcomer.pk}, follow=True
    )
    assert "Conseiller désigné pour 2 écoles : Nora Nouvelle." in text_of(response)
    assert _load_of(response, "Nora Nouvelle") == ["0,50", "2", "4,0"]
    assert _load_of(response, adviser_a) == ["1,00", "2", "2,0"]  # added beside, not replaced
    assert set(
        AdviserAssignment.objects.filter(accompaniment=schools[1]).values_list("adviser", flat=True)
    ) == {
        side_a.users[Role.FPO_ADVISER].pk,
        newcomer.pk,
    }
    # Each assignment is in the history, with who made it.
    assert AdviserAssignment.history.filter(adviser=newcomer, history_type="+").count() == 2

    # Twice: nothing more.
    response = client.post(
        URL, {"accompaniments": [schools[1].pk, schools[2].pk], "adviser": newcomer.pk}, follow=True
    )
    assert "Rien n'a changé" in text_of(response)
    assert AdviserAssignment.objects.filter(adviser=newcomer).count() == 2


def test_replace_makes_the_adviser_the_only_one(client, side_a, schools, newcomer):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.post(
        URL,
        {"accompaniments": [schools[0].pk, schools[1].pk], "adviser": newcomer.pk, "replace": "on"},
        follow=True,
    )
    assert _load_of(response, str(side_a.users[Role.FPO_ADVISER]))[1] == "0"
    assert _load_of(response, "Nora Nouvelle")[1] == "2"
    assert list(
        AdviserAssignment.objects.filter(accompaniment=schools[0]).values_list("adviser", flat=True)
    ) == [newcomer.pk]


def test_the_filters_narrow_the_list(client, side_a, schools):
    client.force_login(side_a.users[Role.FPO_STAFF])
    without = text_of(client.get(URL, {"adviser": "none"}))
    assert "École C 3" in without and "École A 1" not in without
    followed = text_of(client.get(URL, {"adviser": side_a.users[Role.FPO_ADVISER].pk}))
    assert "École A 1" in followed and "Athénée A 2" in followed and "École C 3" not in followed


def test_foreign_schools_advisers_and_federations_are_refused(client, side_a, side_b, schools):
    foreign_school = accompany(side_b)
    foreign_adviser = side_b.users[Role.FPO_ADVISER]
    client.force_login(side_a.users[Role.FPO_STAFF])
    before = set(AdviserAssignment.objects.values_list("pk", flat=True))

    response = client.post(URL, {"accompaniments": [schools[2].pk], "adviser": foreign_adviser.pk})
    assert "Sélectionnez un choix valide" in text_of(response)
    response = client.post(
        URL,
        {"accompaniments": [schools[2].pk, foreign_school.pk], "adviser": side_a.users[Role.FPO_ADVISER].pk},
    )
    assert "Sélectionnez un choix valide" in text_of(response)
    assert set(AdviserAssignment.objects.values_list("pk", flat=True)) == before
    assert client.get(URL, {"federation": side_b.federation.pk}).status_code == 404

    client.force_login(side_a.users[Role.FPO_ADVISER])
    assert client.get(URL).status_code == 403


def test_an_adviser_whose_role_ended_is_flagged_and_blocks_adding_but_not_replacing(
    client, side_a, schools, newcomer
):
    side_a.users[Role.FPO_ADVISER].memberships.filter(role=Role.FPO_ADVISER).delete()
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert "n'est plus conseiller" in text_of(client.get(URL))
    response = client.post(URL, {"accompaniments": [schools[0].pk, schools[2].pk], "adviser": newcomer.pk})
    text = text_of(response)
    assert "Rien n'a été enregistré" in text and "École A 1 :" in text
    assert not AdviserAssignment.objects.filter(adviser=newcomer).exists()
    client.post(
        URL, {"accompaniments": [schools[0].pk, schools[2].pk], "adviser": newcomer.pk, "replace": "on"}
    )
    assert AdviserAssignment.objects.filter(adviser=newcomer).count() == 2


def test_the_page_makes_as_many_queries_for_40_schools_as_for_5(client, side_a, queries_stay_flat, newcomer):
    def add_schools(count):
        for _ in range(count):
            accompaniment = accompany(
                side_a, school=SchoolFactory(organising_authority=side_a.organising_authority), assign=False
            )
            AdviserAssignment.objects.create(accompaniment=accompaniment, adviser=newcomer)

    add_schools(5)
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = queries_stay_flat(URL, grow=lambda: add_schools(35), at_most=30)
    assert _load_of(response, "Nora Nouvelle")[1] == "40"


def test_each_label_of_the_page_names_its_own_control(client, side_a, schools, newcomer):
    # The filters and the assignment form both have an `adviser` field: « Conseiller à
    # désigner » used to point at the filter's select, the first with that id.
    client.force_login(side_a.users[Role.FPO_STAFF])
    soup = BeautifulSoup(client.get(URL).content, "html.parser")
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for label in soup.find("main").find_all("label", attrs={"for": True}):
        control = soup.find(id=label["for"])
        assert control is not None, label
        if label.get_text(strip=True).startswith("Conseiller à désigner"):
            assert control.find("option", string=lambda text: text and "Nora Nouvelle — 0 école(s)" in text)
