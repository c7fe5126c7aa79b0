"""The plan → contrat d'objectifs: state and dates, objectives linked to frameworks,
strategies, indicators and their values, evaluations."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.models import Evaluation, Indicator, IndicatorValue, Plan, SchoolObjective, Strategy
from pilotage.services.plans import save_indicator
from tests.pilotage.factories import improvement_goals, objective_with_indicator
from tests.utils import text_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_direction_moves_the_plan_through_its_states(client, side_a, accompaniment_a):
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    url = reverse("pilotage_plan_edit", args=[accompaniment_a.pk])
    assert "Plan de pilotage" in text_of(client.get(url))
    today = timezone.localdate()
    response = client.post(
        url, {"state": "submitted", "dco_meeting_on": (today + timedelta(days=20)).isoformat()}
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.state, plan.submitted_to_dco_on) == ("submitted", today)
    response = client.post(url, {"state": "accepted", "submitted_to_dco_on": today.isoformat()})
    assert "Indiquez la date d'acceptation du contrat d'objectifs." in text_of(response)
    client.post(
        url, {"state": "accepted", "submitted_to_dco_on": today.isoformat(), "accepted_on": today.isoformat()}
    )
    plan.refresh_from_db()
    assert plan.state == "accepted"
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert "Accepté (contrat d'objectifs)" in page


def test_an_objective_contributes_to_improvement_goals(client, referent_a, accompaniment_a):
    goals = improvement_goals()
    client.force_login(referent_a)
    response = client.post(
        reverse("pilotage_objective_create", args=[accompaniment_a.pk]),
        {
            "label": "OS 1",
            "title": "Réduire le redoublement en 1re",
            "framework_nodes": [goals[3].pk, goals[0].pk],
        },
    )
    assert response.status_code == 302
    objective = SchoolObjective.objects.get()
    assert set(objective.framework_nodes.all()) == {goals[0], goals[3]}
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert "OS 1 Réduire le redoublement en 1re" in page
    assert "OA 4 Réduire progressivement le redoublement et le décrochage" in page


def test_a_strategy_serves_objectives_of_its_plan(client, referent_a, accompaniment_a):
    indicator = objective_with_indicator(accompaniment_a)
    client.force_login(referent_a)
    client.post(
        reverse("pilotage_strategy_create", args=[accompaniment_a.pk]),
        {
            "title": "Ateliers de lecture",
            "objectives": [indicator.objective_id],
            "responsible": "Titulaires",
            "timeline": "2025-2026",
        },
    )
    strategy = Strategy.objects.get()
    assert list(strategy.objectives.all()) == [indicator.objective]
    assert "Qui : Titulaires · Quand : 2025-2026" in text_of(
        client.get(accompaniment_a.school.get_absolute_url())
    )


def test_a_rising_indicator_cannot_aim_below_its_baseline(client, referent_a, accompaniment_a):
    objective = objective_with_indicator(accompaniment_a).objective
    client.force_login(referent_a)
    url = reverse("pilotage_indicator_create", args=[objective.pk])
    data = {
        "name": "Taux de réussite au CEB",
        "unit": "%",
        "direction": "rise",
        "baseline": "62,5",
        "target": "55",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert (
        "La cible ne peut pas être inférieure à la valeur de départ : cet indicateur doit augmenter."
        in text_of(response)
    )
    assert Indicator.objects.count() == 1
    response = client.post(url, {**data, "target": "70"})
    assert response.status_code == 302
    assert Indicator.objects.get(name="Taux de réussite au CEB").baseline == Decimal("62.5")


def test_a_falling_indicator_cannot_aim_above_and_the_database_agrees(accompaniment_a, referent_a):
    objective = objective_with_indicator(accompaniment_a).objective
    with pytest.raises(ValidationError, match="doit diminuer"):
        save_indicator(
            objective=objective, by=referent_a, name="Absences", direction="fall", baseline=10, target=12
        )
    with pytest.raises(IntegrityError):
        Indicator.objects.create(
            objective=objective, name="Absences", direction="fall", baseline=10, target=12
        )


def test_an_indicator_value_must_be_a_number(client, referent_a, accompaniment_a):
    indicator = objective_with_indicator(accompaniment_a)
    client.force_login(referent_a)
    url = reverse("pilotage_indicator_value", args=[indicator.pk])
    response = client.post(url, {"school_year": "2024", "value": "beaucoup"}, **HTMX)
    assert response.headers["HX-Retarget"] == "#pilotage-plan"
    assert "La valeur doit être un nombre (par exemple 12,5)." in text_of(response)
    assert not IndicatorValue.objects.exists()
    response = client.post(url, {"school_year": "2024", "value": "47,5"}, **HTMX)
    assert "2024-2025 : 47,5" in text_of(response)
    client.post(url, {"school_year": "2024", "value": "48"}, **HTMX)
    assert IndicatorValue.objects.get().value == Decimal("48")


def test_the_adviser_reads_the_plan_but_does_not_edit_it(client, side_a, accompaniment_a):
    objective_with_indicator(accompaniment_a)
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert "Élèves lecteurs" in page and "Modifier le plan" not in page
    assert client.get(reverse("pilotage_plan_edit", args=[accompaniment_a.pk])).status_code == 403
    client.force_login(side_a.users[Role.DCO])
    assert (
        client.post(
            reverse("pilotage_plan_edit", args=[accompaniment_a.pk]), {"state": "accepted"}
        ).status_code
        == 403
    )


def test_an_evaluation_gives_each_objective_a_status(client, referent_a, accompaniment_a):
    first = objective_with_indicator(accompaniment_a).objective
    second = SchoolObjective.objects.create(
        plan=first.plan, label="OS 2", title="Climat scolaire", position=2
    )
    client.force_login(referent_a)
    url = reverse("pilotage_evaluation_create", args=[accompaniment_a.pk])
    data = {
        "kind": "intermediate",
        "school_year": "2024",
        "held_on": timezone.localdate().isoformat(),
        f"status_{first.pk}": "met",
        f"comment_{first.pk}": "Cible atteinte",
        f"status_{second.pk}": "not_met",
    }
    assert client.post(url, data).status_code == 302
    evaluation = Evaluation.objects.get()
    assert {r.objective_id: r.status for r in evaluation.results.all()} == {
        first.pk: "met",
        second.pk: "not_met",
    }
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert "Évaluation intermédiaire 2024-2025" in page
    assert "Climat scolaire Non atteint" in page
    # Recording it again updates it.
    data[f"status_{second.pk}"] = "in_progress"
    client.post(url, data)
    assert Evaluation.objects.count() == 1
    assert evaluation.results.get(objective=second).status == "in_progress"
    data["held_on"] = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert "Une évaluation ne peut pas être datée dans le futur." in text_of(client.post(url, data))


def test_no_plan_is_created_by_looking_at_its_forms(client, referent_a, accompaniment_a):
    """An accompaniment without a plan (begun before plans were created with it) shows the
    plan's forms on a GET without writing anything; the plan is created by the first form sent."""
    Plan.objects.filter(accompaniment=accompaniment_a).delete()
    client.force_login(referent_a)
    for name in ("pilotage_plan_edit", "pilotage_objective_create", "pilotage_strategy_create"):
        assert client.get(reverse(name, args=[accompaniment_a.pk])).status_code == 200
    assert client.get(reverse("pilotage_evaluation_create", args=[accompaniment_a.pk])).status_code == 200
    assert not Plan.objects.exists()
    response = client.post(
        reverse("pilotage_objective_create", args=[accompaniment_a.pk]), {"title": "Lire mieux"}
    )
    assert response.status_code == 302
    assert SchoolObjective.objects.get().plan == Plan.objects.get(accompaniment=accompaniment_a)


def test_no_value_is_recorded_on_a_closed_accompaniment(client, referent_a, accompaniment_a):
    """The same rule as the import's: a closed accompaniment's plan is no longer followed."""
    indicator = objective_with_indicator(accompaniment_a)
    accompaniment_a.closed_on = timezone.localdate()
    accompaniment_a.save(update_fields=["closed_on"])
    client.force_login(referent_a)
    assert not referent_a.has_perm("pilotage.record_indicator_values", accompaniment_a)
    response = client.post(
        reverse("pilotage_indicator_value", args=[indicator.pk]), {"school_year": 2024, "value": "50"}
    )
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()
