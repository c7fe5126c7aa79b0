"""The API's access matrix: every endpoint × anonymous (no token), each role of organisation A,
the same role of B, and an administrator, on A's objects. An object outside the token's scope is
a 404 with a French JSON error and no data; the lists hold only what the person's pages show."""

import pytest
from django.urls import reverse

from accounts.models import Role

from .conftest import ADMIN, ANONYMOUS, ROLES, ApiClient, visitors

pytestmark = pytest.mark.django_db

every_role_of_a = {"anonymous": 401, "own": 200, "other": 404, "admin": 200}
staff = {role: 200 if role == Role.FPO_STAFF else 403 for role in ROLES}
report_of_a = {
    "anonymous": 401,
    "own": staff,
    "other": {role: 404 if role == Role.FPO_STAFF else 403 for role in ROLES},
    "admin": 200,
}
public = {"anonymous": 200, "own": 200, "other": 200, "admin": 200}


def _urls(world):
    """Every URL of the API on A's objects, with what each visitor gets."""
    pilotage = world["pilotage"]["A"]
    convention = pilotage["accompaniment"].convention
    return {
        "api:api_school_list": (reverse("api:api_school_list"), {**every_role_of_a, "other": 200}),
        "api:api_school_detail": (
            reverse("api:api_school_detail", args=[world["A"].school.fase]),
            every_role_of_a,
        ),
        "api:api_convention_list": (reverse("api:api_convention_list"), {**every_role_of_a, "other": 200}),
        "api:api_convention_detail": (
            reverse("api:api_convention_detail", args=[convention.reference]),
            every_role_of_a,
        ),
        "api:api_convention_document": (
            reverse("api:api_convention_document", args=[convention.reference, world["document"].revision]),
            every_role_of_a,
        ),
        "api:api_accompaniment_list": (
            reverse("api:api_accompaniment_list"),
            {**every_role_of_a, "other": 200},
        ),
        "api:api_accompaniment_detail": (
            reverse("api:api_accompaniment_detail", args=[pilotage["accompaniment"].pk]),
            every_role_of_a,
        ),
        "api:api_indicator_list": (reverse("api:api_indicator_list"), {**every_role_of_a, "other": 200}),
        "api:api_indicator_detail": (
            reverse("api:api_indicator_detail", args=[pilotage["indicator"].pk]),
            every_role_of_a,
        ),
        "api:api_yearly_report": (
            reverse("api:api_yearly_report") + f"?federation={world['A'].federation.code}",
            report_of_a,
        ),
        "api:openapi-json": (reverse("api:openapi-json"), public),
        "api:openapi-view": (reverse("api:openapi-view"), public),
        "api:api-root": (reverse("api:api-root"), {"anonymous": 404, "own": 404, "other": 404, "admin": 404}),
        "api:api_not_found": (
            reverse("api:api_not_found", args=[f"schools/-{world['A'].school.fase}"]),
            {"anonymous": 404, "own": 404, "other": 404, "admin": 404},
        ),
    }


# The names tests/test_access_matrix.py hands over to this file.
API_URL_NAMES = [
    "api:api_school_list",
    "api:api_school_detail",
    "api:api_convention_list",
    "api:api_convention_detail",
    "api:api_convention_document",
    "api:api_accompaniment_list",
    "api:api_accompaniment_detail",
    "api:api_indicator_list",
    "api:api_indicator_detail",
    "api:api_yearly_report",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:api_not_found",
]


def _expected(expect, who, side):
    if who == ANONYMOUS:
        return expect["anonymous"]
    if who == ADMIN:
        return expect["admin"]
    value = expect["own" if side == "A" else "other"]
    return value[who] if isinstance(value, dict) else value


@pytest.mark.parametrize("name", API_URL_NAMES)
def test_api_access_matrix(api_world, name):
    url, expect = _urls(api_world)[name]
    school_a = api_world["A"].school
    failures = []
    for who, side, client in visitors(api_world):
        response = client.get(url)
        expected = _expected(expect, who, side)
        if response.status_code != expected:
            failures.append(f"{who} ({side or '-'}) : attendu {expected}, reçu {response.status_code}")
        if response.status_code >= 400 and name.startswith("api:api_") and name != "api:api-root":
            body = response.json()
            assert set(body) <= {"detail", "errors"}, body
            assert body["detail"] and school_a.name not in body["detail"]
        if side == "B" and expected != 200:
            assert school_a.name.encode() not in response.content, f"fuite de A vers B par {url}"
    assert not failures, f"{url}\n" + "\n".join(failures)


def test_the_matrix_covers_every_api_url():
    from tests.test_access_matrix import url_names

    assert sorted(name for name in url_names() if name.startswith("api:")) == sorted(API_URL_NAMES)


@pytest.mark.parametrize("path", ["schools", "conventions", "accompaniments", "indicators"])
def test_lists_hold_only_what_the_pages_show(api_world, path):
    """Each role of A sees A's objects and none of B's; the administrator sees both."""
    own = {
        "schools": lambda side, _: {side.school.fase, side.other_school.fase},
        "conventions": lambda _, p: {p["accompaniment"].convention.reference},
        "accompaniments": lambda _, p: {p["accompaniment"].pk},
        "indicators": lambda _, p: {p["indicator"].pk},
    }[path]
    key = {"schools": "fase", "conventions": "reference"}.get(path, "id")
    expected = {label: own(api_world[label], api_world["pilotage"][label]) for label in ("A", "B")}
    for who, side, client in visitors(api_world):
        response = client.get(f"/api/{path}")
        if who == ANONYMOUS:
            assert response.status_code == 401
            continue
        seen = {item[key] for item in response.json()["items"]}
        if who == ADMIN:
            assert expected["A"] | expected["B"] <= seen
            continue
        other = "B" if side == "A" else "A"
        assert not seen & expected[other], f"{who} de {side} voit des {path} de {other}"
        if path == "schools" and who in (Role.SCHOOL_DIRECTION, Role.DCO):
            assert seen == {api_world[side].school.fase}
        else:
            assert seen == expected[side], f"{who} de {side} : {seen}"


def test_another_federations_adviser_sees_none_of_this_federations_schools(api_world):
    adviser_b = ApiClient(api_world["tokens"][(Role.FPO_ADVISER, "B")])
    side_a = api_world["A"]
    listed = adviser_b.get("/api/schools", limit=500).json()
    assert listed["count"] == 2
    assert {school["federation"] for school in listed["items"]} == {api_world["B"].federation.code}
    for school in (side_a.school, side_a.other_school):
        response = adviser_b.get(f"/api/schools/{school.fase}")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Introuvable : cet objet n'existe pas ou n'est pas dans votre périmètre."
        }
    for path in ("accompaniments", "indicators", "conventions"):
        assert side_a.school.name.encode() not in adviser_b.get(f"/api/{path}").content


def test_private_notes_never_appear(api_world):
    for _who, _side, client in visitors(api_world):
        for path in ("schools", "conventions", "accompaniments", "indicators"):
            assert b"Note priv" not in client.get(f"/api/{path}").content
