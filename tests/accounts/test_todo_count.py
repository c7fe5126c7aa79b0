"""The « À faire » count in the navigation: drawn at once on the home page (which has the
list), asked apart by the other pages, so that they do not pay for it."""

import pytest

from accounts.models import Role

pytestmark = pytest.mark.django_db


def test_other_pages_ask_for_the_count_apart(client, side_a, django_assert_max_num_queries):
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = client.get("/ecoles/").content.decode()
    assert 'hx-get="/a-faire/compte/"' in page
    home = client.get("/").content.decode()
    assert 'hx-get="/a-faire/compte/"' not in home
    with django_assert_max_num_queries(15):
        badge = client.get("/a-faire/compte/", headers={"HX-Request": "true"})
    assert badge.status_code == 200
    assert "<html" not in badge.content.decode()
