"""Access ends with the role: the calendar feed of an adviser whose account is deactivated or
whose role is removed stops at once, a feed can be revoked, cancelled actions stay in the feed as
STATUS:CANCELLED, and the schools of a former adviser are listed for staff to reassign."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Membership, Role, User
from pilotage.models import CalendarFeed
from pilotage.services.actions import cancel_action
from pilotage.services.calendar import calendar_feed_of
from tests.accounts.factories import MembershipFactory
from tests.pilotage.factories import ActionRecordFactory
from tests.utils import text_of


def _feed(client, token):
    client.logout()
    return client.get(reverse("pilotage_calendar_feed", args=[token]))


def test_deactivating_the_adviser_ends_the_feed_at_once(client, adviser_a, accompaniment_a):
    token = calendar_feed_of(user=adviser_a).token
    assert _feed(client, token).status_code == 200
    adviser_a.is_active = False
    adviser_a.save()
    assert _feed(client, token).status_code == 404
    assert not CalendarFeed.objects.filter(user=adviser_a).exists()


def test_the_feed_checks_the_right_at_every_request(client, adviser_a, accompaniment_a):
    """Even when the account is switched off without going through the model (a bulk update),
    the feed refuses: the right is asked at each request."""
    token = calendar_feed_of(user=adviser_a).token
    User.objects.filter(pk=adviser_a.pk).update(is_active=False)
    response = _feed(client, token)
    assert response.status_code == 410
    assert "n'est plus disponible" in response.content.decode()


def test_removing_the_role_ends_the_feed_and_giving_it_back_does_not_revive_it(
    client, side_a, adviser_a, accompaniment_a
):
    token = calendar_feed_of(user=adviser_a).token
    Membership.objects.get(user=adviser_a, role=Role.FPO_ADVISER).delete()
    assert _feed(client, token).status_code == 404
    MembershipFactory(user=adviser_a, role=Role.FPO_ADVISER, federation=side_a.federation)
    assert _feed(client, token).status_code == 404


def test_an_adviser_revokes_the_address_after_confirming(client, adviser_a):
    client.force_login(adviser_a)
    client.post(reverse("pilotage_calendar"))
    token = CalendarFeed.objects.get(user=adviser_a).token
    page = text_of(client.get(reverse("pilotage_calendar")))
    assert "Révoquer" in page
    confirmation = client.get(reverse("pilotage_calendar_revoke"))
    assert confirmation.status_code == 200
    assert "ne fonctionnera plus" in text_of(confirmation)
    # The confirmation page itself changes nothing.
    assert CalendarFeed.objects.filter(user=adviser_a).exists()
    response = client.post(reverse("pilotage_calendar_revoke"), follow=True)
    assert "Adresse révoquée" in text_of(response)
    assert "Créer l'adresse de mon calendrier" in text_of(response)
    assert not CalendarFeed.objects.filter(user=adviser_a).exists()
    assert client.get(reverse("pilotage_calendar_feed", args=[token])).status_code == 404


def test_a_cancelled_action_stays_in_the_feed_as_cancelled(client, adviser_a, accompaniment_a, seminar_a):
    day = timezone.localdate() + timedelta(days=10)
    kept = ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a, date=day)
    cancelled = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, date=day + timedelta(days=1)
    )
    token = calendar_feed_of(user=adviser_a).token
    uid = f"action-{cancelled.pk}@pilotis"
    first = Calendar.from_ical(_feed(client, token).content)
    assert {str(e["UID"]): str(e["STATUS"]) for e in first.walk("VEVENT")}[uid] == "CONFIRMED"

    cancel_action(action=cancelled, by=adviser_a, reason="Grève")
    events = {str(e["UID"]): e for e in Calendar.from_ical(_feed(client, token).content).walk("VEVENT")}
    assert set(events) == {f"action-{kept.pk}@pilotis", uid}
    event = events[uid]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Annulée : ")
    # A new revision of the event, so that clients that cached it apply the change.
    assert int(event["SEQUENCE"]) > int(first.walk("VEVENT")[1]["SEQUENCE"])
    assert str(events[f"action-{kept.pk}@pilotis"]["STATUS"]) == "CONFIRMED"


def test_a_former_adviser_s_schools_are_listed_for_staff_to_reassign(
    client, side_a, side_b, staff_a, adviser_a, accompaniment_a
):
    client.force_login(staff_a)
    page = text_of(client.get(reverse("pilotage_reassign")))
    assert "Aucune école à réassigner" in page

    Membership.objects.get(user=adviser_a, role=Role.FPO_ADVISER).delete()
    page = text_of(client.get(reverse("pilotage_reassign")))
    assert accompaniment_a.school.name in page
    assert str(adviser_a) in page
    assert "rôle de conseiller retiré" in page
    # The former adviser no longer records anything there, assignment or not.
    client.force_login(adviser_a)
    assert client.get(reverse("pilotage_advisers", args=[accompaniment_a.pk])).status_code in (403, 404)

    # Another federation's staff sees nothing of it.
    client.force_login(side_b.users[Role.FPO_STAFF])
    assert accompaniment_a.school.name not in text_of(client.get(reverse("pilotage_reassign")))

    # Staff choose another adviser: the school leaves the list.
    newcomer = MembershipFactory(role=Role.FPO_ADVISER, federation=side_a.federation).user
    client.force_login(staff_a)
    form = client.get(reverse("pilotage_advisers", args=[accompaniment_a.pk]))
    assert str(adviser_a) not in text_of(form)
    client.post(reverse("pilotage_advisers", args=[accompaniment_a.pk]), {"advisers": [newcomer.pk]})
    assert list(accompaniment_a.advisers.all()) == [newcomer]
    assert "Aucune école à réassigner" in text_of(client.get(reverse("pilotage_reassign")))


def test_a_deactivated_adviser_s_schools_are_listed_too(client, staff_a, adviser_a, accompaniment_a):
    adviser_a.is_active = False
    adviser_a.save()
    client.force_login(staff_a)
    page = text_of(client.get(reverse("pilotage_reassign")))
    assert accompaniment_a.school.name in page and "compte désactivé" in page
