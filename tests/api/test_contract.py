"""The API keeps its word: `/api/openapi.json` is a valid OpenAPI document, and schemathesis
calls every operation through the WSGI application with generated parameters (valid and
invalid), checking each response (status, content type, body) against that document, and that
no call ends in a 500."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from accounts.models import Role

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (`request_finished`),
    which on PostgreSQL ends the test's transaction; Django's test client disconnects that
    receiver for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_openapi_document_validates(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    paths = set(document["paths"])
    assert {"/api/schools", "/api/conventions", "/api/accompaniments", "/api/indicators"} <= paths
    assert "/api/reports/yearly" in paths
    assert all(set(operations) == {"get"} for operations in document["paths"].values())


def test_the_docs_page_serves_swagger_ui_from_the_applications_own_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        served = client.get(f"/static/ninja/{asset}")
        served.close()
        assert served.status_code == 200


def test_every_response_matches_the_openapi_document(api_world):
    """Generated calls, operation by operation, with A's staff token (schemathesis's pytest
    plugin does not run under this pytest: its strategies are driven by hypothesis here)."""
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    token = api_world["tokens"][(Role.FPO_STAFF, "A")]
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) == 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            case.call_and_validate()

        check()


def test_real_responses_of_each_endpoint_match_the_document(api_world):
    """Beside the generated calls: the endpoints on the world's real objects (which generated
    ids rarely hit), through the same schema."""
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    pilotage = api_world["pilotage"]["A"]
    reference = pilotage["accompaniment"].convention.reference
    token = api_world["tokens"][(Role.FPO_STAFF, "A")]
    calls = [
        ("/api/schools/{fase}", {"fase": api_world["A"].school.fase}, {}),
        ("/api/conventions/{reference}", {"reference": reference}, {}),
        (
            "/api/conventions/{reference}/documents/{revision}.pdf",
            {"reference": reference, "revision": 0},
            {},
        ),
        ("/api/accompaniments/{pk}", {"pk": pilotage["accompaniment"].pk}, {}),
        ("/api/indicators/{pk}", {"pk": pilotage["indicator"].pk}, {}),
        ("/api/reports/yearly", {}, {"federation": api_world["A"].federation.code, "year": 2024}),
        ("/api/schools", {}, {"updated_since": "hier"}),
    ]
    for path, path_parameters, query in calls:
        case = loaded[path]["GET"].Case(
            path_parameters=path_parameters, query=query, headers={"Authorization": f"Bearer {token}"}
        )
        response = case.call()
        assert response.status_code in (200, 400), (path, response.status_code)
        case.validate_response(response)
    # And without a token: the 401 is described too.
    case = loaded["/api/schools"]["GET"].Case()
    case.validate_response(case.call())
    assert ApiClient().get("/api/schools").status_code == 401
