"""What a shared computer keeps after the person leaves: no page or document in a cache, and no
session that outlives 30 minutes of absence (or 10 hours since sign-in)."""

import pytest

from accounts import session_timeouts
from accounts.models import Role
from pilotage.services.calendar import calendar_feed_of
from tests.accounts.factories import PASSWORD
from tests.conventions.factories import convention_for
from tests.utils import text_of

pytestmark = pytest.mark.django_db

MINUTE = 60


@pytest.fixture
def clock(monkeypatch):
    """The sessions' clock, moved forward by hand (`clock.advance(minutes)`)."""

    class Clock:
        moment = 1_800_000_000.0

        def advance(self, minutes):
            self.moment += minutes * MINUTE

    moved = Clock()
    monkeypatch.setattr(session_timeouts, "now", lambda: moved.moment)
    return moved


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_documents_and_exports_of_a_signed_in_person_are_not_stored(client, side_a):
    convention = convention_for(side_a)
    client.force_login(side_a.users[Role.FPO_ADVISER])

    page = client.get("/conventions/")
    assert page.status_code == 200 and no_store(page)
    assert "private" in page["Cache-Control"]

    pdf = client.get(f"/conventions/{convention.reference}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and no_store(pdf)

    export = client.get("/conventions/", {"format": "csv"})
    assert "attachment" in export["Content-Disposition"] and no_store(export)


def test_static_files_keep_their_cache(client, side_a):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.get("/static/vendor/bootstrap/css/bootstrap.min.css")
    response.close()  # a file served as it is read
    assert response.status_code == 200
    assert not no_store(response)


def test_a_public_page_that_sets_its_own_cache_keeps_it(client, side_a):
    """The calendar feed (read by calendar apps, without a session) is cached for five minutes."""
    feed = calendar_feed_of(user=side_a.users[Role.FPO_ADVISER])
    response = client.get(f"/calendrier/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"
    # The login page, which sets nothing, is not stored either: it carries a CSRF token.
    assert no_store(client.get("/comptes/login/"))


def test_thirty_minutes_without_a_request_end_the_session(client, side_a, clock):
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert client.get("/").status_code == 200

    clock.advance(29)
    assert client.get("/").status_code == 200  # activity: the session goes on
    clock.advance(29)
    assert client.get("/").status_code == 200  # 58 minutes after sign-in, 29 since the last request

    clock.advance(31)
    response = client.get("/conventions/?state=signed")
    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=/conventions/%3Fstate%3Dsigned"
    login_page = text_of(client.get(response["Location"]))
    assert "Votre session a pris fin après 30 minutes sans activité" in login_page
    assert client.get("/").status_code == 302  # signed out for good, not only redirected


def test_htmx_requests_move_the_whole_page_to_the_login(client, side_a, clock):
    client.force_login(side_a.users[Role.PO_REFERENT])
    client.get("/")
    clock.advance(45)
    response = client.get("/conventions/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/comptes/login/")


def test_the_absolute_limit_holds_whatever_the_activity(client, side_a, clock, settings):
    client.force_login(side_a.users[Role.PO_REFERENT])
    for _ in range(settings.SESSION_COOKIE_AGE // (20 * MINUTE)):
        assert client.get("/").status_code == 200
        clock.advance(20)
    clock.advance(1)
    response = client.get("/")
    assert response.status_code == 302
    assert "Votre session a pris fin 10 heures après la connexion" in text_of(
        client.get(response["Location"])
    )


def test_signing_in_again_starts_both_clocks_afresh(client, side_a, clock):
    referent = side_a.users[Role.PO_REFERENT]
    client.force_login(referent)
    client.get("/")
    clock.advance(40)
    client.get("/")  # ended
    response = client.post("/comptes/login/", {"login": referent.email, "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
