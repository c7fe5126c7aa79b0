"""The hostile corpus typed into every free-text field of the pilotage pages, by the role that
fills it: NUL bytes are refused in French and nothing is saved; everything else is saved as typed
and every page that shows it shows it as text."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.models import ActionRecord, Evaluation, Indicator, Note, SchoolObjective, Strategy
from tests.pilotage.factories import (
    ActionRecordFactory,
    ActionTypeFactory,
    accompany,
    objective_with_indicator,
)
from tests.utils import text_of

from .corpus import CORPUS, NUL, NUL_MESSAGE, assert_escaped

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
VALUES = list(CORPUS.values())
READERS = (Role.FPO_ADVISER, Role.FPO_STAFF, Role.PO_REFERENT, Role.SCHOOL_DIRECTION, Role.DCO)


def _forms(side, accompaniment):
    """(role, url, data for a text, text fields, model) for every free-text form of a school's page."""
    action_type = ActionTypeFactory(federation=side.federation)
    objective = objective_with_indicator(accompaniment).objective
    day = (timezone.localdate() + timedelta(days=7)).isoformat()

    def held(text):
        action = ActionRecordFactory(accompaniment=accompaniment, action_type=action_type)
        prefix = f"action-{action.pk}-"
        return reverse("pilotage_action_held", args=[action.pk]), {
            f"{prefix}held_on": timezone.localdate().isoformat(),
            f"{prefix}participants": text,
            f"{prefix}note": text,
        }

    def cancel(text):
        action = ActionRecordFactory(accompaniment=accompaniment, action_type=action_type)
        return reverse("pilotage_action_cancel", args=[action.pk]), {f"action-{action.pk}-reason": text}

    pk = accompaniment.pk
    return [
        (
            Role.FPO_ADVISER,
            lambda t: (reverse("pilotage_note_add", args=[pk]), {"text": t, "visibility": "shared"}),
            Note,
        ),
        (
            Role.FPO_ADVISER,
            lambda t: (
                reverse("pilotage_action_plan", args=[pk]),
                {"action_type": action_type.pk, "date": day, "location": t[:200], "participants": t},
            ),
            ActionRecord,
        ),
        (Role.FPO_ADVISER, held, None),
        (Role.FPO_ADVISER, cancel, None),
        (
            Role.PO_REFERENT,
            lambda t: (
                reverse("pilotage_objective_create", args=[pk]),
                {"label": t[:20], "title": t[:300], "description": t},
            ),
            SchoolObjective,
        ),
        (
            Role.PO_REFERENT,
            lambda t: (
                reverse("pilotage_strategy_create", args=[pk]),
                {"title": t[:300], "actions": t, "responsible": t[:200], "timeline": t[:100]},
            ),
            Strategy,
        ),
        (
            Role.PO_REFERENT,
            lambda t: (
                reverse("pilotage_indicator_create", args=[objective.pk]),
                {"name": t[:300], "unit": "%", "direction": "rise", "baseline": "10", "target": "20"},
            ),
            Indicator,
        ),
        (
            Role.PO_REFERENT,
            lambda t: (
                reverse("pilotage_evaluation_create", args=[pk]),
                {
                    "kind": "annual",
                    "school_year": str(timezone.localdate().year - 1),
                    "held_on": timezone.localdate().isoformat(),
                    "comment": t,
                    f"status_{objective.pk}": "in_progress",
                    f"comment_{objective.pk}": t[:2000],
                },
            ),
            Evaluation,
        ),
    ]


def test_every_page_shows_the_corpus_as_text(client, side_a):
    accompaniment = accompany(side_a)
    for role, form, _model in _forms(side_a, accompaniment):
        client.force_login(side_a.users[role])
        for text in VALUES:
            url, data = form(text)
            response = client.post(url, data, **HTMX)
            assert response.status_code in (200, 302), (url, response.status_code)
            assert_escaped(response.content.decode())
    school_url = accompaniment.school.get_absolute_url()
    for role in READERS:
        client.force_login(side_a.users[role])
        response = client.get(school_url)
        assert response.status_code == 200, role
        html = response.content.decode()
        assert_escaped(html)
        if role == Role.FPO_ADVISER:
            assert "<script>alert('pilotis')</script>" in text_of(response)
        for name in ("pilotage_adviser_dashboard", "pilotage_federation_dashboard", "pilotage_po_dashboard"):
            page = client.get(reverse(name))
            assert page.status_code in (200, 403), (role, name, page.status_code)
            assert_escaped(page.content.decode())


def test_a_nul_byte_is_refused_in_french_and_nothing_is_saved(client, side_a):
    accompaniment = accompany(side_a)
    for role, form, model in _forms(side_a, accompaniment):
        client.force_login(side_a.users[role])
        url, data = form(NUL)
        before = model.objects.count() if model else None
        statuses = list(ActionRecord.objects.values_list("pk", "status"))
        response = client.post(url, data, **HTMX)
        assert response.status_code == 200, (url, response.status_code)
        assert NUL_MESSAGE in text_of(response), url
        if model:
            assert model.objects.count() == before, url
        assert list(ActionRecord.objects.values_list("pk", "status")) == statuses, url
