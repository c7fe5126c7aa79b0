"""The audit trail of the pilotage records: a change made through each form shows in the
journal with who, when, and the old and new values, to the federation's staff only."""

from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from pilotage.models import ActionRecord
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conventions.factories import convention_for
from tests.pilotage.factories import ActionRecordFactory, objective_with_indicator
from tests.utils import text_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def journal_text(client, staff, **params):
    client.force_login(staff)
    response = client.get(reverse("journal"), params)
    assert response.status_code == 200
    return text_of(response)


def test_a_step_move_shows_the_old_and_new_step(client, accompaniment_a, adviser_a, staff_a):
    client.force_login(adviser_a)
    client.post(
        reverse("pilotage_step_move", args=[accompaniment_a.pk]),
        {"step": "2", "on": timezone.localdate().isoformat()},
        **HTMX,
    )
    text = journal_text(client, staff_a, type="accompagnement")
    assert "Étape en cours : Étape 1 : Mobiliser" in text
    assert "→ Étape 2 : Réaliser" in text
    assert adviser_a.get_full_name() in text
    assert "Entrée dans une étape" in journal_text(client, staff_a, type="etape")


def test_advisers_designated_then_removed_show_in_the_trail(client, side_a, accompaniment_a, staff_a):
    newcomer = UserFactory(first_name="Zoé", last_name="NOUVELLE", email="zoe.nouvelle@pilotis.example")
    MembershipFactory(user=newcomer, role=Role.FPO_ADVISER, federation=side_a.federation)
    url = reverse("pilotage_advisers", args=[accompaniment_a.pk])
    client.force_login(staff_a)
    client.post(url, {"advisers": [side_a.users[Role.FPO_ADVISER].pk, newcomer.pk]}, **HTMX)
    client.post(url, {"advisers": [newcomer.pk]}, **HTMX)

    text = journal_text(client, staff_a, type="conseiller")
    assert f"Conseiller : — → {newcomer}" in text
    assert "Suppression" in text and f"Conseiller : {side_a.users[Role.FPO_ADVISER]} → —" in text
    assert staff_a.get_full_name() in text


def test_an_action_held_then_edited_shows_each_change(client, accompaniment_a, adviser_a, staff_a):
    action = ActionRecordFactory(accompaniment=accompaniment_a, date=timezone.localdate())
    client.force_login(adviser_a)
    prefix = f"action-{action.pk}"
    client.post(
        reverse("pilotage_action_held", args=[action.pk]),
        {
            f"{prefix}-held_on": timezone.localdate().isoformat(),
            f"{prefix}-participants": "Mme Dupont, M. Martin",
            f"{prefix}-participant_count": "2",
        },
        **HTMX,
    )
    text = journal_text(client, staff_a, type="action")
    assert "État : Prévue → Réalisée" in text
    assert "Participants : — → Mme Dupont, M. Martin" in text
    assert "Nombre de participants : — → 2" in text


def test_a_planned_action_is_recorded_as_a_creation(client, accompaniment_a, adviser_a, staff_a, seminar_a):
    client.force_login(adviser_a)
    day = timezone.localdate() + timedelta(days=7)
    client.post(
        reverse("pilotage_action_plan", args=[accompaniment_a.pk]),
        {"action_type": seminar_a.pk, "date": day.isoformat(), "participants": "Directions du PO"},
        **HTMX,
    )
    text = journal_text(client, staff_a, type="action")
    assert "Création" in text and f"Date : — → {day:%d/%m/%Y}" in text
    assert "Action : — → Séminaire d'échanges PO – directions" in text


def test_an_engagement_tick_shows_who_ticked(client, accompaniment_a, referent_a, staff_a):
    check = accompaniment_a.engagement_checks.order_by("engagement__position").first()
    client.force_login(referent_a)
    client.post(
        reverse("pilotage_engagement_tick", args=[check.pk]), {"comment": "Désigné par le collège"}, **HTMX
    )
    text = journal_text(client, staff_a, type="engagement")
    assert f"Coché par : — → {referent_a}" in text
    assert "Commentaire : — → Désigné par le collège" in text
    assert "Modifié par" in text and referent_a.get_full_name() in text


def test_plan_indicator_and_evaluation_changes(client, side_a, accompaniment_a, referent_a, staff_a):
    indicator = objective_with_indicator(accompaniment_a)
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    today = timezone.localdate()
    client.post(
        reverse("pilotage_plan_edit", args=[accompaniment_a.pk]),
        {"state": "submitted", "dco_meeting_on": (today + timedelta(days=20)).isoformat()},
    )
    client.force_login(referent_a)
    url = reverse("pilotage_indicator_value", args=[indicator.pk])
    client.post(url, {"school_year": "2024", "value": "47,5"}, **HTMX)
    client.post(url, {"school_year": "2024", "value": "48"}, **HTMX)
    client.post(
        reverse("pilotage_evaluation_create", args=[accompaniment_a.pk]),
        {
            "kind": "annual",
            "school_year": "2024",
            "held_on": today.isoformat(),
            "comment": "Bonne année",
            f"status_{indicator.objective_id}": "met",
        },
    )
    text = journal_text(client, staff_a, type="plan")
    assert "État : En élaboration → Remis au DCO" in text
    assert f"Remis au DCO le : — → {today:%d/%m/%Y}" in text
    text = journal_text(client, staff_a, type="valeur")
    assert "Valeur : 47,5 → 48" in text
    text = journal_text(client, staff_a, type="evaluation")
    assert "Commentaire général : — → Bonne année" in text
    assert "Atteint" in journal_text(client, staff_a, type="resultat")


def test_the_indicator_form_shows_in_the_trail(client, accompaniment_a, referent_a, staff_a):
    indicator = objective_with_indicator(accompaniment_a)
    client.force_login(referent_a)
    client.post(
        reverse("pilotage_indicator_edit", args=[indicator.pk]),
        {
            "name": "Élèves lecteurs en 2e",
            "unit": "%",
            "direction": "rise",
            "baseline": "40",
            "target": "60",
            "baseline_year": "",
            "target_year": "",
        },
    )
    indicator.refresh_from_db()
    assert indicator.name == "Élèves lecteurs en 2e", "le formulaire a été accepté"
    text = journal_text(client, staff_a, type="indicateur")
    assert "Intitulé : Élèves lecteurs → Élèves lecteurs en 2e" in text


def test_only_the_federations_staff_and_administrators_read_it(
    client, accompaniment_a, side_a, side_b, admin_user, adviser_a
):
    ActionRecordFactory(accompaniment=accompaniment_a, participants="Réunion secrète A")
    school = accompaniment_a.school
    assert "Réunion secrète A" in journal_text(client, side_a.users[Role.FPO_STAFF])
    assert "Réunion secrète A" in journal_text(client, admin_user)
    assert "Réunion secrète A" not in journal_text(client, side_b.users[Role.FPO_STAFF])
    client.force_login(side_b.users[Role.FPO_STAFF])
    assert client.get(reverse("journal"), {"ecole": school.fase}).status_code == 404
    for role in (Role.FPO_ADVISER, Role.PO_REFERENT, Role.SCHOOL_DIRECTION, Role.DCO, Role.SIGNATORY):
        client.force_login(side_a.users[role])
        assert client.get(reverse("journal")).status_code == 403
        assert client.get(reverse("journal"), {"format": "csv"}).status_code == 403
        assert "Historique des modifications" not in text_of(client.get(school.get_absolute_url()))
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = client.get(school.get_absolute_url()).content.decode()
    assert f"/journal/?ecole={school.fase}" in page


def test_filters_by_school_user_and_dates(client, accompaniment_a, side_a, adviser_a, staff_a):
    ActionRecordFactory(accompaniment=accompaniment_a, participants="Par le système")
    text = journal_text(client, staff_a, ecole=accompaniment_a.school.fase)
    assert "Par le système" in text
    assert "Par le système" not in journal_text(client, staff_a, utilisateur=adviser_a.pk)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "Par le système" not in journal_text(client, staff_a, du=tomorrow.isoformat())
    assert "Par le système" in journal_text(client, staff_a, au=timezone.localdate().isoformat())
    text = journal_text(client, staff_a, du=tomorrow.isoformat(), au=timezone.localdate().isoformat())
    assert "La date de fin doit suivre la date de début." in text


def test_the_export_neutralises_formulas(client, accompaniment_a, staff_a):
    ActionRecordFactory(accompaniment=accompaniment_a, participants='=HYPERLINK("http://evil.example")')
    client.force_login(staff_a)
    export = client.get(reverse("journal"), {"type": "action", "format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.values)
    assert rows[0][:4] == ("Date", "Modifié par", "Type", "Objet")
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    csv = client.get(reverse("journal"), {"type": "action", "format": "csv"}).getvalue().decode()
    assert ";\"'=HYPERLINK" in csv
    assert client.get(reverse("journal"), {"format": "exe"}).status_code == 404


def test_the_list_makes_as_many_queries_for_many_changes(client, accompaniment_a, staff_a, queries_stay_flat):
    ActionRecordFactory(accompaniment=accompaniment_a)
    client.force_login(staff_a)

    def grow():
        for i in range(15):
            action = ActionRecordFactory(accompaniment=accompaniment_a, participants=f"Groupe {i}")
            action.participants = f"Groupe {i} bis"
            action.save()

    # Two or three queries per kind of record (its rows, the versions before them), not per change.
    response = queries_stay_flat(reverse("journal"), grow=grow, at_most=55)
    assert "Groupe 14 → Groupe 14 bis" in text_of(response)


def test_an_absurd_date_in_the_filters_is_refused_in_french(client, staff_a):
    client.force_login(staff_a)
    for params in ({"du": "0001-01-01"}, {"du": "0001-01-01", "format": "csv"}):
        response = client.get(reverse("journal"), params)
        assert response.status_code == 200
        assert "Saisissez une date entre le 01/01/1990 et le 31/12/2100" in text_of(response)


def test_the_first_change_in_the_demo_shows_its_old_value(client, django_user_model):
    call_command("load_demo", stdout=StringIO())
    action = ActionRecord.objects.filter(status="planned").order_by("pk").first()
    before = action.date
    action.date = before + timedelta(days=1)
    action.save()

    client.force_login(django_user_model.objects.get(email="admin@pilotis.example"))
    response = client.get(reverse("journal"), {"type": "action"})
    assert f"{before:%d/%m/%Y} → {action.date:%d/%m/%Y}" in text_of(response)


def test_the_journal_makes_as_many_queries_for_40_convention_changes_as_for_5(
    client, side_a, staff_a, queries_stay_flat
):
    """Each version of a convention keeps the schools it covered: they are read for the whole
    page at once, not once per version."""
    convention = convention_for(side_a)

    def change(times):
        for i in range(times):
            convention.council_decision_reference = f"Délibération {convention.pk}-{i}"
            convention.save()

    change(5)
    client.force_login(staff_a)
    # 39 on SQLite with 5 versions: the page, its filters, one query per kind of record.
    response = queries_stay_flat(reverse("journal"), grow=lambda: change(35), at_most=40)
    assert f"Délibération {convention.pk}-33 → Délibération {convention.pk}-34" in text_of(response)


def test_the_people_filter_lists_the_federations_people_and_keeps_the_choice(
    client, side_a, adviser_a, staff_a
):
    client.force_login(staff_a)
    page = client.get(reverse("journal"), {"utilisateur": adviser_a.pk}).content.decode()
    select = page[page.index('<select name="utilisateur" id="id_utilisateur"') :]
    select = select[: select.index("</select>")]
    assert '<option value="">Tout le monde</option>' in select
    name = adviser_a.get_full_name() or adviser_a.email
    assert f'<option value="{adviser_a.pk}" selected>{name}</option>' in select
    assert f'<option value="{side_a.users[Role.FPO_ADVISER].pk}"' in select
