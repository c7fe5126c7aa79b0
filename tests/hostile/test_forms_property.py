"""Property-based: random text, unicode, huge and empty values posted to every form of the app by
the role that fills it. Never a 500; where refused, the form says why in French; nothing is
saved half-way (the rows the form touches are unchanged when it refuses)."""

import pytest
from django.apps import apps
from django.forms import BaseForm, BaseFormSet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from tests.conventions.factories import convention_for
from tests.pilotage.factories import (
    ActionRecordFactory,
    ActionTypeFactory,
    accompany,
    objective_with_indicator,
)

from .corpus import CORPUS, NUL

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "31/12/9999", "0001-01-01", "2025-13-45", "1e309", "NaN", NUL]),
    st.sampled_from(list(CORPUS.values())),
    st.just("é" * 20_000),
)
ENGLISH = ("This field", "Enter a", "Ensure this", "Select a valid", "is not one of", "Null characters")
WATCHED = [
    ("pilotage", name)
    for name in (
        "ActionRecord",
        "Note",
        "SchoolObjective",
        "Strategy",
        "Indicator",
        "IndicatorValue",
        "Evaluation",
        "StepEntry",
        "Plan",
        "EngagementCheck",
        "AdviserAssignment",
    )
] + [
    ("conventions", "Convention"),
    ("conventions", "ConventionSignatory"),
    ("accounts", "Invitation"),
]


def snapshot() -> dict:
    return {name: list(apps.get_model(app, name).objects.order_by("pk").values()) for app, name in WATCHED}


def form_errors(response) -> list[str]:
    errors = []
    for context in response.context or []:
        for value in context.flatten().values():
            forms = (
                value.forms
                if isinstance(value, BaseFormSet)
                else [value]
                if isinstance(value, BaseForm)
                else []
            )
            for form in forms:
                if form.is_bound and not form.is_valid():
                    errors += [str(e) for field_errors in form.errors.values() for e in field_errors]
            if isinstance(value, BaseFormSet) and value.is_bound:
                errors += [str(e) for e in value.non_form_errors()]
    return errors


def check_post(client, url, data):
    before = snapshot()
    response = client.post(url, data, **HTMX)
    assert response.status_code < 500, (url, data, response.status_code)
    assert response.status_code not in (403, 404, 405), (url, response.status_code)
    errors = form_errors(response)
    if errors:
        assert snapshot() == before, (url, "enregistré à moitié", data)
        for error in errors:
            assert not any(word in error for word in ENGLISH), error
    return response


@pytest.fixture
def world(side_a):
    accompaniment = accompany(side_a)
    indicator = objective_with_indicator(accompaniment)
    action_type = ActionTypeFactory(federation=side_a.federation)
    return {
        "side": side_a,
        "accompaniment": accompaniment,
        "indicator": indicator,
        "objective": indicator.objective,
        "action_type": action_type,
        "check": accompaniment.engagement_checks.first(),
    }


def _pilotage_forms(w):
    pk, objective, indicator = w["accompaniment"].pk, w["objective"].pk, w["indicator"].pk
    return {
        "note": (Role.FPO_ADVISER, f"/pilotage/accompagnements/{pk}/notes/", ["text", "visibility"]),
        "action_plan": (
            Role.FPO_ADVISER,
            f"/pilotage/accompagnements/{pk}/actions/nouvelle/",
            ["date", "start_time", "duration", "location", "participants"],
        ),
        "step": (Role.FPO_ADVISER, f"/pilotage/accompagnements/{pk}/etape/", ["step", "on", "reason"]),
        "advisers": (Role.FPO_STAFF, f"/pilotage/accompagnements/{pk}/conseillers/", ["advisers"]),
        "engagement": (Role.PO_REFERENT, f"/pilotage/engagements/{w['check'].pk}/cocher/", ["comment"]),
        "plan": (
            Role.PO_REFERENT,
            f"/pilotage/accompagnements/{pk}/plan/",
            ["state", "diagnosis", "submitted_to_dco_on", "dco_meeting_on", "dco_comment", "accepted_on"],
        ),
        "objective_create": (
            Role.PO_REFERENT,
            f"/pilotage/accompagnements/{pk}/objectifs/nouveau/",
            ["label", "title", "description"],
        ),
        "objective_edit": (
            Role.PO_REFERENT,
            f"/pilotage/objectifs/{objective}/",
            ["label", "title", "description"],
        ),
        "strategy_create": (
            Role.PO_REFERENT,
            f"/pilotage/accompagnements/{pk}/strategies/nouvelle/",
            ["title", "actions", "responsible", "timeline"],
        ),
        "indicator_create": (
            Role.PO_REFERENT,
            f"/pilotage/objectifs/{objective}/indicateurs/nouveau/",
            ["name", "unit", "direction", "baseline", "baseline_year", "target", "target_year"],
        ),
        "indicator_edit": (
            Role.PO_REFERENT,
            f"/pilotage/indicateurs/{indicator}/",
            ["name", "unit", "direction", "baseline", "baseline_year", "target", "target_year"],
        ),
        "indicator_value": (
            Role.PO_REFERENT,
            f"/pilotage/indicateurs/{indicator}/valeurs/",
            ["school_year", "value"],
        ),
        "evaluation": (
            Role.PO_REFERENT,
            f"/pilotage/accompagnements/{pk}/evaluations/nouvelle/",
            ["kind", "school_year", "held_on", "comment", f"status_{objective}", f"comment_{objective}"],
        ),
        "bulk": (Role.FPO_ADVISER, "/pilotage/actions-groupees/", ["date", "location", "participants"]),
        "invitation": (
            Role.FPO_STAFF,
            "/invitations/nouvelle/",
            ["organisation", "role", "email", "first_name", "last_name", "function"],
        ),
        "api_token": (Role.FPO_STAFF, "/comptes/jetons/", ["name"]),
    }


FORMS = list(
    _pilotage_forms(
        {
            "accompaniment": type("A", (), {"pk": 0}),
            "objective": type("O", (), {"pk": 0}),
            "indicator": type("I", (), {"pk": 0}),
            "check": type("C", (), {"pk": 0}),
        }
    )
)


@pytest.mark.parametrize("name", FORMS)
def test_pilotage_and_account_forms(client, world, name):
    role, url, fields = _pilotage_forms(world)[name]
    client.force_login(world["side"].users[role])
    extra = {"action_type": world["action_type"].pk} if name in ("action_plan", "bulk") else {}
    if name == "bulk":
        extra["accompaniments"] = [world["accompaniment"].pk]

    @EXAMPLES
    @given(st.fixed_dictionaries(dict.fromkeys(fields, VALUES)))
    def post(data):
        check_post(client, url, {**extra, **data})

    post()


def test_action_held_and_cancel_forms(client, world):
    client.force_login(world["side"].users[Role.FPO_ADVISER])

    @EXAMPLES
    @given(VALUES, VALUES, VALUES, VALUES, st.booleans())
    def post(held_on, participants, count, note, held):
        action = ActionRecordFactory(accompaniment=world["accompaniment"], action_type=world["action_type"])
        prefix = f"action-{action.pk}-"
        if held:
            data = {f"{prefix}held_on": held_on, f"{prefix}participants": participants}
            data |= {f"{prefix}participant_count": count, f"{prefix}note": note}
            check_post(client, f"/pilotage/actions/{action.pk}/realisee/", data)
        else:
            check_post(client, f"/pilotage/actions/{action.pk}/annulation/", {f"{prefix}reason": note})

    post()


@pytest.mark.parametrize(
    "step,fields",
    [
        ("dates", ["council_decision_date", "council_decision_reference", "start_date", "end_date"]),
        ("contacts", ["contact-0-full_name", "contact-0-function", "contact-0-email", "contact-0-phone"]),
    ],
)
def test_convention_po_part_forms(client, side_a, step, fields):
    convention = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = f"/conventions/{convention.reference}/modifier/{step}/"
    management = {"contact-TOTAL_FORMS": "1", "contact-INITIAL_FORMS": "0"} if step == "contacts" else {}

    @EXAMPLES
    @given(st.fixed_dictionaries(dict.fromkeys(fields, VALUES)))
    def post(data):
        convention.refresh_from_db()
        lock = {"lock_version": convention.lock_version, "lock-lock_version": convention.lock_version}
        check_post(client, url, {**lock, **management, **data})

    post()


def test_convention_signatories_form(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = f"/conventions/{convention.reference}/modifier/signataires/"
    rows = list(convention.signatories.exclude(party="fpo").order_by("pk"))

    @EXAMPLES
    @given(VALUES, VALUES, VALUES, VALUES)
    def post(civility, full_name, function, email):
        convention.refresh_from_db()
        data = {
            "lock-lock_version": convention.lock_version,
            "sig-TOTAL_FORMS": len(rows),
            "sig-INITIAL_FORMS": len(rows),
        }
        for index, row in enumerate(rows):
            data |= {
                f"sig-{index}-id": row.pk,
                f"sig-{index}-civility": civility,
                f"sig-{index}-full_name": full_name,
                f"sig-{index}-function": function,
                f"sig-{index}-email": email,
            }
        check_post(client, url, data)

    post()
