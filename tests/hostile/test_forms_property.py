"""Property-based: random text, unicode, huge and empty values posted to every form of the app by
the role that fills it. Never a 500; where refused, the form says why in French; nothing is
saved half-way (the rows the form touches are unchanged when it refuses)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Role
from tests.conventions.factories import convention_for
from tests.pilotage.factories import (
    ActionRecordFactory,
    ActionTypeFactory,
    accompany,
    objective_with_indicator,
)

from .posting import EXAMPLES, VALUES, check_post

pytestmark = pytest.mark.django_db


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
