"""The page of an uncaught error: a database out of reach is said in French with a 503 (the
two-node restart test, tests/ops/test_database_restart.py, shows it under gunicorn); any other
error keeps the generic 500 page. Neither shows a traceback or the server's address."""

import pytest

from tests.utils import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.failing_urls")]


@pytest.fixture
def visitor(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", ["/panne/refus/", "/panne/fermee/"])
def test_a_database_out_of_reach_gets_a_french_503_that_asks_to_retry(visitor, path):
    response = visitor.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = text_of(response)
    assert "La base de données est momentanément indisponible." in page
    assert "réessayez dans un instant" in page
    assert "5432" not in page and "Traceback" not in page


def test_another_error_keeps_the_generic_page(visitor):
    response = visitor.get("/panne/bogue/")

    assert response.status_code == 500
    assert "Une erreur est survenue" in text_of(response)
    assert "momentanément indisponible" not in text_of(response)
