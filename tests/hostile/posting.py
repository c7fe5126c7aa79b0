"""What every property-based form test checks: random values posted by the role that fills the
form never give a 500 nor a refusal of access; where the form or the page refuses, it says why in
French and the rows it touches are unchanged."""

from django.apps import apps
from django.contrib.messages import get_messages
from django.forms import BaseForm, BaseFormSet
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from .corpus import CORPUS, NUL

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
WATCHED = (
    [
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
            "Accompaniment",
        )
    ]
    + [
        ("conventions", name)
        for name in (
            "Convention",
            "ConventionSignatory",
            "ConventionContact",
            "ConventionTransition",
            "TerminationNotice",
            "Signature",
        )
    ]
    + [("accounts", "Invitation")]
)


def values_or(*ids) -> st.SearchStrategy:
    """Random values, or one of these object ids (another organisation's, typically)."""
    return st.one_of(VALUES, st.sampled_from([str(i) for i in ids]))


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


def error_messages(response) -> list[str]:
    """The error messages this request flashed (a view that answers with a redirect); those of
    earlier requests, still waiting in the session, are not this answer's."""
    queued = getattr(get_messages(response.wsgi_request), "_queued_messages", [])
    return [str(m) for m in queued if m.level_tag == "error"]


def check_post(client, url, data, *, refusals=(), **extra):
    """Posts `data` and checks the answer; a view that redirects is followed, and its flashed
    errors count as a refusal. `refusals` are further statuses that mean a clear refusal (for
    instance 400 for a tampered hidden id)."""
    before = snapshot()
    response = client.post(url, data, **(HTMX | extra))
    assert response.status_code < 500, (url, data, response.status_code)
    assert response.status_code not in (403, 404, 405), (url, response.status_code)
    errors = form_errors(response) + error_messages(response)
    if response.status_code in refusals:
        errors.append(response.content.decode())
    if errors:
        assert snapshot() == before, (url, "enregistré à moitié", data)
        for error in errors:
            assert not any(word in error for word in ENGLISH), error
    return response
