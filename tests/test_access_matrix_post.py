"""The access matrix, POST pass: every URL of the matrix is posted to by each role of
organisation B against organisation A's objects (and by an anonymous visitor). A refusal is a
403, a 404, a 405 or a redirection to the login page, never a 500, and nothing changes.

Where B may reach the URL at all (its own pages: home, the calendar, forms without an object),
the POST must still never answer 500."""

import pytest
from django.apps import apps

from accounts.models import Role
from tests.test_access_matrix import (  # noqa: F401, F811 (world is a fixture)
    ANONYMOUS,
    LOGIN,
    MATRIX,
    _sample_url,
    url_names,
    world,
)

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}
# What a hostile POST could carry: every field name the app's forms use, with plausible values.
PAYLOAD = {
    "lock_version": "1",
    "lock-lock_version": "1",
    "comment": "Motif",
    "reason": "Motif",
    "answer": "Réponse",
    "text": "Texte",
    "visibility": "shared",
    "state": "accepted",
    "step": "2",
    "on": "2025-01-01",
    "date": "2025-01-01",
    "held_on": "2025-01-01",
    "start_date": "2025-09-01",
    "name": "Nom",
    "title": "Titre",
    "baseline": "10",
    "target": "20",
    "value": "12",
    "school_year": "2024",
    "email": "x@example.org",
    "role": "fpo_adviser",
    "renew": "1",
    "revoke": "1",
    "confirm": "1",
}
SKIPPED_APPS = {"sessions", "admin", "contenttypes", "auth", "django_tasks_database"}


def _fingerprint():
    """Every row of the project's tables, but for the login date that logging in itself sets."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows[model._meta.label] = sorted(map(repr, model._default_manager.values_list(*fields)))
    return rows


def _refused(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in REFUSED or (
        response.status_code == 302 and location.startswith((LOGIN, "/admin/login/"))
    )


def _about_a(name) -> bool:
    """The GET matrix keeps every role of B out of this URL: it is about A's objects."""
    other = MATRIX[name].other
    expected = other.values() if isinstance(other, dict) else [other]
    return all(value in (403, 404) for value in expected)


@pytest.mark.parametrize("name", [n for n in url_names() if n in MATRIX])
def test_posting_as_another_organisation_is_refused_and_changes_nothing(client, world, name):  # noqa: F811
    url = _sample_url(name, world)
    strict = _about_a(name)
    failures = []
    visitors = [(ANONYMOUS, None)] + [(role, world["B"].users[role]) for role in Role]
    for who, user in visitors:
        client.logout()
        if user is not None:
            client.force_login(user)
        before = _fingerprint() if strict else None
        response = client.post(url, PAYLOAD)
        if response.status_code >= 500:
            failures.append(f"{who} : {response.status_code}")
        elif (
            strict
            and not _refused(response)
            and not (name.startswith(("signature_", "my_signature_")) and response.status_code == 302)
        ):
            # An unknown signing link sends back to its page with a French message (the same
            # pages reached from inside Pilotis ask to confirm the password first).
            failures.append(f"{who} : attendu 403/404/405, reçu {response.status_code}")
        elif strict and _fingerprint() != before:
            failures.append(f"{who} : la base a changé")
    assert not failures, f"POST {url}\n" + "\n".join(failures)
