"""The adviser's private calendar feed."""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from pilotage.models import CalendarFeed
from pilotage.services.actions import mark_held
from pilotage.services.calendar import calendar_feed_of
from tests.pilotage.factories import ActionRecordFactory, accompany
from tests.utils import text_of


def test_an_adviser_creates_then_renews_the_private_address(client, adviser_a):
    client.force_login(adviser_a)
    assert "Créer l'adresse de mon calendrier" in text_of(client.get(reverse("pilotage_calendar")))
    client.post(reverse("pilotage_calendar"))
    first = CalendarFeed.objects.get(user=adviser_a).token
    assert len(first) >= 40
    page = text_of(client.get(reverse("pilotage_calendar")))
    assert "Remplacer par une nouvelle adresse" in page
    assert f"/calendrier/{first}.ics" in client.get(reverse("pilotage_calendar")).content.decode()
    # A second click on « Créer », or « Remplacer » without ticking the box, keeps the address.
    client.post(reverse("pilotage_calendar"))
    refused = client.post(reverse("pilotage_calendar"), {"renew": "1"}, follow=True)
    assert "Cochez la case pour confirmer" in text_of(refused)
    assert CalendarFeed.objects.get(user=adviser_a).token == first
    client.post(reverse("pilotage_calendar"), {"renew": "1", "confirm": "1"})
    second = CalendarFeed.objects.get(user=adviser_a).token
    assert second != first
    client.logout()
    assert client.get(f"/calendrier/{first}.ics").status_code == 404
    assert client.get(f"/calendrier/{second}.ics").status_code == 200


def test_the_feed_lists_the_planned_actions_of_the_advisers_schools(
    client, side_a, accompaniment_a, adviser_a, seminar_a
):
    day = timezone.localdate() + timedelta(days=7)
    ActionRecordFactory(
        accompaniment=accompaniment_a,
        action_type=seminar_a,
        date=day,
        start_time=time(9, 30),
        location="Salle du conseil",
    )
    ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a, date=day + timedelta(days=1))
    held = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, date=timezone.localdate()
    )
    mark_held(action=held, by=adviser_a)
    # Not theirs: another school of the federation, nobody's.
    other = accompany(side_a, school=side_a.other_school, assign=False)
    ActionRecordFactory(accompaniment=other, action_type=seminar_a, date=day)

    token = calendar_feed_of(user=adviser_a).token
    client.logout()
    response = client.get(reverse("pilotage_calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: str(e["DTSTART"].dt))
    assert len(events) == 2
    timed = events[0]
    assert str(timed["SUMMARY"]) == f"{seminar_a.title} — {accompaniment_a.school.name}"
    assert str(timed["LOCATION"]) == "Salle du conseil"
    assert timed["DTSTART"].dt.hour == 9 and str(timed["DTSTART"].dt.tzinfo) == "Europe/Brussels"
    # A half-day lasts four hours.
    assert timed["DTEND"].dt - timed["DTSTART"].dt == timedelta(hours=4)
    all_day = events[1]
    assert all_day["DTSTART"].dt == day + timedelta(days=1)
    assert f"FASE {accompaniment_a.school.fase}" in str(all_day["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")


def test_an_unknown_token_is_a_404_and_the_page_is_for_federation_people(client, side_a):
    assert client.get("/calendrier/inconnu.ics").status_code == 404
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert client.get(reverse("pilotage_calendar")).status_code == 403
