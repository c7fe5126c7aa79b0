"""Planning an action, marking it held or cancelled, in a few clicks from the school's page."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.models import ActionRecord, ActionType, StepEntry
from pilotage.services.accompaniment import move_to_step
from pilotage.services.actions import cancel_action, mark_held, plan_action, plan_bulk_action
from tests.pilotage.factories import ActionRecordFactory, ActionTypeFactory, accompany
from tests.utils import text_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def _plan(client, accompaniment, action_type, day, **extra):
    return client.post(
        reverse("pilotage_action_plan", args=[accompaniment.pk]),
        {"action_type": action_type.pk, "date": day.isoformat(), "participants": "Directions du PO", **extra},
        **HTMX,
    )


def test_an_adviser_plans_an_action_without_reloading_the_page(client, accompaniment_a, adviser_a, seminar_a):
    client.force_login(adviser_a)
    day = timezone.localdate() + timedelta(days=14)
    response = _plan(client, accompaniment_a, seminar_a, day, start_time="09:30")
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#pilotage-actions"
    assert response.headers["HX-Reswap"] == "outerHTML"
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.find("section")
    assert section["id"] == "pilotage-actions"
    assert "<html" not in response.content.decode()
    assert f"{day:%d/%m/%Y} 09:30" in section.get_text(" ")
    assert "Action prévue le" in section.get_text(" ")
    action = ActionRecord.objects.get()
    assert (action.status, action.adviser, action.created_by) == ("planned", adviser_a, adviser_a)
    assert action.duration == seminar_a.default_duration  # the catalogue's, when left empty


def test_without_javascript_the_form_redirects_to_the_school(client, accompaniment_a, adviser_a, seminar_a):
    client.force_login(adviser_a)
    response = client.post(
        reverse("pilotage_action_plan", args=[accompaniment_a.pk]),
        {"action_type": seminar_a.pk, "date": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{accompaniment_a.school.get_absolute_url()}#pilotage-actions"
    assert "Action prévue le" in text_of(client.get(response.headers["Location"]))


def test_an_action_of_another_federations_catalogue_is_refused(client, accompaniment_a, adviser_a, side_b):
    client.force_login(adviser_a)
    foreign = ActionTypeFactory(federation=side_b.federation)
    response = _plan(client, accompaniment_a, foreign, timezone.localdate())
    assert "Sélectionnez un choix valide" in text_of(response)
    assert not ActionRecord.objects.exists()


def test_the_held_form_opens_in_the_row(client, accompaniment_a, adviser_a, seminar_a):
    action = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, date=timezone.localdate()
    )
    client.force_login(adviser_a)
    response = client.get(reverse("pilotage_action_held", args=[action.pk]), **HTMX)
    soup = BeautifulSoup(response.content, "html.parser")
    row = soup.find("tr")
    assert row["id"] == f"action-{action.pk}"
    assert (
        row.find("input", {"name": f"action-{action.pk}-held_on"})["value"]
        == timezone.localdate().isoformat()
    )
    assert "Réalisée le" in row.find("label", attrs={"for": f"id_action-{action.pk}-held_on"}).get_text()


def test_an_adviser_marks_an_action_held(client, accompaniment_a, adviser_a, seminar_a):
    action = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, date=timezone.localdate()
    )
    client.force_login(adviser_a)
    prefix = f"action-{action.pk}"
    response = client.post(
        reverse("pilotage_action_held", args=[action.pk]),
        {
            f"{prefix}-held_on": timezone.localdate().isoformat(),
            f"{prefix}-participants": "Mme Dupont, M. Martin",
            f"{prefix}-participant_count": "2",
            f"{prefix}-note": "Très bonne séance.",
        },
        **HTMX,
    )
    assert response.headers["HX-Retarget"] == "#pilotage-actions"
    text = text_of(response)
    assert "Réalisée" in text and "Mme Dupont, M. Martin" in text and "Très bonne séance." in text
    action.refresh_from_db()
    assert (action.status, action.participant_count, action.status_changed_by) == ("held", 2, adviser_a)


def test_a_held_action_cannot_be_dated_in_the_future(client, accompaniment_a, adviser_a, seminar_a):
    action = ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a)
    client.force_login(adviser_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("pilotage_action_held", args=[action.pk]),
        {f"action-{action.pk}-held_on": tomorrow.isoformat()},
        **HTMX,
    )
    assert response.status_code == 200
    assert (
        f"Une action ne peut pas être marquée réalisée à une date future ({tomorrow:%d/%m/%Y}) : elle est encore prévue."
        in text_of(response)
    )
    action.refresh_from_db()
    assert action.status == "planned"
    # The service says the same to whoever calls it.
    with pytest.raises(ValidationError, match="date future"):
        mark_held(action=action, by=adviser_a, held_on=tomorrow)


def test_cancelling_needs_a_reason(client, accompaniment_a, adviser_a, seminar_a):
    action = ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a)
    client.force_login(adviser_a)
    url = reverse("pilotage_action_cancel", args=[action.pk])
    response = client.post(url, {f"action-{action.pk}-reason": "  "}, **HTMX)
    assert "Indiquez le motif de l'annulation." in text_of(response)
    assert ActionRecord.objects.get().status == "planned"
    response = client.post(url, {f"action-{action.pk}-reason": "Grève des transports"}, **HTMX)
    assert "Motif : Grève des transports" in text_of(response)
    assert ActionRecord.objects.get().status == "cancelled"


def test_an_action_already_held_is_not_held_again(accompaniment_a, adviser_a, seminar_a):
    action = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, date=timezone.localdate()
    )
    mark_held(action=action, by=adviser_a)
    with pytest.raises(ValidationError, match="déjà réalisée"):
        cancel_action(action=action, by=adviser_a, reason="trop tard")


@pytest.mark.parametrize("name", ["pilotage_action_held", "pilotage_action_cancel"])
def test_an_adviser_cannot_record_on_a_school_not_theirs(client, side_a, adviser_a, seminar_a, name):
    other = accompany(side_a, school=side_a.other_school, assign=False)
    action = ActionRecordFactory(accompaniment=other, action_type=seminar_a)
    client.force_login(adviser_a)
    assert client.get(reverse(name, args=[action.pk]), **HTMX).status_code == 404
    assert client.post(reverse(name, args=[action.pk]), {}, **HTMX).status_code == 404
    assert _plan(client, other, seminar_a, timezone.localdate()).status_code == 404
    assert ActionRecord.objects.filter(accompaniment=other).count() == 1
    with pytest.raises(PermissionDenied):
        plan_action(accompaniment=other, action_type=seminar_a, date=timezone.localdate(), by=adviser_a)


def test_federation_staff_record_on_every_school_of_the_federation(client, side_a, staff_a, seminar_a):
    other = accompany(side_a, school=side_a.other_school, assign=False)
    client.force_login(staff_a)
    assert _plan(client, other, seminar_a, timezone.localdate()).status_code == 200
    assert ActionRecord.objects.get().adviser is None


def test_moving_to_the_next_step(client, accompaniment_a, adviser_a):
    client.force_login(adviser_a)
    today = timezone.localdate()
    response = client.post(
        reverse("pilotage_step_move", args=[accompaniment_a.pk]),
        {"step": "2", "on": today.isoformat()},
        **HTMX,
    )
    assert response.headers["HX-Retarget"] == "#pilotage-etapes"
    assert "étape 2 sur 5" in text_of(response)
    assert "L'école est passée à l'étape 2." in text_of(response)
    assert StepEntry.objects.filter(accompaniment=accompaniment_a, step=2, entered_on=today).exists()
    response = client.post(
        reverse("pilotage_step_move", args=[accompaniment_a.pk]),
        {"step": "3", "on": (today + timedelta(days=2)).isoformat()},
        **HTMX,
    )
    assert "La date d'entrée dans l'étape ne peut pas être dans le futur." in text_of(response)
    # Back to step 1 is one more event: step 2's entry stays in the history.
    move_to_step(
        accompaniment=accompaniment_a, step=1, by=adviser_a, reason="Erreur de saisie", confirmed=True
    )
    entries = StepEntry.objects.filter(accompaniment=accompaniment_a).in_order()
    assert [(e.from_step_id, e.step_id) for e in entries] == [(None, 1), (1, 2), (2, 1)]


def test_a_bulk_action_is_planned_for_every_school_or_none(client, side_a, adviser_a, staff_a):
    first = accompany(side_a)
    second = accompany(side_a, school=side_a.other_school)
    intervision = ActionTypeFactory(
        federation=side_a.federation, kind=ActionType.Kind.INTERVISION, title="Intervision"
    )
    client.force_login(adviser_a)
    day = timezone.localdate() + timedelta(days=20)
    response = client.post(
        reverse("pilotage_bulk_action"),
        {"action_type": intervision.pk, "date": day.isoformat(), "accompaniments": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    actions = list(ActionRecord.objects.all())
    assert len(actions) == 2 and len({a.batch for a in actions}) == 1 and actions[0].batch is not None
    assert "Intervision prévue le" in text_of(client.get(response.headers["Location"]))

    # A school the adviser does not accompany makes the whole batch fail.
    third = accompany(side_a, school=side_a.other_school, assign=False)
    with pytest.raises(PermissionDenied):
        plan_bulk_action(accompaniments=[first, third], action_type=intervision, date=day, by=adviser_a)
    assert ActionRecord.objects.count() == 2
    response = client.post(
        reverse("pilotage_bulk_action"),
        {"action_type": intervision.pk, "date": day.isoformat(), "accompaniments": [first.pk, third.pk]},
    )
    assert "Sélectionnez un choix valide" in text_of(response)
    assert ActionRecord.objects.count() == 2


def test_the_bulk_page_is_for_federation_people(client, side_a):
    for role, status in [(Role.FPO_ADVISER, 200), (Role.FPO_STAFF, 200), (Role.PO_REFERENT, 403)]:
        client.force_login(side_a.users[role])
        assert client.get(reverse("pilotage_bulk_action")).status_code == status
