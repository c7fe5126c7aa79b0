"""The pilotage section of a school's page, as each person sees it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.models import Accompaniment, ActionRecord, Note
from pilotage.services.accompaniment import assign_advisers
from pilotage.services.notes import add_note
from pilotage.services.plans import save_evaluation, set_indicator_value, update_plan
from tests.conventions.factories import TemplateFactory
from tests.pilotage.factories import (
    ActionRecordFactory,
    ConventionFactory,
    accompany,
    improvement_goals,
    objective_with_indicator,
)
from tests.utils import text_of


def test_the_school_page_shows_the_pilotage_section(client, accompaniment_a, adviser_a, seminar_a):
    ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a)
    objective_with_indicator(accompaniment_a)
    client.force_login(adviser_a)
    response = client.get(accompaniment_a.school.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "Pilotage" in text
    assert "étape 1 sur 5" in text
    assert "Mobiliser les acteurs et donner du sens à la démarche" in text
    assert "Séminaire d'échanges PO – directions" in text
    assert "Marquer réalisée" in text
    assert "Désigner un référent pilotage" in text
    assert "Améliorer la lecture" in text and "Élèves lecteurs" in text
    assert adviser_a.get_full_name() in text


def test_a_school_without_accompaniment_says_so(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    text = text_of(client.get(side_a.school.get_absolute_url()))
    assert "pas encore accompagnée" in text


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_the_school_sees_its_progress(client, side_a, accompaniment_a, role):
    client.force_login(side_a.users[role])
    response = client.get(accompaniment_a.school.get_absolute_url())
    assert "étape 1 sur 5" in text_of(response)


def test_nobody_of_the_other_side_sees_it(client, side_a, side_b, accompaniment_a, accompaniment_b):
    for user in side_b.users.values():
        client.force_login(user)
        assert client.get(accompaniment_a.school.get_absolute_url()).status_code == 404
        page = text_of(client.get(accompaniment_b.school.get_absolute_url()))
        assert side_a.school.name not in page


def test_private_notes_stay_with_the_federation(client, side_a, accompaniment_a, adviser_a):
    add_note(
        accompaniment=accompaniment_a, by=adviser_a, text="Note privée du conseiller", visibility="private"
    )
    add_note(
        accompaniment=accompaniment_a, by=adviser_a, text="Note partagée avec l'école", visibility="shared"
    )
    for role in Role:
        client.force_login(side_a.users[role])
        text = text_of(client.get(accompaniment_a.school.get_absolute_url()))
        assert "Note partagée avec l'école" in text
        federation_member = role in (Role.FPO_STAFF, Role.FPO_ADVISER)
        assert ("Note privée du conseiller" in text) == federation_member, role


def test_private_notes_are_scoped_in_the_queryset_too(side_a, side_b, accompaniment_a, adviser_a):
    add_note(accompaniment=accompaniment_a, by=adviser_a, text="privée", visibility="private")
    assert Note.objects.visible_to(side_a.users[Role.FPO_STAFF]).count() == 1
    assert Note.objects.visible_to(side_a.users[Role.PO_REFERENT]).count() == 0
    assert Note.objects.visible_to(side_b.users[Role.FPO_STAFF]).count() == 0


def test_the_deadlines_follow_the_plan(client, accompaniment_a, referent_a):
    today = timezone.localdate()
    update_plan(
        plan=accompaniment_a.plan,
        by=referent_a,
        state="submitted",
        submitted_to_dco_on=today - timedelta(days=400),
        dco_meeting_on=today + timedelta(days=10),
    )
    client.force_login(referent_a)
    text = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert f"{today + timedelta(days=10):%d/%m/%Y} — Rencontre avec le DCO (dans 10 jours)" in text
    update_plan(
        plan=accompaniment_a.plan, by=referent_a, state="accepted", accepted_on=today - timedelta(days=300)
    )
    text = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert "Auto-évaluation annuelle (année 1)" in text
    assert "Évaluation intermédiaire (année 3)" in text
    assert "Fin du contrat d'objectifs (année 6)" in text
    assert "— Rencontre avec le DCO" not in text  # no longer a deadline


def test_queries_stay_flat_as_the_school_fills_up(
    client, queries_stay_flat, side_a, accompaniment_a, adviser_a, seminar_a
):
    client.force_login(adviser_a)
    goals = improvement_goals()
    indicator = objective_with_indicator(accompaniment_a)
    indicator.objective.framework_nodes.add(goals[0])
    ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a)
    add_note(accompaniment=accompaniment_a, by=adviser_a, text="première note", visibility="private")
    set_indicator_value(indicator=indicator, school_year=2017, value=12, by=None)
    save_evaluation(
        plan=accompaniment_a.plan,
        by=side_a.users[Role.PO_REFERENT],
        kind="annual",
        school_year=2022,
        results={indicator.objective_id: ("in_progress", "")},
    )

    def grow():
        for day in range(8):
            action = ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a)
            if day % 2:
                ActionRecord.objects.filter(pk=action.pk).update(status="held", date=timezone.localdate())
            add_note(accompaniment=accompaniment_a, by=adviser_a, text=f"note {day}", visibility="shared")
        for year in range(2018, 2024):
            set_indicator_value(indicator=indicator, school_year=year, value=year - 1990, by=None)
        other = objective_with_indicator(accompaniment_a, name="Autre indicateur")
        other.objective.framework_nodes.add(*goals[1:4])
        save_evaluation(
            plan=accompaniment_a.plan,
            by=side_a.users[Role.PO_REFERENT],
            kind="annual",
            school_year=2023,
            results={indicator.objective_id: ("met", ""), other.objective_id: ("not_met", "à revoir")},
        )

    # 31, and one for the corrections of the actions, one for the engagements unticked, one for
    # « may start a cooperation agreement ».
    response = queries_stay_flat(accompaniment_a.school.get_absolute_url(), grow=grow, at_most=34)
    assert "note 7" in text_of(response)


def test_an_adviser_sees_a_school_of_the_federation_not_assigned_to_them_without_the_buttons(client, side_a):
    accompaniment = accompany(side_a, school=side_a.other_school, assign=False)
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.get(accompaniment.school.get_absolute_url())
    assert "étape 1 sur 5" in text_of(response)
    assert reverse("pilotage_action_plan", args=[accompaniment.pk]) not in response.content.decode()
    assert reverse("pilotage_note_add", args=[accompaniment.pk]) not in response.content.decode()


def test_federation_staff_start_the_accompaniment_of_a_signed_convention(client, side_a, staff_a):

    convention = ConventionFactory(
        template=TemplateFactory(federation=side_a.federation),
        organising_authority=side_a.organising_authority,
        schools=[side_a.school, side_a.other_school],
    )
    client.force_login(side_a.users[Role.FPO_ADVISER])
    assert "Démarrer l'accompagnement" not in text_of(client.get(side_a.school.get_absolute_url()))
    assert client.get(reverse("pilotage_start", args=[side_a.school.fase])).status_code == 404
    client.force_login(staff_a)
    page = client.get(side_a.school.get_absolute_url())
    assert "Démarrer l'accompagnement" in text_of(page)
    response = client.post(
        reverse("pilotage_start", args=[side_a.school.fase]), {"convention": convention.pk}
    )
    assert response.status_code == 302
    assert set(Accompaniment.objects.values_list("school", flat=True)) == {
        side_a.school.pk,
        side_a.other_school.pk,
    }
    accompaniment = Accompaniment.objects.get(school=side_a.school)
    assert accompaniment.engagement_checks.count() == 1  # the template's checklist
    assert "étape 1 sur 5" in text_of(client.get(side_a.school.get_absolute_url()))


def test_staff_assign_the_federations_advisers_only(
    client, side_a, side_b, accompaniment_a, staff_a, adviser_a
):
    from django.core.exceptions import ValidationError

    client.force_login(staff_a)
    url = reverse("pilotage_advisers", args=[accompaniment_a.pk])
    assert adviser_a.get_full_name() in text_of(client.get(url))
    assert client.post(url, {"advisers": []}).status_code == 302
    assert not accompaniment_a.advisers.exists()
    client.post(url, {"advisers": [adviser_a.pk]})
    assert list(accompaniment_a.advisers.all()) == [adviser_a]
    with pytest.raises(ValidationError, match="Ne sont pas conseillers de la fédération"):
        assign_advisers(accompaniment=accompaniment_a, advisers=[side_b.users[Role.FPO_ADVISER]], by=staff_a)
    response = client.post(url, {"advisers": [side_b.users[Role.FPO_ADVISER].pk]})
    assert "Sélectionnez un choix valide" in text_of(response)


def test_the_page_shows_the_running_accompaniment_before_a_closed_one(client, side_a, staff_a):
    """On every database: PostgreSQL sorts an empty closing date last unless told otherwise."""
    closed = accompany(side_a, started_on=timezone.localdate() - timedelta(days=400))
    closed.closed_on = timezone.localdate() - timedelta(days=40)
    closed.save(update_fields=["closed_on"])
    running = accompany(side_a)
    client.force_login(staff_a)
    response = client.get(side_a.school.get_absolute_url())
    assert response.context["pilotage"]["accompaniment"] == running
