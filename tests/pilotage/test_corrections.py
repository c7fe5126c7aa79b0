"""Edit, correct, undo, never blank: actions rescheduled, corrected, set back to planned and
deleted by their author, engagements unticked, each with who, when and why; evaluations and
the plan's forms show what is saved and refuse a stale copy."""

from datetime import timedelta

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.models import ActionCorrection, ActionRecord, EngagementCheck, Evaluation, Plan
from pilotage.services.actions import cancel_action, mark_held, plan_action
from pilotage.services.corrections import correct_action
from pilotage.services.engagements import tick_engagement
from tests.pilotage.factories import objective_with_indicator
from tests.utils import text_of


def _today():
    return timezone.localdate()


def _planned(accompaniment, action_type, by, days=10):
    return plan_action(
        accompaniment=accompaniment, action_type=action_type, date=_today() + timedelta(days=days), by=by
    )


def _field(response, name):
    field = BeautifulSoup(response.content, "html.parser").find(attrs={"name": name})
    return field.get("value") if field.name == "input" else field.get_text().strip()


# --- Evaluations: never blanked by an empty re-save, their own form shows what is saved ------


def _evaluation(client, accompaniment, **extra):
    objective = objective_with_indicator(accompaniment).objective
    url = reverse("pilotage_evaluation_create", args=[accompaniment.pk])
    data = {"kind": "annual", "school_year": "2024", "held_on": "2025-06-20", "comment": "Bilan positif"}
    data[f"status_{objective.pk}"] = "met"
    data[f"comment_{objective.pk}"] = "Lecture en hausse"
    assert client.post(url, {**data, **extra}).status_code == 302
    return Evaluation.objects.get(), objective


def test_re_saving_an_evaluation_with_the_form_left_empty_keeps_its_date_and_comment(
    client, referent_a, accompaniment_a
):
    client.force_login(referent_a)
    evaluation, objective = _evaluation(client, accompaniment_a)
    url = reverse("pilotage_evaluation_create", args=[accompaniment_a.pk])
    assert client.post(url, {"kind": "annual", "school_year": "2024"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.held_on.isoformat() == "2025-06-20"
    assert evaluation.comment == "Bilan positif"
    assert evaluation.results.get(objective=objective).comment == "Lecture en hausse"
    assert "Bilan positif" in text_of(client.get(accompaniment_a.school.get_absolute_url()))


def test_an_evaluations_own_form_shows_the_saved_values_and_clears_only_what_is_cleared(
    client, referent_a, accompaniment_a
):
    client.force_login(referent_a)
    evaluation, objective = _evaluation(client, accompaniment_a)
    url = reverse("pilotage_evaluation_edit", args=[evaluation.pk])
    assert url in client.get(accompaniment_a.school.get_absolute_url()).content.decode()
    form = client.get(url)
    assert _field(form, "held_on") == "2025-06-20"
    assert _field(form, "comment") == "Bilan positif"
    assert _field(form, f"comment_{objective.pk}") == "Lecture en hausse"
    data = {
        "version": _field(form, "version"),
        "held_on": "2025-06-20",
        "comment": "",
        f"status_{objective.pk}": "in_progress",
        f"comment_{objective.pk}": "Lecture en hausse",
        # Nature and year cannot be changed here: a tampered value is ignored.
        "kind": "intermediate",
        "school_year": "2020",
    }
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.kind, evaluation.school_year, evaluation.comment) == ("annual", 2024, "")
    assert evaluation.results.get().status == "in_progress"


def test_a_stale_evaluation_form_says_so_instead_of_overwriting(client, referent_a, accompaniment_a):
    client.force_login(referent_a)
    evaluation, objective = _evaluation(client, accompaniment_a)
    url = reverse("pilotage_evaluation_edit", args=[evaluation.pk])
    version = _field(client.get(url), "version")
    Evaluation.objects.filter(pk=evaluation.pk).update(comment="Changé dans une autre fenêtre")
    response = client.post(url, {"version": version, "comment": "Le mien", f"status_{objective.pk}": "met"})
    assert response.status_code == 200
    assert "modifiées par quelqu'un d'autre depuis que vous avez ouvert ce formulaire" in text_of(response)
    evaluation.refresh_from_db()
    assert evaluation.comment == "Changé dans une autre fenêtre"


def test_a_stale_plan_form_says_so_instead_of_overwriting(client, referent_a, accompaniment_a):
    client.force_login(referent_a)
    plan = Plan.objects.get(accompaniment=accompaniment_a)
    Plan.objects.filter(pk=plan.pk).update(diagnosis="Diagnostic partagé")
    url = reverse("pilotage_plan_edit", args=[accompaniment_a.pk])
    form = client.get(url)
    assert _field(form, "diagnosis") == "Diagnostic partagé"
    Plan.objects.filter(pk=plan.pk).update(diagnosis="Diagnostic revu par la direction")
    response = client.post(
        url, {"version": _field(form, "version"), "state": plan.state, "diagnosis": "Le mien"}
    )
    assert "modifiées par quelqu'un d'autre" in text_of(response)
    plan.refresh_from_db()
    assert plan.diagnosis == "Diagnostic revu par la direction"
    # Reloaded, the form carries the new version and saves.
    form = client.get(url)
    response = client.post(
        url, {"version": _field(form, "version"), "state": plan.state, "diagnosis": "Le mien"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.diagnosis == "Le mien"


# --- Actions -------------------------------------------------------------------------------


def test_an_adviser_reschedules_a_planned_action_and_the_reason_is_shown_under_it(
    client, accompaniment_a, adviser_a, seminar_a
):
    action = _planned(accompaniment_a, seminar_a, adviser_a)
    client.force_login(adviser_a)
    url = reverse("pilotage_action_correct", args=[action.pk])
    form = client.get(url)
    assert _field(form, f"action-{action.pk}-date") == action.date.isoformat()
    new_day = action.date + timedelta(days=7)
    prefix = f"action-{action.pk}-"
    data = {
        f"{prefix}date": new_day.isoformat(),
        f"{prefix}participants": action.participants,
        f"{prefix}version": _field(form, f"{prefix}version"),
    }
    refused = client.post(url, data)
    assert "Indiquez le motif de la correction." in text_of(refused)
    action.refresh_from_db()
    assert action.date != new_day
    response = client.post(url, {**data, f"{prefix}reason": "La salle n'est pas libre"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.date, action.status) == (new_day, ActionRecord.Status.PLANNED)
    correction = ActionCorrection.objects.get()
    assert (correction.kind, correction.by) == ("rescheduled", adviser_a)
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert f"Reportée le {timezone.localtime(correction.at):%d/%m/%Y}" in page
    assert "motif : La salle n'est pas libre" in page
    assert f"date : {action.date - timedelta(days=7):%d/%m/%Y} → {new_day:%d/%m/%Y}" in page


def test_a_held_action_is_corrected_but_never_into_the_future(client, accompaniment_a, adviser_a, seminar_a):
    action = _planned(accompaniment_a, seminar_a, adviser_a, days=-3)
    mark_held(action=action, by=adviser_a, participants="Directions")
    client.force_login(adviser_a)
    url = reverse("pilotage_action_correct", args=[action.pk])
    prefix = f"action-{action.pk}-"
    data = {
        f"{prefix}date": (_today() + timedelta(days=2)).isoformat(),
        f"{prefix}participants": "Directions et PO",
        f"{prefix}duration": "2",
        f"{prefix}reason": "Oubli du PO dans la liste",
    }
    assert "ne peut pas être datée dans le futur" in text_of(client.post(url, data))
    data[f"{prefix}date"] = (_today() - timedelta(days=4)).isoformat()
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.participants, action.duration, action.status) == ("Directions et PO", 2, "held")
    assert ActionCorrection.objects.get().kind == "corrected"
    assert "participants : Directions → Directions et PO" in text_of(
        client.get(accompaniment_a.school.get_absolute_url())
    )


def test_a_cancelled_or_held_action_is_set_back_to_planned_with_a_reason(
    client, accompaniment_a, adviser_a, staff_a, seminar_a
):
    cancelled = _planned(accompaniment_a, seminar_a, adviser_a)
    cancel_action(action=cancelled, by=adviser_a, reason="Grève")
    held = _planned(accompaniment_a, seminar_a, adviser_a, days=-1)
    mark_held(action=held, by=adviser_a)
    client.force_login(staff_a)
    for action in (cancelled, held):
        url = reverse("pilotage_action_reopen", args=[action.pk])
        prefix = f"action-{action.pk}-"
        assert "Indiquez le motif." in text_of(client.post(url, {f"{prefix}reason": " "}))
        assert client.post(url, {f"{prefix}reason": "Encodée par erreur"}).status_code == 302
        action.refresh_from_db()
        assert (action.status, action.cancel_reason) == ("planned", "")
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert page.count("Remise en « prévue » le") == 2
    assert "motif de l'annulation : Grève" in page
    # A planned action cannot be set back again.
    assert client.get(reverse("pilotage_action_reopen", args=[cancelled.pk])).status_code == 404


def test_its_author_deletes_an_action_within_seven_days_and_the_deletion_is_kept(
    client, accompaniment_a, adviser_a, staff_a, seminar_a
):
    action = _planned(accompaniment_a, seminar_a, adviser_a)
    url = reverse("pilotage_action_delete", args=[action.pk])
    prefix = f"action-{action.pk}-"
    client.force_login(staff_a)  # not its author
    assert client.post(url, {f"{prefix}reason": "Doublon"}).status_code == 403
    old = _planned(accompaniment_a, seminar_a, adviser_a)
    ActionRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    client.force_login(adviser_a)
    assert client.post(reverse("pilotage_action_delete", args=[old.pk]), {}).status_code == 403
    page = client.get(accompaniment_a.school.get_absolute_url()).content.decode()
    assert url in page and reverse("pilotage_action_delete", args=[old.pk]) not in page
    assert client.post(url, {f"{prefix}reason": "Doublon de la séance du mardi"}).status_code == 302
    assert not ActionRecord.objects.filter(pk=action.pk).exists()
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert "Supprimées" in page and "motif : Doublon de la séance du mardi".lower() in page.lower()
    assert ActionCorrection.objects.get(kind="deleted").by == adviser_a


def test_a_stale_action_form_says_so(client, accompaniment_a, adviser_a, staff_a, seminar_a):
    action = _planned(accompaniment_a, seminar_a, adviser_a)
    client.force_login(adviser_a)
    url = reverse("pilotage_action_correct", args=[action.pk])
    prefix = f"action-{action.pk}-"
    version = _field(client.get(url), f"{prefix}version")
    correct_action(action=action, by=staff_a, reason="Salle changée", date=action.date, participants="Équipe")
    response = client.post(
        url,
        {
            f"{prefix}date": (action.date + timedelta(days=1)).isoformat(),
            f"{prefix}reason": "Report",
            f"{prefix}version": version,
        },
    )
    assert "modifiée par quelqu'un d'autre" in text_of(response)
    action.refresh_from_db()
    assert action.participants == "Équipe"
    assert ActionCorrection.objects.count() == 1


def test_another_federations_adviser_cannot_correct_undo_or_delete(
    client, accompaniment_a, adviser_a, seminar_a, side_b
):
    action = _planned(accompaniment_a, seminar_a, adviser_a)
    client.force_login(side_b.users[Role.FPO_ADVISER])
    for name in ("pilotage_action_correct", "pilotage_action_reopen", "pilotage_action_delete"):
        assert client.post(reverse(name, args=[action.pk]), {"reason": "x"}).status_code == 404
    assert ActionRecord.objects.filter(pk=action.pk, status="planned").exists()


# --- Engagements ---------------------------------------------------------------------------


def test_the_referent_unticks_an_engagement_with_a_reason_kept_and_shown(
    client, accompaniment_a, referent_a, adviser_a, side_b
):
    check = accompaniment_a.engagement_checks.first()
    tick_engagement(accompaniment=accompaniment_a, engagement=check.engagement, by=referent_a, comment="OK")
    url = reverse("pilotage_engagement_untick", args=[check.pk])
    client.force_login(adviser_a)
    assert client.post(url, {"reason": "Erreur"}).status_code == 403
    client.force_login(side_b.users[Role.PO_REFERENT])
    assert client.post(url, {"reason": "Erreur"}).status_code == 404
    client.force_login(referent_a)
    assert "Indiquez pourquoi vous décochez cet engagement." in text_of(client.post(url, {"reason": ""}))
    assert EngagementCheck.objects.get(pk=check.pk).done_at is not None
    assert client.post(url, {"reason": "Le référent n'est pas encore désigné"}).status_code == 302
    check.refresh_from_db()
    assert (check.done_at, check.done_by, check.comment) == (None, None, "")
    untick = check.unticks.get()
    assert (untick.by, untick.was_done_by, untick.was_comment) == (referent_a, referent_a, "OK")
    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
    assert f"Décoché le {timezone.localtime(untick.at):%d/%m/%Y}" in page
    assert "motif : Le référent n'est pas encore désigné" in page
    # Ticked again afterwards, as before.
    tick_engagement(accompaniment=accompaniment_a, engagement=check.engagement, by=referent_a)


def test_a_held_actions_correction_opens_in_its_row_and_answers_with_the_section(
    client, accompaniment_a, adviser_a, seminar_a
):
    action = _planned(accompaniment_a, seminar_a, adviser_a, days=-2)
    mark_held(action=action, by=adviser_a, participants="Directions")
    client.force_login(adviser_a)
    url = reverse("pilotage_action_correct", args=[action.pk])
    assert url in client.get(accompaniment_a.school.get_absolute_url()).content.decode()
    row = client.get(url, HTTP_HX_REQUEST="true")
    soup = BeautifulSoup(row.content, "html.parser")
    assert soup.find("tr")["id"] == f"action-{action.pk}"
    assert soup.find("form")["hx-post"] == url
    assert "Motif de la correction" in soup.get_text()
    prefix = f"action-{action.pk}-"
    response = client.post(
        url,
        {
            f"{prefix}date": action.date.isoformat(),
            f"{prefix}participants": "Directions et PO",
            f"{prefix}reason": "Le PO était là",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.headers["HX-Retarget"] == "#pilotage-actions"
    assert "Action corrigée" in text_of(response)
    assert "motif : Le PO était là" in text_of(response)
