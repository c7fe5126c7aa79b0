"""Issue 12, item 1: the history of steps is append-only. Going back a step asks for a
confirmation and a reason, keeps every earlier entry, and shows as a correction; a past school
year's report reads the history as it stood at the end of that year."""

from datetime import datetime, time, timedelta
from io import BytesIO, StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts import services
from accounts.models import Role
from core.school_years import school_year_bounds
from pilotage.dashboards.periods import period_for
from pilotage.dashboards.queries import federation_school_rows, steps_by_wave
from pilotage.models import Accompaniment, StepEntry
from pilotage.services.accompaniment import move_to_step
from tests.pilotage.dashboards.conftest import LAST_YEAR
from tests.pilotage.factories import accompany
from tests.utils import text_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _recorded(day):
    return timezone.make_aware(datetime.combine(day, time(17)))


def _entered(accompaniment, before, step, day):
    """A move recorded on the day it took effect, as the demo and the migrated rows are."""
    StepEntry.objects.create(
        accompaniment=accompaniment,
        from_step_id=before,
        step_id=step,
        entered_on=day,
        recorded_at=_recorded(day),
    )
    Accompaniment.objects.filter(pk=accompaniment.pk).update(current_step_id=step)


@pytest.fixture
def school_9016(side_a):
    """A school at step 3 since last school year, with two earlier years of history."""
    start, _ = school_year_bounds(LAST_YEAR)
    accompaniment = accompany(side_a, started_on=start - timedelta(days=700))
    _entered(accompaniment, 1, 2, start - timedelta(days=300))
    _entered(accompaniment, 2, 3, start + timedelta(days=30))
    return Accompaniment.objects.with_parties().get(pk=accompaniment.pk)


def _xlsx_step(side, tmp_path) -> str:
    output = tmp_path / "rapport.xlsx"
    call_command(
        "yearly_report", "--federation", side.federation.code, "--year", str(LAST_YEAR), "-o", str(output),
        stdout=StringIO(),
    )  # fmt: skip
    sheet = load_workbook(BytesIO(output.read_bytes()), read_only=True)["Écoles"]
    rows = list(sheet.iter_rows(values_only=True))
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return next(line["Étape"] for line in lines if line["FASE"] == side.school.fase)


def _back_to_step_1(client, accompaniment, **data):
    return client.post(
        reverse("pilotage_step_move", args=[accompaniment.pk]),
        {"step": "1", "on": timezone.localdate().isoformat(), **data},
        **HTMX,
    )


def test_going_back_keeps_the_history_and_last_years_report(client, side_a, school_9016, tmp_path):
    period = period_for(LAST_YEAR)
    assert _xlsx_step(side_a, tmp_path).startswith("3.")
    client.force_login(side_a.users[Role.FPO_ADVISER])

    response = _back_to_step_1(
        client, school_9016, reason="Plan à reprendre avec la nouvelle direction", confirm="on"
    )

    assert "L'école est revenue à l'étape 1 ; l'historique est conservé." in text_of(response)
    moves = StepEntry.objects.filter(accompaniment=school_9016).in_order()
    assert [(m.from_step_id, m.step_id) for m in moves] == [(None, 1), (1, 2), (2, 3), (3, 1)]
    assert Accompaniment.objects.get(pk=school_9016.pk).current_step_id == 1
    # Last year is read as it stood then: still step 3, not « Pas d'accompagnement ».
    assert _xlsx_step(side_a, tmp_path).startswith("3.")
    row = next(r for r in federation_school_rows(side_a.federation, period) if r.pk == side_a.school.pk)
    assert row.step == 3
    assert steps_by_wave(side_a.federation, period)[(3, side_a.school.wave)] == 1


def test_a_correction_backdated_into_a_closed_year_does_not_rewrite_it(side_a, school_9016, tmp_path):
    _, end = school_year_bounds(LAST_YEAR)
    move_to_step(
        accompaniment=school_9016,
        step=2,
        by=side_a.users[Role.FPO_ADVISER],
        on=end - timedelta(days=10),
        reason="Étape 3 encodée trop tôt",
        confirmed=True,
    )
    assert _xlsx_step(side_a, tmp_path).startswith("3.")
    # The year that runs now sees the correction.
    rows = federation_school_rows(side_a.federation, period_for(LAST_YEAR + 1))
    assert next(r for r in rows if r.pk == side_a.school.pk).step == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Erreur"}, "Confirmez le retour de l'étape 3 à l'étape 1"),
        ({"confirm": "on"}, "Indiquez le motif du retour à une étape antérieure."),
        ({"confirm": "on", "reason": "   "}, "Indiquez le motif du retour à une étape antérieure."),
    ],
)
def test_going_back_needs_a_confirmation_and_a_reason(client, side_a, school_9016, data, message):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = _back_to_step_1(client, school_9016, **data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert StepEntry.objects.filter(accompaniment=school_9016).count() == 3
    assert Accompaniment.objects.get(pk=school_9016.pk).current_step_id == 3


def test_the_service_refuses_an_unconfirmed_move_back(side_a, school_9016):
    with pytest.raises(ValidationError) as error:
        move_to_step(accompaniment=school_9016, step=1, by=side_a.users[Role.FPO_ADVISER])
    assert set(error.value.message_dict) == {"confirm", "reason"}
    assert StepEntry.objects.filter(accompaniment=school_9016).count() == 3


def test_a_forward_move_needs_no_reason_and_keeps_the_date_rules(client, side_a, school_9016):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    url = reverse("pilotage_step_move", args=[school_9016.pk])
    start, _ = school_year_bounds(LAST_YEAR)
    too_early = client.post(url, {"step": "4", "on": start.isoformat()}, **HTMX)
    assert "L'école est entrée à l'étape 3 le" in text_of(too_early)
    response = client.post(url, {"step": "4", "on": timezone.localdate().isoformat()}, **HTMX)
    assert "L'école est passée à l'étape 4." in text_of(response)


def test_the_step_list_opens_on_the_next_step(client, side_a, school_9016):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = BeautifulSoup(client.get(side_a.school.get_absolute_url()).content, "html.parser")
    selected = page.select_one("#pilotage-etapes select[name=step] option[selected]")
    assert selected["value"] == "4"
    form_page = BeautifulSoup(
        client.get(reverse("pilotage_step_move", args=[school_9016.pk])).content, "html.parser"
    )
    assert form_page.select_one("select[name=step] option[selected]")["value"] == "4"


def test_the_page_shows_each_move_with_who_when_from_to_and_why(client, side_a, school_9016):
    adviser = side_a.users[Role.FPO_ADVISER]
    move_to_step(accompaniment=school_9016, step=1, by=adviser, reason="Nouvelle direction", confirmed=True)
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = BeautifulSoup(client.get(side_a.school.get_absolute_url()).content, "html.parser")
    history = " ".join(page.select_one("#pilotage-etapes-historique").get_text(" ", strip=True).split())
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert "Historique des étapes (4)" in history
    assert f"Correction Retour de l'étape 3 à l'étape 1 le {today}" in history
    assert f"par {adviser}" in history
    assert "Motif : Nouvelle direction" in history
    assert "Passage de l'étape 2 à l'étape 3" in history
    assert "Début de l'accompagnement à l'étape 1" in history


def test_the_history_cannot_be_rewritten(school_9016):
    entry = StepEntry.objects.filter(accompaniment=school_9016).first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        StepEntry.objects.filter(accompaniment=school_9016).delete()
    with pytest.raises(TypeError):
        StepEntry.objects.filter(accompaniment=school_9016).update(step_id=1)


def test_the_api_gives_every_move(client, side_a, school_9016):
    move_to_step(
        accompaniment=school_9016, step=1, by=side_a.users[Role.FPO_ADVISER], reason="Erreur", confirmed=True
    )
    token = services.create_api_token(user=side_a.users[Role.FPO_STAFF], name="Synchronisation")[1]
    response = client.get(
        reverse("api:api_accompaniment_detail", args=[school_9016.pk]),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content[:300]
    steps = response.json()["steps"]
    assert [(s["from_step"], s["step"], s["correction"]) for s in steps][-2:] == [(2, 3, False), (3, 1, True)]
    assert steps[-1]["reason"] == "Erreur"
