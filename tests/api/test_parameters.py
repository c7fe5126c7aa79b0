"""Pages, `updated_since`, and bad input: a bad filter is a 400 in French, an id outside the
scope a 404, never a 500 and never data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, School
from core.school_years import current_school_year
from pilotage.models import Accompaniment, ActionRecord, Indicator, IndicatorValue
from tests.accounts.factories import SchoolFactory

from .conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_a(api_world):
    return ApiClient(api_world["tokens"][(Role.FPO_STAFF, "A")])


def test_pages_go_through_every_school_once(side_a, staff_a):
    for n in range(5):
        SchoolFactory(
            name=f"École ajoutée {n}",
            organising_authority=side_a.organising_authority,
            federation=side_a.federation,
        )
    pages = [staff_a.get("/api/schools", limit=3, offset=offset).json() for offset in (0, 3, 6)]
    assert [page["count"] for page in pages] == [7, 7, 7]
    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    seen = [school["fase"] for page in pages for school in page["items"]]
    assert seen == sorted(seen) and len(set(seen)) == 7
    assert set(seen) == set(
        School.objects.filter(federation=side_a.federation).values_list("fase", flat=True)
    )


def test_updated_since_gives_only_what_changed(api_world, staff_a):
    side_a, pilotage = api_world["A"], api_world["pilotage"]["A"]
    long_ago = timezone.now() - timedelta(days=30)
    School.objects.update(updated_at=long_ago)
    Accompaniment.objects.update(updated_at=long_ago)
    ActionRecord.objects.update(updated_at=long_ago)
    Indicator.objects.update(updated_at=long_ago)
    IndicatorValue.objects.update(recorded_at=long_ago)
    yesterday = (timezone.localtime() - timedelta(days=1)).replace(tzinfo=None).isoformat(timespec="seconds")
    for path in ("schools", "accompaniments", "indicators"):
        assert staff_a.get(f"/api/{path}", updated_since=yesterday).json()["count"] == 0
    school = side_a.other_school
    school.name = "Athénée renommé"
    school.save()
    action = ActionRecord.objects.get(pk=pilotage["action"].pk)
    action.location = "Salle des profs"
    action.save()
    value = IndicatorValue.objects.get(indicator=pilotage["indicator"])
    value.value = 52
    value.save()
    changed = staff_a.get("/api/schools", updated_since=yesterday).json()
    assert [item["fase"] for item in changed["items"]] == [school.fase]
    accompaniments = staff_a.get("/api/accompaniments", updated_since=yesterday).json()["items"]
    assert [item["id"] for item in accompaniments] == [pilotage["accompaniment"].pk]
    indicators = staff_a.get("/api/indicators", updated_since=yesterday).json()["items"]
    assert [item["values"][0]["value"] for item in indicators] == ["52.000"]
    # At the edges of the calendar: everything, or nothing (and no overflow).
    assert staff_a.get("/api/schools", updated_since="0001-01-01T00:00:00+14:00").json()["count"] == 2
    assert staff_a.get("/api/schools", updated_since="9999-12-31T23:59:59-14:00").json()["count"] == 0
    # With a time zone, the same instant.
    aware = (timezone.now() - timedelta(days=1)).isoformat()
    assert staff_a.get("/api/schools", updated_since=aware).json()["count"] == 1


BAD_FILTERS = [
    ("/api/schools", {"updated_since": "hier"}, "updated_since"),
    ("/api/schools", {"updated_since": "2025-13-45T00:00:00"}, "updated_since"),
    ("/api/schools", {"limit": "-1"}, "limit"),
    ("/api/schools", {"limit": "0"}, "limit"),
    ("/api/schools", {"limit": "100000"}, "limit"),
    ("/api/schools", {"limit": "beaucoup"}, "limit"),
    ("/api/conventions", {"offset": "-5"}, "offset"),
    ("/api/accompaniments", {"offset": "99999999999999999999999"}, "offset"),
    ("/api/indicators", {"limit": "1.5"}, "limit"),
    ("/api/reports/yearly", {}, "federation"),
    ("/api/reports/yearly", {"federation": "FPO-A", "year": "l'an passé"}, "year"),
    ("/api/reports/yearly", {"federation": "FPO-A", "year": "1800"}, "year"),
    ("/api/reports/yearly", {"federation": "X" * 300}, "federation"),
]


@pytest.mark.parametrize("path, params, parameter", BAD_FILTERS)
def test_a_bad_filter_is_a_400_in_french(staff_a, path, params, parameter):
    response = staff_a.get(path, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Paramètres invalides")
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert "items" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/schools/99999999",
        "/api/schools/-1",
        "/api/schools/abc",
        "/api/nimporte/quoi",
        "/api/schools/99999999999999999999999",
        "/api/conventions/INCONNUE-0001",
        "/api/conventions/INCONNUE-0001/documents/0.pdf",
        "/api/accompaniments/999999",
        "/api/accompaniments/99999999999999999999999",
        "/api/indicators/999999",
        "/api/reports/yearly?federation=INCONNUE",
    ],
)
def test_an_unknown_id_is_a_404_in_french(staff_a, path):
    response = staff_a.client.get(path, headers={"Authorization": f"Bearer {staff_a.token}"})
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Introuvable : cet objet n'existe pas ou n'est pas dans votre périmètre."
    }


def test_a_document_of_another_convention_is_a_404(api_world):
    """A's PDF through B's staff token, and a revision that does not exist."""
    reference = api_world["pilotage"]["A"]["accompaniment"].convention.reference
    staff_b = ApiClient(api_world["tokens"][(Role.FPO_STAFF, "B")])
    assert staff_b.get(f"/api/conventions/{reference}/documents/0.pdf").status_code == 404
    staff_a = ApiClient(api_world["tokens"][(Role.FPO_STAFF, "A")])
    pdf = staff_a.get(f"/api/conventions/{reference}/documents/0.pdf")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.7 test A"
    assert staff_a.get(f"/api/conventions/{reference}/documents/7.pdf").status_code == 404


def test_the_report_is_for_the_federations_staff(api_world):
    code = api_world["A"].federation.code
    adviser = ApiClient(api_world["tokens"][(Role.FPO_ADVISER, "A")])
    refused = adviser.get("/api/reports/yearly", federation=code)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Le rapport annuel est réservé au personnel de fédération."}
    staff = ApiClient(api_world["tokens"][(Role.FPO_STAFF, "A")])
    report = staff.get("/api/reports/yearly", federation=code.lower(), year=2024).json()
    assert report["school_year"] == "2024-2025" and report["federation"] == code
    assert {row["fase"] for row in report["items"]} == {
        api_world["A"].school.fase,
        api_world["A"].other_school.fase,
    }


def test_only_get(staff_a):
    response = staff_a.client.post("/api/schools", headers={"Authorization": f"Bearer {staff_a.token}"})
    assert response.status_code == 405


def test_a_page_of_schools_costs_the_same_few_queries_whatever_their_number(
    side_a, django_assert_max_num_queries
):
    client = ApiClient(token_for(side_a.users[Role.FPO_STAFF]))
    with django_assert_max_num_queries(6):
        assert client.get("/api/schools").status_code == 200
    for _ in range(20):
        SchoolFactory(organising_authority=side_a.organising_authority, federation=side_a.federation)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/schools").json()["items"]) == 22


def test_an_instant_written_unencoded_in_the_url_is_understood(staff_a):
    """The example of the error message, pasted as it is: its « + » arrives as a space."""
    response = staff_a.client.get(
        "/api/schools?updated_since=2025-09-01T00:00:00+02:00",
        headers={"Authorization": f"Bearer {staff_a.token}"},
    )
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_report_for_a_year_that_has_not_begun_is_refused_in_french(api_world, staff_a):
    coming = current_school_year() + 1
    response = staff_a.get("/api/reports/yearly", federation=api_world["A"].federation.code, year=coming)
    assert response.status_code == 400
    assert f"l'année scolaire {coming}-{coming + 1} n'a pas encore commencé" in response.json()["detail"]
