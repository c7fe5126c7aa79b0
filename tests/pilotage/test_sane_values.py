"""Sane values: dates a person may mean (1990–2100), target years after baseline years,
percentages within 0–100; and one absurd row already stored never breaks a page or the feed."""

from datetime import date, time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from core.school_years import current_school_year
from pilotage.models import ActionRecord, Indicator, IndicatorValue, Plan
from pilotage.services.calendar import calendar_feed_of
from tests.pilotage.factories import ActionRecordFactory, objective_with_indicator
from tests.utils import text_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
OUT_OF_RANGE = "Saisissez une date entre le 01/01/1990 et le 31/12/2100."


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01"])
def test_an_action_cannot_be_planned_on_an_absurd_date(client, accompaniment_a, adviser_a, seminar_a, day):
    client.force_login(adviser_a)
    url = reverse("pilotage_action_plan", args=[accompaniment_a.pk])
    response = client.post(url, {"action_type": seminar_a.pk, "date": day}, **HTMX)
    assert response.status_code < 500
    assert OUT_OF_RANGE in text_of(response)
    assert not ActionRecord.objects.exists()


def test_an_action_on_the_last_day_of_2100_is_accepted(client, accompaniment_a, adviser_a, seminar_a):
    client.force_login(adviser_a)
    url = reverse("pilotage_action_plan", args=[accompaniment_a.pk])
    client.post(url, {"action_type": seminar_a.pk, "date": "2100-12-31"}, **HTMX)
    assert ActionRecord.objects.get().date == date(2100, 12, 31)


def test_the_plan_refuses_a_date_of_year_one(client, referent_a, accompaniment_a):
    client.force_login(referent_a)
    url = reverse("pilotage_plan_edit", args=[accompaniment_a.pk])
    response = client.post(url, {"state": "submitted", "submitted_to_dco_on": "0001-01-01"})
    assert OUT_OF_RANGE in text_of(response)
    assert Plan.objects.get(accompaniment=accompaniment_a).submitted_to_dco_on is None


def _indicator_data(**changes):
    data = {"name": "Taux de réussite au CEB", "unit": "%", "direction": "rise", "baseline": "40"}
    data |= {"target": "60", "baseline_year": "", "target_year": ""}
    return data | changes


def test_a_target_year_before_the_baseline_year_is_refused(client, referent_a, accompaniment_a):
    objective = objective_with_indicator(accompaniment_a).objective
    client.force_login(referent_a)
    url = reverse("pilotage_indicator_create", args=[objective.pk])
    year = current_school_year()
    response = client.post(url, _indicator_data(baseline_year=year, target_year=year - 2))
    assert "L'année de la cible doit suivre l'année de la valeur de départ." in text_of(response)
    assert Indicator.objects.count() == 1
    assert client.post(url, _indicator_data(baseline_year=year - 2, target_year=year)).status_code == 302


@pytest.mark.parametrize("field, value", [("baseline", "-50"), ("target", "150")])
def test_a_percentage_lies_between_0_and_100(client, referent_a, accompaniment_a, field, value):
    objective = objective_with_indicator(accompaniment_a).objective
    client.force_login(referent_a)
    url = reverse("pilotage_indicator_create", args=[objective.pk])
    response = client.post(url, _indicator_data(**{field: value}))
    assert "Un pourcentage se situe entre 0 et 100." in text_of(response)
    assert Indicator.objects.count() == 1
    # Another unit is free: 150 pupils is a fine target.
    response = client.post(url, _indicator_data(unit="élèves", **{field: value}) | {"target": "200"})
    assert response.status_code == 302


def test_a_yearly_percentage_value_lies_between_0_and_100(client, referent_a, accompaniment_a):
    indicator = objective_with_indicator(accompaniment_a)
    client.force_login(referent_a)
    url = reverse("pilotage_indicator_value", args=[indicator.pk])
    response = client.post(url, {"school_year": current_school_year(), "value": "-50"}, **HTMX)
    assert "Un pourcentage se situe entre 0 et 100." in text_of(response)
    assert not indicator.values.exists()


# --- A bad row already stored -----------------------------------------------------------------------


@pytest.fixture
def action_in_9999(accompaniment_a, seminar_a):
    """Written straight to the database, as an older version or a script could have."""
    ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a)
    action = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, start_time=time(23, 30)
    )
    ActionRecord.objects.filter(pk=action.pk).update(date=date(9999, 12, 31))
    return action


def test_an_action_stored_on_9999_12_31_does_not_break_the_feed(client, adviser_a, action_in_9999):
    feed = calendar_feed_of(user=adviser_a)
    response = client.get(reverse("pilotage_calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2, "the good action is still in the feed"


@pytest.mark.parametrize(
    "who, url",
    [
        ("adviser", lambda a: a.school.get_absolute_url()),
        ("adviser", lambda a: reverse("pilotage_adviser_dashboard")),
        ("staff", lambda a: reverse("pilotage_federation_dashboard")),
        ("referent", lambda a: reverse("pilotage_po_dashboard")),
        ("referent", lambda a: a.school.get_absolute_url()),
    ],
)
def test_an_action_stored_on_9999_12_31_does_not_break_the_pages(
    client, accompaniment_a, action_in_9999, adviser_a, staff_a, referent_a, who, url
):
    client.force_login({"adviser": adviser_a, "staff": staff_a, "referent": referent_a}[who])
    response = client.get(url(accompaniment_a))
    assert response.status_code == 200


def test_an_action_stored_on_9999_12_31_does_not_break_the_yearly_report(tmp_path, side_a, action_in_9999):
    year = current_school_year()
    for suffix in ("xlsx", "pdf"):
        out = StringIO()
        call_command(
            "yearly_report",
            "--federation",
            side_a.federation.code.lower(),
            "--year",
            str(year),
            "-o",
            str(tmp_path / f"r.{suffix}"),
            stdout=out,
        )
        assert "2 écoles" in out.getvalue()


def test_a_plan_accepted_in_9999_does_not_break_the_school_page(client, referent_a, accompaniment_a):
    Plan.objects.filter(accompaniment=accompaniment_a).update(
        state="accepted", accepted_on=date(9999, 12, 31), contract_start=date(9999, 12, 31)
    )
    client.force_login(referent_a)
    assert client.get(accompaniment_a.school.get_absolute_url()).status_code == 200


def test_the_import_refuses_a_percentage_below_zero_naming_the_line(client, accompaniment_a, referent_a):
    objective_with_indicator(accompaniment_a)
    client.force_login(referent_a)
    fase = accompaniment_a.school.fase
    content = f"FASE,indicator,year,value\n{fase},Élèves lecteurs,2024,45\n{fase},Élèves lecteurs,2025,-50\n"
    upload = SimpleUploadedFile("valeurs.csv", content.encode(), content_type="text/csv")
    text = text_of(client.post(reverse("pilotage_indicator_import"), {"file": upload}))
    assert "Ligne 3" in text and "Un pourcentage se situe entre 0 et 100." in text
    assert not IndicatorValue.objects.exists(), "nothing imported half-way"
