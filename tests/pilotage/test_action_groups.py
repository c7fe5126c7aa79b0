"""An action planned for several schools, marked held or cancelled for all of them at once on
its own page: unticked schools are the exceptions, all or nothing, and twice changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conventions.models import Convention
from pilotage.models import ActionRecord
from pilotage.services.actions import plan_bulk_action
from tests.accounts.factories import SchoolFactory
from tests.pilotage.factories import ActionTypeFactory, accompany
from tests.utils import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(side_a):
    """A seminar planned yesterday for three schools of A, all followed by A's adviser."""
    third = SchoolFactory(name="École C 3", organising_authority=side_a.organising_authority)
    accompaniments = [
        accompany(side_a),
        accompany(side_a, school=side_a.other_school),
        accompany(side_a, school=third),
    ]
    seminar = ActionTypeFactory(federation=side_a.federation, title="Séminaire des directions")
    actions = plan_bulk_action(
        accompaniments=accompaniments,
        action_type=seminar,
        date=timezone.localdate() - timedelta(days=1),
        by=side_a.users[Role.FPO_ADVISER],
    )
    return {action.school.name: action for action in actions}


def _url(group):
    return reverse("pilotage_action_group", args=[next(iter(group.values())).batch])


def _statuses(group):
    actions = ActionRecord.objects.filter(pk__in=[a.pk for a in group.values()])
    return dict(actions.values_list("school__name", "status"))


def _post_held(client, group, names, held_on=None, note="Bonne participation"):
    held_on = held_on or timezone.localdate() - timedelta(days=1)
    return client.post(
        _url(group),
        {
            "actions": [group[name].pk for name in names],
            "do": "held",
            "held_on": held_on.isoformat(),
            "note": note,
        },
        follow=True,
    )


def test_every_school_is_ticked_and_one_exception_stays_planned(client, side_a, group):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = client.get(_url(group))
    text = text_of(page)
    assert "Séminaire des directions" in text and "Marquer réalisée pour les écoles cochées" in text
    assert page.content.decode().count(" checked") == 3

    response = _post_held(client, group, ["École A 1", "École C 3"])
    assert "Action réalisée le" in text_of(response) and "pour 2 écoles" in text_of(response)
    assert _statuses(group) == {"École A 1": "held", "Athénée A 2": "planned", "École C 3": "held"}
    held = ActionRecord.objects.get(pk=group["École A 1"].pk)
    assert held.note == "Bonne participation"
    assert held.status_changed_by == side_a.users[Role.FPO_ADVISER]
    assert held.history.filter(status="held").count() == 1
    assert held.history.first().history_user == side_a.users[Role.FPO_ADVISER]
    # Back on the page, only the exception is still ticked; the others show as held.
    assert response.content.decode().count(" checked") == 1
    assert text_of(response).count("Réalisée") >= 2


def test_cancel_for_the_ticked_schools_needs_a_reason(client, side_a, group):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.post(_url(group), {"actions": [a.pk for a in group.values()], "do": "cancel"})
    assert "Indiquez le motif de l'annulation." in text_of(response)
    assert set(_statuses(group).values()) == {"planned"}

    response = client.post(
        _url(group),
        {"actions": [a.pk for a in group.values()], "do": "cancel", "reason": "Formateur malade"},
        follow=True,
    )
    assert "Action annulée pour 3 écoles." in text_of(response)
    assert set(_statuses(group).values()) == {"cancelled"}
    assert set(ActionRecord.objects.values_list("cancel_reason", flat=True)) == {"Formateur malade"}
    assert "il n'y a plus rien à encoder" in text_of(response)


def test_sending_the_form_twice_changes_nothing_the_second_time(client, side_a, group):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    names = list(group)
    _post_held(client, group, names)
    history = sum(ActionRecord.objects.get(pk=a.pk).history.count() for a in group.values())
    response = _post_held(client, group, names, held_on=timezone.localdate(), note="Encore")
    assert "Rien n'a changé." in text_of(response)
    assert "Déjà réalisée ou annulée, laissée telle quelle" in text_of(response)
    assert sum(ActionRecord.objects.get(pk=a.pk).history.count() for a in group.values()) == history
    assert set(ActionRecord.objects.values_list("note", flat=True)) == {"Bonne participation"}
    assert ActionRecord.objects.count() == 3


def test_a_date_one_school_refuses_saves_nothing_and_names_the_school(client, side_a, group):
    convention = Convention.objects.get(accompaniments__school__name="Athénée A 2")
    today = timezone.localdate()
    convention.start_date, convention.end_date = today - timedelta(days=3), today + timedelta(days=300)
    convention.save(update_fields=["start_date", "end_date"])
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = _post_held(client, group, list(group), held_on=today - timedelta(days=10))
    text = text_of(response)
    assert "Rien n'a été enregistré." in text
    assert f"Athénée A 2 : La réalisation du {today - timedelta(days=10):%d/%m/%Y} tombe en dehors" in text
    assert "École A 1 :" not in text
    assert set(_statuses(group).values()) == {"planned"}


def test_another_federation_gets_a_404_and_foreign_ids_are_refused(client, side_a, side_b, group):
    client.force_login(side_b.users[Role.FPO_ADVISER])
    assert client.get(_url(group)).status_code == 404
    assert (
        client.post(
            _url(group), {"actions": [group["École A 1"].pk], "do": "cancel", "reason": "x"}
        ).status_code
        == 404
    )

    # A's adviser ticks an action of another group (B's): refused, nothing changes anywhere.
    foreign = plan_bulk_action(
        accompaniments=[accompany(side_b)],
        action_type=ActionTypeFactory(federation=side_b.federation),
        date=timezone.localdate(),
        by=side_b.users[Role.FPO_ADVISER],
    )[0]
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.post(_url(group), {"actions": [foreign.pk], "do": "cancel", "reason": "x"})
    assert "Sélectionnez un choix valide" in text_of(response)
    assert ActionRecord.objects.get(pk=foreign.pk).status == "planned"


def test_the_school_page_and_the_todo_list_link_to_the_group(client, side_a, group):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    url = _url(group)
    assert url in client.get(side_a.school.get_absolute_url()).content.decode()
    assert url in client.get(reverse("home")).content.decode()
